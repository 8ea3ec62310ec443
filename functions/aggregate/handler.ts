// Lambda entry for the table stream: ballot inserts in, aggregate updates out. An adapter, no math, no keys.

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { loadRuntimeConfig, logger } from '@pingyi/api/runtime';
import { applyBallots, type Db, fromStreamImage, isBallotInsert, type StreamBallot } from '@pingyi/data';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The event source mapping runs with a tumbling window, which is how Lambda tells a handler its shard
 * (`shardId`); exact counting keys its high-water marks by shard. `state` must be echoed back.
 */
export type AggregateEvent = DynamoDBStreamEvent & { shardId?: string; state?: Record<string, string> };
export type AggregateResponse = DynamoDBBatchResponse & { state: Record<string, string> };

export function createAggregateHandler(db: Db) {
  return async function handle(event: AggregateEvent): Promise<AggregateResponse> {
    const records = event.Records.filter((r) => isBallotInsert(r));
    if (records.length === 0) return { batchItemFailures: [], state: {} };
    const shard = event.shardId;
    if (!shard)
      throw new Error('stream event without shardId: the event source mapping needs a tumbling window');
    const ballots: StreamBallot[] = [];
    for (const record of records)
      ballots.push({ shard, sequenceNumber: sequenceOf(record), ...decode(record) });
    const result = await applyBallots(db, ballots);
    if (result.failedFrom === undefined) {
      logger.info('aggregated', { ballots: ballots.length, items: result.items, writes: result.writes });
      return { batchItemFailures: [], state: {} };
    }
    logger.error('aggregation incomplete; resuming from the first unapplied record', {
      ballots: ballots.length,
      items: result.items,
      failedItems: result.errors.length,
      errors: result.errors.slice(0, 3).map(String),
    });
    return { batchItemFailures: [{ itemIdentifier: result.failedFrom }], state: {} };
  };
}

function sequenceOf(record: DynamoDBRecord): string {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new Error('stream record without a sequence number');
  return seq;
}

function decode(record: DynamoDBRecord) {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('ballot insert without NewImage: the stream must be NEW_IMAGE');
  return fromStreamImage(image as Record<string, AttributeValue>);
}

let handler: ReturnType<typeof createAggregateHandler> | undefined;

/** The Lambda entry point: clients are built once per container, from the validated config. */
export async function main(event: AggregateEvent): Promise<AggregateResponse> {
  handler ??= createAggregateHandler(loadRuntimeConfig().db);
  return handler(event);
}
