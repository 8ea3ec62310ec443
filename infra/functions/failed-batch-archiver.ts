// Keeps the payload of stream batches the aggregator gave up on, where Lambda's S3 failure destination is missing.
//
// In the China regions a DynamoDB event source mapping can send a failed batch only to SQS or SNS, and what it
// sends is the batch's coordinates (shard, first and last sequence number), not its records. This function
// takes those coordinates from the queue, reads the records back from the stream (kept 24 h) and stores them
// in the failures bucket, in the same bucket and shape the S3 destination gives elsewhere. See ADR 0002.

import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { compareSequence, isBallotInsert } from '@pingyi/data';
import { logger } from '@pingyi/runtime';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** What Lambda puts in the on-failure queue for a DynamoDB stream batch. */
export interface StreamBatchFailure {
  requestContext?: { condition?: string; approximateInvokeCount?: number; functionArn?: string };
  responseContext?: { functionError?: string; statusCode?: number };
  timestamp?: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    batchSize?: number;
    streamArn: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
  };
}

export interface ArchiverDeps {
  streams: Pick<DynamoDBStreamsClient, 'send'>;
  s3: Pick<S3Client, 'send'>;
  bucket: string;
  /** upper bound of GetRecords calls per batch, so a shard that yields nothing cannot spin the function */
  maxPages?: number;
}

export class FailedBatchError extends Error {
  override readonly name = 'FailedBatchError';
}

/** The object key of a batch: the same batch archived twice lands on the same key. */
export function archiveKey(info: StreamBatchFailure['DDBStreamBatchInfo']): string {
  return `failed-batches/${info.shardId}/${info.startSequenceNumber}-${info.endSequenceNumber}.json`;
}

/** Reads the ballot inserts between the batch's first and last sequence number (inclusive) from the stream. */
export async function readBatch(deps: ArchiverDeps, info: StreamBatchFailure['DDBStreamBatchInfo']) {
  const { ShardIterator } = await deps.streams.send(
    new GetShardIteratorCommand({
      StreamArn: info.streamArn,
      ShardId: info.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: info.startSequenceNumber,
    }),
  );
  const records: StreamRecord[] = [];
  let iterator = ShardIterator;
  for (let page = 0; iterator && page < (deps.maxPages ?? 50); page++) {
    const { Records = [], NextShardIterator } = await deps.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
    );
    for (const record of Records) {
      const sequence = record.dynamodb?.SequenceNumber;
      if (!sequence) continue;
      if (compareSequence(sequence, info.endSequenceNumber) > 0) return records;
      // ballots only: a comment or free text next to its ballot in the archive would tie them together again (the
      // table keeps them, and a recount counts them)
      if (isBallotInsert(record)) records.push(record);
    }
    const last = Records.at(-1)?.dynamodb?.SequenceNumber;
    if (last && compareSequence(last, info.endSequenceNumber) === 0) return records;
    iterator = NextShardIterator;
  }
  if (!iterator) return records; // a closed shard ends before or at the batch's end
  throw new FailedBatchError(
    `did not reach sequence ${info.endSequenceNumber} of ${info.shardId} within ${deps.maxPages ?? 50} pages`,
  );
}

export function createArchiver(deps: ArchiverDeps) {
  return async function archive(event: SQSEvent): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      try {
        const failure = JSON.parse(message.body) as StreamBatchFailure;
        const info = failure.DDBStreamBatchInfo;
        if (!info?.shardId || !info.startSequenceNumber || !info.endSequenceNumber || !info.streamArn) {
          throw new FailedBatchError('message has no DDBStreamBatchInfo');
        }
        const records = await readBatch(deps, info);
        const body = JSON.stringify({
          requestContext: failure.requestContext,
          responseContext: failure.responseContext,
          timestamp: failure.timestamp,
          DDBStreamBatchInfo: info,
          records,
        });
        await deps.s3.send(
          new PutObjectCommand({
            Bucket: deps.bucket,
            Key: archiveKey(info),
            Body: body,
            ContentType: 'application/json',
          }),
        );
        logger.warn('failed stream batch archived', { key: archiveKey(info), records: records.length });
      } catch (error) {
        logger.error('failed stream batch not archived', {
          messageId: message.messageId,
          error: String(error),
        });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let handler: ReturnType<typeof createArchiver> | undefined;

/** The Lambda entry point (SQS event source with partial batch responses). */
export async function main(event: SQSEvent): Promise<SQSBatchResponse> {
  const bucket = process.env.PINGYI_FAILURES_BUCKET;
  if (!bucket) throw new FailedBatchError('PINGYI_FAILURES_BUCKET is not set');
  handler ??= createArchiver({ streams: new DynamoDBStreamsClient({}), s3: new S3Client({}), bucket });
  return handler(event);
}
