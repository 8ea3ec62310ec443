// Integration tests of the local stream poller against DynamoDB Local's real stream: Lambda shape and retry rules.
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue as SdkAttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import {
  BatchItemFailureError,
  type StreamCheckpoint,
  type StreamPoller,
  type StreamPollerOptions,
  startStreamPoller,
} from '../../packages/local/src/stream-poller.ts';

const clientConfig = {
  endpoint: inject('dynamoEndpoint'),
  region: 'cn-north-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const dynamo = new DynamoDBClient(clientConfig);
const streams = new DynamoDBStreamsClient(clientConfig);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  dynamo.destroy();
  streams.destroy();
});

async function createStreamTable(): Promise<{ tableName: string; streamArn: string }> {
  const tableName = `stream-poller-${randomUUID()}`;
  const created = await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const streamArn = created.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error('table was created without a stream');
  cleanups.push(() => dynamo.send(new DeleteTableCommand({ TableName: tableName })));
  return { tableName, streamArn };
}

async function put(tableName: string, pks: string[], extra: Record<string, SdkAttributeValue> = {}) {
  for (const pk of pks) {
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, ...extra } }));
  }
}

const keys = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

const pkOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.pk?.S;
const seqOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

/** Runs a poller that records every batch it hands to `respond`, and stops it after the test. */
function poll(
  streamArn: string,
  respond: (
    event: DynamoDBStreamEvent,
    call: number,
  ) => Promise<DynamoDBBatchResponse | undefined> = async () => undefined,
  options: Partial<StreamPollerOptions> = {},
): { poller: StreamPoller; batches: DynamoDBRecord[][]; delivered: () => string[][] } {
  const batches: DynamoDBRecord[][] = [];
  const poller = startStreamPoller({
    streams,
    streamArn,
    intervalMs: 20,
    handler: (event) => {
      batches.push(event.Records);
      return respond(event, batches.length);
    },
    ...options,
  });
  cleanups.push(() => poller.stop());
  return { poller, batches, delivered: () => batches.map((batch) => batch.map((r) => pkOf(r) ?? '?')) };
}

function memoryCheckpoint(initial: Record<string, string> = {}): StreamCheckpoint & {
  saved: Record<string, string>;
} {
  const saved = { ...initial };
  return {
    saved,
    load: async () => ({ ...saved }),
    save: async (shardId, sequenceNumber) => {
      saved[shardId] = sequenceNumber;
    },
  };
}

describe('stream poller on DynamoDB Local', () => {
  it('delivers every record in the shape Lambda gives a stream handler', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 3), {
      bin: { B: new Uint8Array([0, 1, 2, 250]) },
      bins: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      nested: { M: { list: { L: [{ N: '7' }, { B: new Uint8Array([9]) }] } } },
    });
    const { poller, batches, delivered } = poll(streamArn);
    await poller.idle();

    expect(delivered().flat()).toEqual(['k0', 'k1', 'k2']);
    const records = batches.flat();
    for (const record of records) {
      expect(record).toEqual({
        eventID: expect.any(String),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: expect.any(String),
        eventSourceARN: streamArn,
        dynamodb: {
          ApproximateCreationDateTime: expect.any(Number),
          Keys: { pk: { S: pkOf(record) } },
          NewImage: {
            pk: { S: pkOf(record) },
            bin: { B: Buffer.from([0, 1, 2, 250]).toString('base64') },
            bins: { BS: expect.arrayContaining(['AQ==', 'AgM=']) },
            nested: { M: { list: { L: [{ N: '7' }, { B: 'CQ==' }] } } },
          },
          SequenceNumber: expect.stringMatching(/^\d+$/),
          SizeBytes: expect.any(Number),
          StreamViewType: 'NEW_IMAGE',
        },
      });
      // Epoch seconds, not milliseconds and not a Date: within a day of now is a magnitude check, not a timing one.
      const created = record.dynamodb?.ApproximateCreationDateTime ?? 0;
      expect(Number.isInteger(created)).toBe(true);
      expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(86_400);
    }
    // The event must survive JSON, as Lambda's does.
    expect(JSON.parse(JSON.stringify(records))).toEqual(records);
  });

  it('redelivers from the lowest reported failure to the end of the batch, and nothing before it', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 6));
    const checkpoint = memoryCheckpoint();
    const { poller, delivered } = poll(
      streamArn,
      async (event, call) => {
        if (call > 1) return undefined;
        const [k2, k4] = [event.Records[2], event.Records[4]].map((r) => seqOf(r as DynamoDBRecord));
        return { batchItemFailures: [{ itemIdentifier: k4 as string }, { itemIdentifier: k2 as string }] };
      },
      { checkpoint },
    );
    await poller.idle();

    expect(delivered()).toEqual([
      ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'],
      ['k2', 'k3', 'k4', 'k5'],
    ]);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 4));
    const { poller, delivered } = poll(streamArn, async (_event, call) => {
      if (call === 1) throw new Error('aggregate store unavailable');
      return undefined;
    });
    await poller.idle();

    expect(delivered()).toEqual([
      ['k0', 'k1', 'k2', 'k3'],
      ['k0', 'k1', 'k2', 'k3'],
    ]);
  });

  it('treats an empty or unknown itemIdentifier as a failure of the whole batch', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 3));
    const { poller, delivered } = poll(streamArn, async (_event, call) => {
      if (call === 1) return { batchItemFailures: [{ itemIdentifier: '' }] };
      if (call === 2) return { batchItemFailures: [{ itemIdentifier: '999999999999999999999999' }] };
      return { batchItemFailures: [] };
    });
    await poller.idle();

    expect(delivered()).toEqual([
      ['k0', 'k1', 'k2'],
      ['k0', 'k1', 'k2'],
      ['k0', 'k1', 'k2'],
    ]);
  });

  it('sends a poison batch to onDeadLetter after maxRetries retries and keeps delivering later records', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, ['k0']);
    await put(tableName, ['poison'], { ballot: { S: 'SECRET-BALLOT-CONTENT' } });
    await put(tableName, ['k2']);
    const deadLetters: { pks: (string | undefined)[]; error: unknown }[] = [];
    const logs: unknown[] = [];
    const { poller, delivered } = poll(
      streamArn,
      async (event) => {
        const poison = event.Records.find((r) => pkOf(r) === 'poison');
        return poison ? { batchItemFailures: [{ itemIdentifier: seqOf(poison) }] } : undefined;
      },
      {
        maxRetries: 2,
        onDeadLetter: (records, error) => {
          deadLetters.push({ pks: records.map(pkOf), error });
        },
        log: (msg, extra) => logs.push({ msg, extra }),
      },
    );
    await poller.idle();

    // First delivery plus two retries, each from the poison record on; then the rest of that batch is dead-lettered.
    expect(delivered()).toEqual([
      ['k0', 'poison', 'k2'],
      ['poison', 'k2'],
      ['poison', 'k2'],
    ]);
    expect(deadLetters).toEqual([{ pks: ['poison', 'k2'], error: expect.any(BatchItemFailureError) }]);

    await put(tableName, ['k3', 'k4']);
    await poller.idle();
    // later records come (in one batch or two: the poller may read between the two writes)
    expect(delivered().slice(3).flat()).toEqual(['k3', 'k4']);
    expect(deadLetters).toHaveLength(1);
    // Ballots are anonymous: logs carry counts and sequence numbers, never item contents.
    expect(JSON.stringify(logs)).not.toContain('SECRET-BALLOT-CONTENT');
  });

  it('dead-letters the whole batch after maxRetries when the handler keeps throwing', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 2));
    const failure = new Error('handler bug');
    const deadLetters: { pks: (string | undefined)[]; error: unknown }[] = [];
    const { poller, batches } = poll(
      streamArn,
      async () => {
        throw failure;
      },
      {
        maxRetries: 1,
        onDeadLetter: (records, error) => void deadLetters.push({ pks: records.map(pkOf), error }),
      },
    );
    await poller.idle();

    expect(batches).toHaveLength(2);
    expect(deadLetters).toEqual([{ pks: ['k0', 'k1'], error: failure }]);
  });

  it('skips records the filter rejects, never calls the handler with an empty batch, and still checkpoints them', async () => {
    const { tableName, streamArn } = await createStreamTable();
    const kind = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.kind?.S;
    await put(tableName, ['a0'], { kind: { S: 'aggregate' } });
    await put(tableName, ['b1'], { kind: { S: 'ballot' } });
    await put(tableName, ['a2'], { kind: { S: 'aggregate' } });
    await put(tableName, ['b3'], { kind: { S: 'ballot' } });
    const checkpoint = memoryCheckpoint();
    const { poller, batches, delivered } = poll(streamArn, undefined, {
      filter: (record) => kind(record) === 'ballot',
      checkpoint,
    });
    await poller.idle();
    expect(delivered()).toEqual([['b1', 'b3']]);

    await put(tableName, ['a4', 'a5'], { kind: { S: 'aggregate' } });
    await poller.idle();
    expect(batches).toHaveLength(1);
    const [shardId, savedSequenceNumber] = Object.entries(checkpoint.saved)[0] ?? [];
    expect(shardId).toBeDefined();

    // The saved position is past the filtered-out records: a fresh poller without a filter sees nothing old.
    await poller.stop();
    const resumed = poll(streamArn, undefined, { checkpoint });
    await resumed.poller.idle();
    expect(resumed.batches).toHaveLength(0);
    expect(savedSequenceNumber).toMatch(/^\d+$/);
  });

  it('resumes after the sequence number saved in the checkpoint', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 5));
    const checkpoint = memoryCheckpoint();
    const first = poll(streamArn, undefined, { checkpoint });
    await first.poller.idle();
    await first.poller.stop();
    expect(first.delivered().flat()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);

    await put(tableName, ['k5', 'k6']);
    const second = poll(streamArn, undefined, { checkpoint });
    await second.poller.idle();
    expect(second.delivered().flat()).toEqual(['k5', 'k6']);

    // A checkpoint pointing into the middle resumes right after that record.
    const k2 = first.batches.flat().find((r) => pkOf(r) === 'k2');
    const [shardId] = Object.keys(checkpoint.saved);
    const third = poll(streamArn, undefined, {
      checkpoint: memoryCheckpoint({ [shardId as string]: seqOf(k2 as DynamoDBRecord) }),
    });
    await third.poller.idle();
    expect(third.delivered().flat()).toEqual(['k3', 'k4', 'k5', 'k6']);
  });

  it('resolves idle() on an empty stream and again once later writes are delivered', async () => {
    const { tableName, streamArn } = await createStreamTable();
    const { poller, delivered } = poll(streamArn);
    await poller.idle();
    expect(delivered()).toEqual([]);

    await put(tableName, keys('k', 0, 3));
    await poller.idle();
    expect(delivered().flat()).toEqual(['k0', 'k1', 'k2']);
  });

  it('splits the stream into batches of at most batchSize records', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 7));
    const { poller, delivered } = poll(streamArn, undefined, { batchSize: 3 });
    await poller.idle();
    expect(delivered()).toEqual([['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k6']]);
  });

  it('lets the batch in flight finish and checkpoint before stop() resolves', async () => {
    const { tableName, streamArn } = await createStreamTable();
    await put(tableName, keys('k', 0, 2));
    const checkpoint = memoryCheckpoint();
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const handlerReleased = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const { poller } = poll(
      streamArn,
      async () => {
        entered();
        await handlerReleased;
        finished = true;
        return undefined;
      },
      { checkpoint },
    );
    await handlerEntered;
    const stopped = poller.stop();
    release();
    await stopped;

    expect(finished).toBe(true);
    expect(Object.values(checkpoint.saved)).toHaveLength(1);
    await expect(poller.idle()).rejects.toThrow(/stopped/);
  });
});
