// Owns the local stand-in for Lambda's DynamoDB-stream event source mapping: shards, Lambda-shaped batches, retries.
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  StreamRecord,
} from 'aws-lambda';

/** A batch as Lambda delivers it with a tumbling window: the records, the shard they come from, and state. */
export type StreamBatchEvent = DynamoDBStreamEvent & { shardId: string; state: Record<string, string> };

export interface StreamCheckpoint {
  /** shardId → sequence number of the last record that needs no further delivery. */
  load(): Promise<Record<string, string>>;
  save(shardId: string, sequenceNumber: string): Promise<void>;
}

export interface StreamPollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: same contract as aws-lambda's DynamoDBStreamHandler, so the real handler plugs in
  handler: (event: StreamBatchEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Pause between GetRecords calls that found nothing new, and before a retry. Default 250. */
  intervalMs?: number;
  /**
   * GetRecords Limit, hence the largest batch the handler sees. Default 1000, GetRecords' maximum, as the event
   * source mapping's batchSize (infra/lib/aggregation.ts): a batch costs the aggregation about two round trips
   * whatever its size, so small pages let a burst outrun it (receipts and aggregate updates share the pages).
   */
  batchSize?: number;
  /**
   * Like Lambda's MaximumRetryAttempts: a batch failing at the same sequence number is invoked
   * 1 + maxRetries times before its records go to onDeadLetter. Default 3.
   */
  maxRetries?: number;
  /** Like Lambda filter criteria: rejected records are never delivered but still count as processed. */
  filter?: (record: DynamoDBRecord) => boolean;
  /** Receives the records from the failing one to the end of the batch once retries are exhausted. */
  onDeadLetter?: (records: DynamoDBRecord[], error: unknown) => Promise<void> | void;
  checkpoint?: StreamCheckpoint;
  log?: (msg: string, extra?: object) => void;
}

export interface StreamPoller {
  /** Finishes the batch in flight (handler result and checkpoint included), then stops polling. */
  stop(): Promise<void>;
  /** Resolves once every shard has been read past the records that existed when idle() was called. */
  idle(): Promise<void>;
}

/** The error handed to onDeadLetter when the handler reported batchItemFailures instead of throwing. */
export class BatchItemFailureError extends Error {
  constructor(readonly sequenceNumbers: string[]) {
    super(`handler reported ${sequenceNumbers.length} failed batch item(s)`);
    this.name = 'BatchItemFailureError';
  }
}

const DESCRIBE_EVERY_MS = 10_000;
const MAX_ERROR_BACKOFF_MS = 5_000;

type Position =
  | { type: 'TRIM_HORIZON' }
  | { type: 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER'; sequenceNumber: string };

interface DeadLetter {
  records: DynamoDBRecord[];
  error: unknown;
  lastSequenceNumber: string;
  nextIterator: string | undefined;
}

interface ShardState {
  id: string;
  parentId: string | undefined;
  position: Position;
  /** Undefined until fetched, and again whenever `position` changed or the iterator expired. */
  iterator: string | undefined;
  /** Closed and read to the end. */
  done: boolean;
  failure: { sequenceNumber: bigint; attempts: number } | undefined;
  deadLetter: DeadLetter | undefined;
  /** Tick of the latest GetRecords that found nothing left to deliver. */
  drainedAt: number;
}

interface IdleWaiter {
  since: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

type Verdict = { ok: true } | { ok: false; fromIndex: number; error: unknown };

export function startStreamPoller(opts: StreamPollerOptions): StreamPoller {
  const intervalMs = opts.intervalMs ?? 250;
  const batchSize = opts.batchSize ?? 1000;
  const maxRetries = opts.maxRetries ?? 3;
  const log = opts.log ?? (() => {});
  const { streams, streamArn } = opts;

  const shards = new Map<string, ShardState>();
  const waiters: IdleWaiter[] = [];
  let saved: Record<string, string> | undefined;
  // Ordering of operations, so idle() can tell a read that started after it was called from an older one.
  let tick = 0;
  let describedAt = -1;
  let lastDescribeTime = 0;
  let describeRequested = true;
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  async function describe(): Promise<void> {
    const startedAt = ++tick;
    // Cleared up front: a request made while this call is in flight needs a later look.
    describeRequested = false;
    const found: { id: string; parentId: string | undefined }[] = [];
    let exclusiveStartShardId: string | undefined;
    try {
      do {
        const page = await streams.send(
          new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        );
        for (const shard of page.StreamDescription?.Shards ?? []) {
          if (shard.ShardId) found.push({ id: shard.ShardId, parentId: shard.ParentShardId });
        }
        exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId);
    } catch (error) {
      describeRequested = true;
      throw error;
    }

    // A checkpoint on a shard implies its ancestors were finished: parents are always read before children.
    const parentOf = new Map(found.map((shard) => [shard.id, shard.parentId]));
    const finishedAncestors = new Set<string>();
    for (const shardId of Object.keys(saved ?? {})) {
      for (let id = parentOf.get(shardId); id !== undefined; id = parentOf.get(id)) finishedAncestors.add(id);
    }
    for (const { id, parentId } of found) {
      if (shards.has(id)) continue;
      const savedSequenceNumber = saved?.[id];
      shards.set(id, {
        id,
        parentId,
        position: savedSequenceNumber
          ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: savedSequenceNumber }
          : { type: 'TRIM_HORIZON' },
        iterator: undefined,
        done: finishedAncestors.has(id),
        failure: undefined,
        deadLetter: undefined,
        drainedAt: -1,
      });
      log('stream shard discovered', {
        shardId: id,
        parentShardId: parentId,
        resumeAfter: savedSequenceNumber,
      });
    }
    describedAt = startedAt;
    lastDescribeTime = Date.now();
  }

  function readyShards(): ShardState[] {
    return [...shards.values()].filter((shard) => {
      if (shard.done) return false;
      const parent = shard.parentId === undefined ? undefined : shards.get(shard.parentId);
      return parent === undefined || parent.done;
    });
  }

  async function fetchIterator(shard: ShardState): Promise<string | undefined> {
    const { position } = shard;
    const request = (type: ShardIteratorType, sequenceNumber?: string) =>
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.id,
          ShardIteratorType: type,
          SequenceNumber: sequenceNumber,
        }),
      );
    try {
      const out = await request(
        position.type,
        position.type === 'TRIM_HORIZON' ? undefined : position.sequenceNumber,
      );
      return out.ShardIterator;
    } catch (error) {
      // The checkpoint is older than the 24 h retention: what is left is all we can still deliver.
      if (errorName(error) !== 'TrimmedDataAccessException') throw error;
      log('stream checkpoint is past retention; reading from the trim horizon', { shardId: shard.id });
      shard.position = { type: 'TRIM_HORIZON' };
      return (await request('TRIM_HORIZON')).ShardIterator;
    }
  }

  async function saveCheckpoint(shardId: string, sequenceNumber: string): Promise<void> {
    if (!opts.checkpoint) return;
    try {
      await opts.checkpoint.save(shardId, sequenceNumber);
    } catch (error) {
      // Losing a checkpoint only means redelivery after a restart, which handlers must tolerate anyway.
      log('stream checkpoint save failed', { shardId, sequenceNumber, error: describeError(error) });
    }
  }

  async function moveOn(shard: ShardState, lastSequenceNumber: string, nextIterator: string | undefined) {
    shard.position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber };
    shard.iterator = nextIterator;
    shard.failure = undefined;
    await saveCheckpoint(shard.id, lastSequenceNumber);
    if (nextIterator === undefined) closeShard(shard);
  }

  function closeShard(shard: ShardState): void {
    shard.done = true;
    describeRequested = true; // its children are due now
    log('stream shard finished', { shardId: shard.id });
  }

  async function deliverDeadLetter(shard: ShardState, deadLetter: DeadLetter): Promise<void> {
    try {
      if (opts.onDeadLetter) await opts.onDeadLetter(deadLetter.records, deadLetter.error);
      else
        log('stream records dropped after retries (no onDeadLetter)', { count: deadLetter.records.length });
    } catch (error) {
      // Moving on would lose the records for good; keep them and try again next round.
      log('stream onDeadLetter failed; will retry', { shardId: shard.id, error: describeError(error) });
      return;
    }
    log('stream records dead-lettered', {
      shardId: shard.id,
      count: deadLetter.records.length,
      firstSequenceNumber: deadLetter.records[0]?.dynamodb?.SequenceNumber,
      lastSequenceNumber: deadLetter.lastSequenceNumber,
    });
    shard.deadLetter = undefined;
    await moveOn(shard, deadLetter.lastSequenceNumber, deadLetter.nextIterator);
  }

  /** One step on one shard; true when it delivered something and more may be waiting right away. */
  async function step(shard: ShardState): Promise<boolean> {
    if (shard.deadLetter) {
      await deliverDeadLetter(shard, shard.deadLetter);
      return false;
    }
    shard.iterator ??= await fetchIterator(shard);
    if (shard.iterator === undefined) {
      closeShard(shard);
      return false;
    }
    const startedAt = ++tick;
    const readStarted = performance.now();
    let page: Awaited<ReturnType<typeof getRecords>>;
    try {
      page = await getRecords(shard.iterator);
    } catch (error) {
      if (errorName(error) !== 'ExpiredIteratorException') throw error;
      log('stream shard iterator expired; re-reading from the last position', { shardId: shard.id });
      shard.iterator = undefined;
      return true;
    }
    const raw = page.Records ?? [];
    const nextIterator = page.NextShardIterator ?? undefined;
    const last = raw.at(-1)?.dynamodb?.SequenceNumber;
    if (last === undefined) {
      shard.iterator = nextIterator;
      if (nextIterator === undefined) closeShard(shard);
      else shard.drainedAt = startedAt;
      return false;
    }
    // Records read after stop() was asked for are left for the next run: the checkpoint has not moved past them.
    if (stopping) return false;

    const records = raw.map((record) => toLambdaRecord(record, streamArn));
    const batch = opts.filter ? records.filter(opts.filter) : records;
    if (batch.length === 0) {
      await moveOn(shard, last, nextIterator);
      return true;
    }

    const handleStarted = performance.now();
    const verdict = await invoke(batch, shard.id);
    if (verdict.ok) {
      const handledAt = performance.now();
      await moveOn(shard, last, nextIterator);
      // Timings say where a batch's time goes (reading the page, the handler, the checkpoint): the lag's parts.
      log('stream batch delivered', {
        shardId: shard.id,
        count: batch.length,
        skipped: raw.length - batch.length,
        readMs: Math.round(handleStarted - readStarted),
        handleMs: Math.round(handledAt - handleStarted),
        checkpointMs: Math.round(performance.now() - handledAt),
      });
      return true;
    }

    const failedSequenceNumber = sequenceNumberOf(batch[verdict.fromIndex]);
    const failedAt = BigInt(failedSequenceNumber);
    const attempts = shard.failure?.sequenceNumber === failedAt ? shard.failure.attempts + 1 : 1;
    shard.failure = { sequenceNumber: failedAt, attempts };
    log('stream batch failed', {
      shardId: shard.id,
      count: batch.length,
      failedSequenceNumber,
      failedFromIndex: verdict.fromIndex,
      attempt: attempts,
      error: describeError(verdict.error),
    });
    // Whatever precedes the failed record in this page (delivered or filtered out) is finished.
    const rawIndex = records.findIndex((record) => sequenceNumberOf(record) === failedSequenceNumber);
    const before = rawIndex > 0 ? records[rawIndex - 1] : undefined;
    if (before) await saveCheckpoint(shard.id, sequenceNumberOf(before));

    if (attempts > maxRetries) {
      shard.deadLetter = {
        records: batch.slice(verdict.fromIndex),
        error: verdict.error,
        lastSequenceNumber: last,
        nextIterator,
      };
      await deliverDeadLetter(shard, shard.deadLetter);
      return false;
    }
    // Lambda's rule: restart AT the lowest failed record, so later successes in the batch come again.
    shard.position = { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: failedSequenceNumber };
    shard.iterator = undefined;
    return false;
  }

  function getRecords(iterator: string) {
    return streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
  }

  async function invoke(batch: DynamoDBRecord[], shardId: string): Promise<Verdict> {
    let response: DynamoDBBatchResponse | undefined;
    try {
      // As with a tumbling window on Lambda, the event names its shard and carries (empty) state.
      response = (await opts.handler({ Records: batch, shardId, state: {} })) ?? undefined;
    } catch (error) {
      return { ok: false, fromIndex: 0, error };
    }
    return judge(response, batch);
  }

  async function run(): Promise<void> {
    let errors = 0;
    while (!stopping) {
      let busy = false;
      try {
        if (saved === undefined) saved = opts.checkpoint ? await opts.checkpoint.load() : {};
        const throttle = shards.size === 0 || readyShards().length === 0 ? 1_000 : DESCRIBE_EVERY_MS;
        if (describeRequested || Date.now() - lastDescribeTime >= throttle) await describe();
        for (const shard of readyShards()) {
          if (stopping) break;
          busy = (await step(shard)) || busy;
        }
        errors = 0;
      } catch (error) {
        errors++;
        log('stream poller error; retrying', { streamArn, attempt: errors, error: describeError(error) });
      }
      settleWaiters();
      if (stopping) break;
      if (errors > 0) await sleep(Math.min(intervalMs * 2 ** errors, MAX_ERROR_BACKOFF_MS));
      else if (!busy) await sleep(intervalMs);
    }
  }

  function settleWaiters(): void {
    const active = [...shards.values()].filter((shard) => !shard.done);
    for (const waiter of [...waiters]) {
      if (describedAt <= waiter.since) continue;
      if (active.some((shard) => shard.drainedAt <= waiter.since)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  const loop = run();
  let stopped: Promise<void> | undefined;

  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeUp?.();
        await loop;
        for (const waiter of waiters.splice(0))
          waiter.reject(new Error('stream poller stopped before it was idle'));
        log('stream poller stopped', { streamArn });
      })();
      return stopped;
    },
    idle() {
      if (stopping) return Promise.reject(new Error('stream poller is stopped'));
      return new Promise<void>((resolve, reject) => {
        waiters.push({ since: tick, resolve, reject });
        // Shards created since the last look may hold records that already exist.
        describeRequested = true;
        wakeUp?.();
      });
    },
  };
}

/** Lambda's reading of a handler's response for ReportBatchItemFailures. */
function judge(response: DynamoDBBatchResponse | undefined, batch: DynamoDBRecord[]): Verdict {
  if (response === undefined || response === null) return { ok: true };
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  const whole = (why: string): Verdict => ({ ok: false, fromIndex: 0, error: new Error(why) });
  if (!Array.isArray(failures)) return whole('handler returned batchItemFailures that is not an array');
  if (failures.length === 0) return { ok: true };

  const inBatch = batch.map((record) => BigInt(sequenceNumberOf(record)));
  let fromIndex = -1;
  const reported: string[] = [];
  for (const failure of failures) {
    const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !/^\d+$/.test(id)) {
      return whole('handler reported a batch item failure without a valid itemIdentifier');
    }
    const index = inBatch.indexOf(BigInt(id));
    if (index < 0) return whole('handler reported a batch item failure for a record not in the batch');
    reported.push(id);
    if (fromIndex < 0 || (inBatch[index] as bigint) < (inBatch[fromIndex] as bigint)) fromIndex = index;
  }
  return { ok: false, fromIndex, error: new BatchItemFailureError(reported) };
}

function sequenceNumberOf(record: DynamoDBRecord | undefined): string {
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  if (sequenceNumber === undefined) throw new Error('stream record without a sequence number');
  return sequenceNumber;
}

/** The SDK's record as Lambda delivers it: epoch seconds, base64 binaries, eventSource and eventSourceARN. */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (source.ApproximateCreationDateTime !== undefined) {
    dynamodb.ApproximateCreationDateTime = Math.floor(source.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (source.Keys) dynamodb.Keys = toLambdaMap(source.Keys);
  if (source.NewImage) dynamodb.NewImage = toLambdaMap(source.NewImage);
  if (source.OldImage) dynamodb.OldImage = toLambdaMap(source.OldImage);
  if (source.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;

  const out: DynamoDBRecord = {};
  if (record.eventID !== undefined) out.eventID = record.eventID;
  if (record.eventName !== undefined) out.eventName = record.eventName;
  out.eventVersion = '1.1';
  out.eventSource = 'aws:dynamodb';
  out.awsRegion = record.awsRegion ?? streamArn.split(':')[3];
  out.dynamodb = dynamodb;
  out.eventSourceARN = streamArn;
  // Present only on TTL deletions, as in Lambda.
  if (record.userIdentity) {
    out.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  }
  return out;
}

function toLambdaMap(map: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(map)) out[name] = toLambdaValue(value);
  return out;
}

function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaMap(value.M) };
  throw new Error(`unsupported attribute value type: ${Object.keys(value).join(',')}`);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

// Only name and message: a handler's error object may carry ballot data in other fields.
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
