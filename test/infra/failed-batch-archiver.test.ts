import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  archiveKey,
  createArchiver,
  type StreamBatchFailure,
} from '../../infra/functions/failed-batch-archiver.ts';

const streams = mockClient(DynamoDBStreamsClient);
const s3 = mockClient(S3Client);
const archive = createArchiver({
  streams: new DynamoDBStreamsClient({ region: 'cn-northwest-1' }),
  s3: new S3Client({ region: 'cn-northwest-1' }),
  bucket: 'failures',
  maxPages: 4,
});

const info: StreamBatchFailure['DDBStreamBatchInfo'] = {
  shardId: 'shardId-00000001700000000000-abcdef12',
  startSequenceNumber: '9000000000000000000100',
  endSequenceNumber: '9000000000000000000300',
  batchSize: 2,
  streamArn: 'arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/t/stream/2026-11-27T00:00:00.000',
};

const record = (seq: string, sk = 'BALLOT', eventName: 'INSERT' | 'MODIFY' = 'INSERT'): StreamRecord => ({
  eventName,
  dynamodb: { SequenceNumber: seq, Keys: { pk: { S: `B#c#t.party.${seq}` }, sk: { S: sk } } },
});

const message = (body: unknown, id = 'm1'): SQSRecord =>
  ({ messageId: id, body: JSON.stringify(body) }) as SQSRecord;
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const failure = { requestContext: { condition: 'RetryAttemptsExhausted' }, DDBStreamBatchInfo: info };

beforeEach(() => {
  streams.reset();
  s3.reset();
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-0' });
  s3.on(PutObjectCommand).resolves({});
});

describe('failed batch archiver', () => {
  it('reads the batch back from its shard and stores its ballot inserts, up to the last sequence number', async () => {
    streams
      .on(GetRecordsCommand, { ShardIterator: 'it-0' })
      .resolves({
        Records: [record('9000000000000000000100'), record('9000000000000000000150', 'AGG#C', 'MODIFY')],
        NextShardIterator: 'it-1',
      })
      .on(GetRecordsCommand, { ShardIterator: 'it-1' })
      .resolves({
        Records: [record('9000000000000000000300'), record('9000000000000000000400')],
        NextShardIterator: 'it-2',
      });

    expect(await archive(event(message(failure)))).toEqual({ batchItemFailures: [] });

    expect(streams.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({
      StreamArn: info.streamArn,
      ShardId: info.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: info.startSequenceNumber,
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('failures');
    expect(put?.Key).toBe(archiveKey(info));
    expect(put?.Key).toBe(
      `failed-batches/${info.shardId}/${info.startSequenceNumber}-${info.endSequenceNumber}.json`,
    );
    const stored = JSON.parse(String(put?.Body));
    expect(stored.DDBStreamBatchInfo).toEqual(info);
    expect(stored.requestContext).toEqual({ condition: 'RetryAttemptsExhausted' });
    // the aggregate MODIFY in between and the record after the batch are not part of it
    expect(stored.records.map((r: StreamRecord) => r.dynamodb?.SequenceNumber)).toEqual([
      '9000000000000000000100',
      '9000000000000000000300',
    ]);
  });

  it('compares sequence numbers as numbers, not as strings of different lengths', async () => {
    const short = { ...info, startSequenceNumber: '900', endSequenceNumber: '1000' };
    streams.on(GetRecordsCommand).resolves({ Records: [record('900'), record('1000'), record('1001')] });
    await archive(event(message({ DDBStreamBatchInfo: short })));
    const stored = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body));
    expect(stored.records).toHaveLength(2);
  });

  it('reports a message as failed, and stores nothing, when the records are gone from the stream', async () => {
    streams
      .on(GetRecordsCommand)
      .rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }));
    const result = await archive(event(message(failure, 'gone'), message({ not: 'a failure' }, 'junk')));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'gone' }, { itemIdentifier: 'junk' }]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('gives up after a bounded number of empty pages instead of spinning on an open shard', async () => {
    streams.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: 'again' });
    const result = await archive(event(message(failure)));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(streams.commandCalls(GetRecordsCommand)).toHaveLength(4);
  });

  it('stores what a closed shard had when it ends before the batch end', async () => {
    streams.on(GetRecordsCommand).resolves({ Records: [record('9000000000000000000100')] });
    expect((await archive(event(message(failure)))).batchItemFailures).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });
});
