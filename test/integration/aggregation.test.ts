// Redelivery on real DynamoDB Local: the aggregate handler counts each ballot once, whatever the stream repeats.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type Cut,
  commentId,
  commentKey,
  createDocumentClient,
  type Db,
  ensureTable,
  freeTextId,
  freeTextKey,
  readConsistentCut,
  readTally,
  toBallotItem,
} from '@pingyi/data';
import { type CastBallot, type Tally, tallyOf } from '@pingyi/domain';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type AggregateEvent, createAggregateHandler } from '../../functions/aggregate/handler.ts';

const config = {
  region: 'cn-north-1',
  endpoint: inject('dynamoEndpoint'),
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
let db: Db;
beforeAll(async () => {
  const tableName = `agg-${randomUUID()}`;
  await ensureTable(new DynamoDBClient(config), tableName);
  db = { client: createDocumentClient(config), tableName };
});

const SUBJECTS = ['org-edu', 'org-school', 'c-chen'];
const OPTIONS = ['S', 'B', 'N', 'X'];

function ballot(n: number): CastBallot {
  const ratings: CastBallot['ratings'] = {};
  SUBJECTS.forEach((s, i) => {
    ratings[s] = { overall: OPTIONS[(n + i) % OPTIONS.length] ?? 'S', p1: OPTIONS[(n * 3 + i) % 4] ?? 'S' };
  });
  return {
    group: n % 3 === 0 ? 'staff' : 'party',
    ratings,
    commented: n % 4 === 0 ? ['org-edu'] : [],
    best: n % 2 === 0 ? ['营养午餐改善'] : [],
    worst: [],
    ...(n % 5 === 0 ? { otherBest: `自填事项${n % 2}` } : {}),
  };
}

const SECRET = Buffer.from('aggregation-test-secret');
/** The stream's time of ballot n's records: one ballot every 10 s from 2026-12-02 10:00:00 +08:00 (02:00 UTC). */
const AT0 = Date.parse('2026-12-02T02:00:00Z') / 1000;
const atOf = (n: number) => AT0 + n * 10;

/**
 * Stream records as Lambda delivers them, sequence numbers of varying length as on AWS: per ballot, its own insert,
 * then the inserts of its comment and free text (stored apart, counted from their own records).
 */
function records(campaign: string, from: number, to: number, seq = (n: number) => String(n * 1_000_003)) {
  const out: { records: DynamoDBRecord[]; cast: CastBallot }[] = [];
  let at = 0;
  const insert = (item: Record<string, unknown>, sequenceNumber: string): DynamoDBRecord => ({
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      NewImage: marshall(item) as never,
      SequenceNumber: sequenceNumber,
      ApproximateCreationDateTime: at,
    },
  });
  for (let n = from; n <= to; n++) {
    const cast = ballot(n);
    at = atOf(n);
    const ballotKey = `t.${cast.group}.${n}`;
    const submissionId = `submission-${n}`;
    const item = toBallotItem({ campaign, ballotKey, ballot: cast, submissionId, secret: SECRET });
    const own = [insert({ ...item }, seq(n))];
    for (const subject of cast.commented) {
      const id = commentId(SECRET, campaign, ballotKey, submissionId, subject);
      own.push(insert({ ...commentKey(campaign, subject, id), text: '意见' }, String(BigInt(seq(n)) + 1n)));
    }
    if (cast.otherBest) {
      const id = freeTextId(SECRET, campaign, ballotKey, submissionId, 'otherBest');
      own.push(
        insert(
          { ...freeTextKey(campaign, id), side: 'otherBest', text: cast.otherBest },
          String(BigInt(seq(n)) + 2n),
        ),
      );
    }
    out.push({ cast, records: own });
  }
  return out;
}

/** A document client that lets `writes` requests through and fails every one after them. */
function failingAfter(writes: number) {
  const flaky = createDocumentClient(config);
  let allowed = writes;
  flaky.middlewareStack.add(
    (next) => async (args) => {
      if (allowed-- <= 0) throw new Error('injected failure after partial writes');
      return next(args);
    },
    { step: 'initialize', name: 'failAfterSomeWrites' },
  );
  return flaky;
}

/** Where a reported failure resumes: the entry that holds that record. */
const entryOf = (batch: { records: DynamoDBRecord[] }[], sequenceNumber: string | undefined) =>
  batch.findIndex((b) => b.records.some((r) => r.dynamodb?.SequenceNumber === sequenceNumber));

const event = (shardId: string, batch: { records: DynamoDBRecord[] }[]): AggregateEvent => ({
  Records: batch.flatMap((b) => b.records),
  shardId,
  state: {},
});

describe('aggregation under redelivery', () => {
  it('leaves counts unchanged when the same batch, or its tail, is delivered again', async () => {
    const campaign = 'aaaa0001';
    const handle = createAggregateHandler(db);
    const batch = records(campaign, 1, 40);
    expect((await handle(event('shard-1', batch))).batchItemFailures).toEqual([]);
    expect((await handle(event('shard-1', batch))).batchItemFailures).toEqual([]);
    const tailAndMore = [...batch.slice(25), ...records(campaign, 41, 50)];
    expect((await handle(event('shard-1', tailAndMore))).batchItemFailures).toEqual([]);
    const expected = tallyOf([...batch, ...records(campaign, 41, 50)].map((b) => b.cast));
    expect(await readTally(db, campaign)).toEqual(expected);
  });

  it('resumes a batch that failed after writing half its updates without double counting', async () => {
    const campaign = 'aaaa0002';
    // A client that lets the first few UpdateItems through and then fails: the handler dies mid-batch.
    const flaky = failingAfter(3);
    const batch = records(campaign, 1, 30);
    const failed = await createAggregateHandler({ client: flaky, tableName: db.tableName })(
      event('shard-9', batch),
    );
    const [failure] = failed.batchItemFailures;
    expect(failure?.itemIdentifier).toBeDefined();
    // Lambda resumes from the reported record: that record and everything after it come again.
    const from = entryOf(batch, failure?.itemIdentifier);
    expect(from).toBeGreaterThanOrEqual(0);
    const retried = await createAggregateHandler(db)(event('shard-9', batch.slice(from)));
    expect(retried.batchItemFailures).toEqual([]);
    expect(await readTally(db, campaign)).toEqual(tallyOf(batch.map((b) => b.cast)));
  });

  it('counts ballots per minute of the stream’s time exactly once, through redelivery and a half-failed batch', async () => {
    const campaign = 'aaaa0007';
    const flaky = failingAfter(2);
    // ballots 1–20, every 10 s from 02:00:10 UTC: 5 in minute 02:00, 6 in 02:01, 6 in 02:02, 3 in 02:03
    const batch = records(campaign, 1, 20);
    const failed = await createAggregateHandler({ client: flaky, tableName: db.tableName })(
      event('shard-4', batch),
    );
    const from = entryOf(batch, failed.batchItemFailures[0]?.itemIdentifier);
    expect(from).toBeGreaterThanOrEqual(0);
    const handle = createAggregateHandler(db);
    expect((await handle(event('shard-4', batch.slice(from)))).batchItemFailures).toEqual([]);
    expect((await handle(event('shard-4', batch.slice(10)))).batchItemFailures).toEqual([]);
    const cut = await readConsistentCut(db, campaign);
    expect(cut.settled && cut.pace).toEqual({
      '2026-12-02T02:00': 5,
      '2026-12-02T02:01': 6,
      '2026-12-02T02:02': 6,
      '2026-12-02T02:03': 3,
    });
    // comments and free texts arrive with their ballots but are not ballots
    expect(cut.settled && cut.tally.ballots).toEqual(tallyOf(batch.map((b) => b.cast)).ballots);
  });

  it('keeps shards apart: interleaved sequence numbers from two shards are both counted', async () => {
    const campaign = 'aaaa0003';
    const handle = createAggregateHandler(db);
    const a = records(campaign, 1, 10, (n) => String(1000 + n * 10)); // 1010 … 1100
    const b = records(campaign, 11, 20, (n) => String(1000 + (n - 10) * 10 - 5)); // 1005 … 1095
    await handle(event('shard-a', a));
    await handle(event('shard-b', b));
    await handle(event('shard-a', a.slice(4))); // and a redelivered tail of one of them
    expect(await readTally(db, campaign)).toEqual(tallyOf([...a, ...b].map((r) => r.cast)));
  });

  /** A handler whose every aggregate write is preceded by a reader's consistent cut (and may fail after `allowed`). */
  function readBetweenWrites(campaign: string, cuts: Cut[], allowed = Number.POSITIVE_INFINITY) {
    const client = createDocumentClient(config);
    let left = allowed;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'UpdateItemCommand') return next(args);
        // one read: the reader blocks the writer here, so reading again would see the same state
        cuts.push(await readConsistentCut(db, campaign, { attempts: 1 }));
        if (left-- <= 0) throw new Error('injected failure after partial writes');
        return next(args);
      },
      { step: 'initialize', name: 'readBetweenWrites' },
    );
    return createAggregateHandler({ client, tableName: db.tableName });
  }

  /** Each cut is one of the allowed prefixes, or (only where `refusals` allows) refused as unsettled: never torn. */
  function expectPrefixes(cuts: Cut[], prefixes: Tally[], refusals = false) {
    expect(cuts.filter((c) => c.settled).length).toBeGreaterThan(0);
    for (const cut of cuts) {
      if (!refusals) expect(cut.settled).toBe(true);
      if (!cut.settled) continue;
      expect(prefixes.some((p) => JSON.stringify(sortKeys(p)) === JSON.stringify(sortKeys(cut.tally)))).toBe(
        true,
      );
    }
  }

  it('reads whole batches only, with a reader between every two aggregate writes of a real batch', async () => {
    const campaign = 'aaaa0004';
    const first = records(campaign, 1, 20);
    const second = records(campaign, 21, 45);
    await createAggregateHandler(db)(event('shard-1', first));
    const cuts: Cut[] = [];
    expect((await readBetweenWrites(campaign, cuts)(event('shard-1', second))).batchItemFailures).toEqual([]);
    const before = tallyOf(first.map((b) => b.cast));
    const after = tallyOf([...first, ...second].map((b) => b.cast));
    expectPrefixes(cuts, [before]);
    expect(await readTally(db, campaign)).toEqual(after);
  });

  it('reads whole batches only while a batch fails half-way and its redelivery races the reader', async () => {
    const campaign = 'aaaa0005';
    const first = records(campaign, 1, 20);
    const second = records(campaign, 21, 45);
    const more = records(campaign, 46, 60);
    await createAggregateHandler(db)(event('shard-1', first));
    const cuts: Cut[] = [];
    const failed = await readBetweenWrites(campaign, cuts, 4)(event('shard-1', second));
    const [failure] = failed.batchItemFailures;
    const from = entryOf(second, failure?.itemIdentifier);
    expect(from).toBeGreaterThanOrEqual(0);
    const before = tallyOf(first.map((b) => b.cast));
    expectPrefixes(cuts, [before]);
    // the redelivery starts at the failed record and carries more: each cut is before it, or all of it
    const redelivery: Cut[] = [];
    const retried = await readBetweenWrites(
      campaign,
      redelivery,
    )(event('shard-1', [...second.slice(from), ...more]));
    expect(retried.batchItemFailures).toEqual([]);
    const after = tallyOf([...first, ...second, ...more].map((b) => b.cast));
    // items the failed delivery wrote get a second write here: until the commit, a reader is refused there
    expectPrefixes(redelivery, [before], true);
    expect(await readTally(db, campaign)).toEqual(after);
  });
});

/** Counts compare as data: key order and prototypes do not matter. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
