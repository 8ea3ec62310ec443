// Lambda entry for the table stream: inserts of ballots, comments and free texts in, aggregate updates out. An
// adapter, no math, no keys.

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  applyRecords,
  compareSequence,
  countedFromStream,
  type Db,
  isCountedInsert,
  type StreamRecord,
} from '@pingyi/data';
// the runtime's modules, not its index: the index also exports the S3 client's module, which aggregation never needs
import { loadRuntimeConfig } from '@pingyi/runtime/config';
import { logger } from '@pingyi/runtime/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The event source mapping runs with a tumbling window, which is how Lambda tells a handler its shard
 * (`shardId`); exact counting keys its high-water marks by shard. `state` must be echoed back.
 */
export type AggregateEvent = DynamoDBStreamEvent & { shardId?: string; state?: Record<string, string> };
export type AggregateResponse = DynamoDBBatchResponse & { state: Record<string, string> };

export function createAggregateHandler(db: Db) {
  return async function handle(event: AggregateEvent): Promise<AggregateResponse> {
    const records = event.Records.filter((r) => isCountedInsert(r));
    if (records.length === 0) return { batchItemFailures: [], state: {} };
    const shard = event.shardId;
    if (!shard)
      throw new Error('stream event without shardId: the event source mapping needs a tumbling window');
    const counted: StreamRecord[] = [];
    // A record that cannot be read stops the batch there: what precedes it is applied, and the stream
    // resumes at it until the mapping's bounded retries hand it to the failure destination.
    let poison: string | undefined;
    for (const record of records) {
      const sequenceNumber = sequenceOf(record);
      try {
        // the stream's own time of the record, for ballots per minute (the ballot stores none)
        const at = record.dynamodb?.ApproximateCreationDateTime;
        counted.push({ shard, sequenceNumber, ...decode(record), ...(at === undefined ? {} : { at }) });
      } catch (error) {
        logger.error('unreadable stream record', { sequenceNumber, error: String(error) });
        poison = sequenceNumber;
        break;
      }
    }
    const result = await applyRecords(db, counted);
    const failedFrom = earliest(result.failedFrom, poison);
    if (failedFrom === undefined) {
      logger.info('aggregated', { records: counted.length, items: result.items, writes: result.writes });
      return { batchItemFailures: [], state: {} };
    }
    logger.error('aggregation incomplete; resuming from the first unapplied record', {
      records: counted.length,
      items: result.items,
      failedItems: result.errors.length,
      errors: result.errors.slice(0, 3).map(String),
    });
    return { batchItemFailures: [{ itemIdentifier: failedFrom }], state: {} };
  };
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareSequence(a, b) <= 0 ? a : b;
}

function sequenceOf(record: DynamoDBRecord): string {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new Error('stream record without a sequence number');
  return seq;
}

function decode(record: DynamoDBRecord) {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('insert without NewImage: the stream must be NEW_IMAGE');
  return countedFromStream(image as Record<string, AttributeValue>);
}

let handler: ReturnType<typeof createAggregateHandler> | undefined;

/** The Lambda entry point: clients are built once per container, from the validated config. */
export async function main(event: AggregateEvent): Promise<AggregateResponse> {
  handler ??= createAggregateHandler(loadRuntimeConfig().db);
  return handler(event);
}
