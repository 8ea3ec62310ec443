// Aggregates: the tally stored as counters, applied once per stream batch, exactly once per record.
//
// Streams deliver at least once, and a partial failure redelivers the tail of a batch. Each aggregate item
// keeps a high-water mark per stream shard (`hw#<shard>`, the last sequence number applied to it), and each
// update carries the condition "mark < first record of this update". If the condition fails the item comes
// back in the same call (ALL_OLD); we drop the records at or below its mark and try again on exactly the
// rest. So a redelivered batch, or its tail, changes nothing, and a batch that fails half-way resumes
// without double counting. Why this over the alternatives: see docs/adr/0001-exact-aggregation.md.
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Counts, emptyTally, groupTally, type Tally } from '@pingyi/domain';
import { type Db, queryAll } from './client.ts';
import { UnsettledAggregatesError } from './errors.ts';
import { type AggregateScope, aggregateKey, aggregatesOf, parseAggregateKey } from './keys.ts';

/** Counter attributes start with this; everything else on an aggregate item is bookkeeping. */
const COUNTER = 'n#';
const HIGH_WATER = 'hw#';

/** Sequence numbers are decimal strings of varying length: zero-padded, they compare correctly as strings. */
export const padSequence = (seq: string) => seq.padStart(48, '0');

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

interface Aggregate {
  scope: AggregateScope;
  counters: Map<string, number>;
  text?: string;
}

/**
 * Splits a tally into the aggregate items that hold it, with their counter attribute names. Every kind of
 * record (ballot, comment, free text) also adds to a counter of the campaign item, so every batch that counts
 * anything for a campaign writes its commit record (see applyRecords).
 */
export function aggregatesOfTally(tally: Tally): Aggregate[] {
  const out: Aggregate[] = [];
  const campaignCounters = new Map<string, number>();
  for (const [group, n] of Object.entries(tally.ballots))
    campaignCounters.set(`${COUNTER}ballots#${group}`, n);
  for (const [side, counts] of [
    ['best', tally.matters.best],
    ['worst', tally.matters.worst],
  ] as const) {
    for (const [matter, n] of Object.entries(counts)) campaignCounters.set(`${COUNTER}${side}#${matter}`, n);
  }
  const total = (counts: Counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
  const totals = [
    [`${COUNTER}total#comments`, total(tally.comments)],
    [`${COUNTER}total#otherBest`, total(tally.matters.otherBest)],
    [`${COUNTER}total#otherWorst`, total(tally.matters.otherWorst)],
  ] as const;
  for (const [name, n] of totals) if (n > 0) campaignCounters.set(name, n);
  if (campaignCounters.size > 0) out.push({ scope: { type: 'campaign' }, counters: campaignCounters });

  for (const [subject, byGroup] of Object.entries(tally.subjects)) {
    for (const [group, counts] of Object.entries(byGroup)) {
      const counters = new Map<string, number>();
      for (const [question, options] of Object.entries(counts.questions)) {
        for (const [option, n] of Object.entries(options))
          counters.set(`${COUNTER}q#${question}#${option}`, n);
      }
      out.push({ scope: { type: 'subject', subject, group }, counters });
    }
  }
  for (const [subject, n] of Object.entries(tally.comments)) {
    if (n > 0)
      out.push({ scope: { type: 'comments', subject }, counters: new Map([[`${COUNTER}count`, n]]) });
  }
  for (const side of ['otherBest', 'otherWorst'] as const) {
    for (const [text, n] of Object.entries(tally.matters[side])) {
      out.push({
        scope: { type: 'other', side, digest: digest(text) },
        counters: new Map([[`${COUNTER}count`, n]]),
        text,
      });
    }
  }
  return out;
}

/** Adds one stored aggregate item back into a tally. */
function addAggregateItem(tally: Tally, item: Record<string, unknown>): void {
  const scope = parseAggregateKey(String(item.sk));
  if (!scope || scope.type === 'pace') return;
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(COUNTER) || typeof value !== 'number') continue;
    const [kind = '', ...rest] = name.slice(COUNTER.length).split('#');
    const add = (counts: Counts, key: string) => {
      counts[key] = (counts[key] ?? 0) + value;
    };
    if (scope.type === 'campaign') {
      if (kind === 'ballots') add(tally.ballots, rest.join('#'));
      if (kind === 'best' || kind === 'worst') add(tally.matters[kind], rest.join('#'));
    } else if (scope.type === 'subject') {
      const target = groupTally(tally, scope.subject, scope.group);
      if (kind === 'q' && rest.length >= 2) {
        const [question = '', ...option] = rest;
        add((target.questions[question] ??= {}), option.join('#'));
      }
    } else if (scope.type === 'comments') {
      if (kind === 'count') add(tally.comments, scope.subject);
    } else if (kind === 'count' && typeof item.text === 'string') {
      add(tally.matters[scope.side], item.text);
    }
  }
}

/** Every aggregate item of a campaign as stored, marks included (one query, never a scan of ballots). */
export async function readAggregateItems(db: Db, campaign: string): Promise<Record<string, unknown>[]> {
  const { pk, skPrefix } = aggregatesOf(campaign);
  return queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    ConsistentRead: true,
  });
}

/** Stream shard → padded sequence number: how far each shard's ballots are in a tally. */
export type Marks = Record<string, string>;

const NO_MARK = padSequence('0');

function marksOf(item: Record<string, unknown> | undefined): Marks {
  const marks: Marks = {};
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(HIGH_WATER) && typeof value === 'string')
      marks[name.slice(HIGH_WATER.length)] = value;
  }
  return marks;
}

/**
 * An aggregate item as it was at the commit's marks: as stored when no shard is ahead; one write back when
 * only its last write is ahead (counters minus that write's delta `d`, kept with the mark `pm` it replaced);
 * undefined when it cannot be known (ahead on several shards, or more than one write ahead).
 */
export function itemAtCut(item: Record<string, unknown>, commit: Marks): Record<string, unknown> | undefined {
  const marks = marksOf(item);
  const behindCommit = (shard: string, mark: string) => commit[shard] !== undefined && mark <= commit[shard];
  const ahead = Object.entries(marks).filter(([shard, mark]) => !behindCommit(shard, mark));
  if (ahead.length === 0) return item;
  const [[shard = ''] = []] = ahead;
  const previous = item.pm;
  const delta = item.d;
  if (ahead.length > 1 || shard !== item.ds || typeof previous !== 'string' || typeof delta !== 'object') {
    return undefined;
  }
  // Before its last write the item held this shard's records up to `pm` (none when `pm` is NO_MARK).
  if (previous !== NO_MARK && !behindCommit(shard, previous)) return undefined;
  const before: Record<string, unknown> = { ...item };
  for (const [name, n] of Object.entries(delta as Record<string, number>)) {
    const left = (before[name] as number) - n;
    if (left === 0) delete before[name];
    else before[name] = left;
  }
  return before;
}

/** A consistent cut of the aggregates, or why there is none (items that hold writes beyond the commit). */
export type Cut =
  | { settled: true; tally: Tally; marks: Marks; pace: Pace }
  | { settled: false; ahead: string[]; marks: Marks };

/** Ballots per minute (`YYYY-MM-DDTHH:MM`, UTC, by when the stream recorded them): not part of the tally, since a
 * recount cannot rebuild it (ballots store no time), but read in the same cut, so it adds up to the same moment. */
export type Pace = Record<string, number>;

const PACE_COUNTER = `${COUNTER}m#`;

function addPaceItem(pace: Pace, hour: string, item: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(PACE_COUNTER) && typeof value === 'number' && value > 0)
      pace[`${hour}:${name.slice(PACE_COUNTER.length)}`] = value;
  }
}

/** The pace aggregate a record adds to: its ballots in the minute the stream recorded it (none for comments). */
function paceOf(record: StreamRecord): Aggregate | undefined {
  const ballots = Object.values(record.tally.ballots).reduce((sum, n) => sum + n, 0);
  if (record.at === undefined || ballots === 0) return undefined;
  const minute = new Date(record.at * 1000).toISOString().slice(0, 16);
  return {
    scope: { type: 'pace', hour: minute.slice(0, 13) },
    counters: new Map([[`${PACE_COUNTER}${minute.slice(14)}`, ballots]]),
  };
}

/**
 * The read protocol's check, pure. `commit` is the campaign's aggregate item read FIRST; `items` every other
 * aggregate item, read after it. Each batch writes the campaign item last, after all its other items, so every
 * item holds at least the batches up to the commit's marks; an item that holds more is taken back to the cut
 * (itemAtCut) or the cut is refused. Why this cannot be torn: docs/adr/0001-exact-aggregation.md.
 */
export function cutOf(commit: Record<string, unknown> | undefined, items: Record<string, unknown>[]): Cut {
  const marks = marksOf(commit);
  const tally = emptyTally();
  const pace: Pace = {};
  if (commit) addAggregateItem(tally, commit);
  const ahead: string[] = [];
  const commitSk = aggregateKey('', { type: 'campaign' }).sk;
  for (const item of items) {
    if (item.sk === commitSk) continue;
    const atCut = itemAtCut(item, marks);
    const scope = parseAggregateKey(String(item.sk));
    if (atCut === undefined) ahead.push(String(item.sk));
    else if (scope?.type === 'pace') addPaceItem(pace, scope.hour, atCut);
    else addAggregateItem(tally, { ...atCut, sk: item.sk });
  }
  return ahead.length === 0 ? { settled: true, tally, marks, pace } : { settled: false, ahead, marks };
}

/** Where a cut's items come from: DynamoDB, or a scripted interleaving in a unit test. */
export interface CutSource {
  /** the campaign's aggregate item, strongly consistent */
  commit(): Promise<Record<string, unknown> | undefined>;
  /** every aggregate item of the campaign, strongly consistent, read after commit() */
  items(): Promise<Record<string, unknown>[]>;
}

export function dynamoCutSource(db: Db, campaign: string): CutSource {
  return {
    async commit() {
      const { Item } = await db.client.send(
        new GetCommand({
          TableName: db.tableName,
          Key: aggregateKey(campaign, { type: 'campaign' }),
          ConsistentRead: true,
        }),
      );
      return Item;
    },
    items: () => readAggregateItems(db, campaign),
  };
}

export interface ReadCutOptions {
  /** reads before giving up (default 8) */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads a consistent cut: the commit first, then the items; when an item cannot be taken back to the commit
 * (a batch is half-written, or a failed batch waits for its redelivery), reads again with a growing pause.
 * Answers `settled: false` when the bounded attempts never settle; callers must not show that state.
 */
export async function readCut(source: CutSource, options: ReadCutOptions = {}): Promise<Cut> {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? pause;
  let cut: Cut = { settled: false, ahead: [], marks: {} };
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(Math.min(10 * 2 ** (attempt - 1), 400));
    const commit = await source.commit();
    cut = cutOf(commit, await source.items());
    if (cut.settled) return cut;
  }
  return cut;
}

export const readConsistentCut = (db: Db, campaign: string, options?: ReadCutOptions) =>
  readCut(dynamoCutSource(db, campaign), options);

/** The live tally of a campaign as one consistent cut of its aggregates; throws when none could be read. */
export async function readTally(db: Db, campaign: string, options?: ReadCutOptions): Promise<Tally> {
  const cut = await readConsistentCut(db, campaign, options);
  if (!cut.settled) throw new UnsettledAggregatesError(campaign, cut.ahead);
  return cut.tally;
}

export const isCounter = (name: string) => name.startsWith(COUNTER);
export const isHighWaterMark = (name: string) => name.startsWith(HIGH_WATER);

/** One counted record from the stream (a ballot, a comment or a free text), with where it sits in its shard. */
export interface StreamRecord {
  shard: string;
  sequenceNumber: string;
  campaign: string;
  /** what the record adds: tallyOf([ballot]) for a ballot, one comment or one free text otherwise */
  tally: Tally;
  /** when the stream recorded it (ApproximateCreationDateTime, epoch seconds): the same on every redelivery */
  at?: number;
}

interface Contribution {
  /** padded, for comparisons */
  seq: string;
  /** as the stream gave it, for batchItemFailures */
  sequenceNumber: string;
  counters: Map<string, number>;
}

interface PendingUpdate {
  key: { pk: string; sk: string };
  shard: string;
  text?: string;
  contributions: Contribution[];
}

export interface ApplyResult {
  /** the lowest sequence number whose effects are not all stored; undefined when everything is */
  failedFrom?: string;
  /** UpdateItem calls made */
  writes: number;
  /** aggregate items the batch touched */
  items: number;
  errors: unknown[];
}

/** Groups the batch's contributions by aggregate item (and shard), in sequence order. */
function plan(records: StreamRecord[]): PendingUpdate[] {
  const pending = new Map<string, PendingUpdate>();
  const ordered = [...records].sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
  for (const b of ordered) {
    const pace = paceOf(b);
    for (const aggregate of pace ? [...aggregatesOfTally(b.tally), pace] : aggregatesOfTally(b.tally)) {
      const key = aggregateKey(b.campaign, aggregate.scope);
      const id = `${key.pk}|${key.sk}|${b.shard}`;
      let update = pending.get(id);
      if (!update) {
        update = { key, shard: b.shard, contributions: [] };
        if (aggregate.text !== undefined) update.text = aggregate.text;
        pending.set(id, update);
      }
      update.contributions.push({
        seq: padSequence(b.sequenceNumber),
        sequenceNumber: b.sequenceNumber,
        counters: aggregate.counters,
      });
    }
  }
  return [...pending.values()];
}

export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sumCounters(contributions: Contribution[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const c of contributions) {
    for (const [name, n] of c.counters) sums.set(name, (sums.get(name) ?? 0) + n);
  }
  return sums;
}

/** Writes one aggregate item: a single UpdateItem unless a redelivery makes it drop records already applied. */
async function applyUpdate(db: Db, update: PendingUpdate): Promise<number> {
  const hwName = `${HIGH_WATER}${update.shard}`;
  let contributions = update.contributions;
  let knownMark: string | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = contributions[0];
    const last = contributions[contributions.length - 1];
    if (!first || !last) return attempt;
    const names: Record<string, string> = { '#hw': hwName };
    const values: Record<string, unknown> = { ':last': last.seq };
    // `d` (this write's delta), `pm` (the mark it replaces) and `ds` (its shard) let a reader take the item back
    // one write, to the campaign commit a concurrent batch has not reached yet (itemAtCut).
    const delta = sumCounters(contributions);
    const sets = ['#hw = :last', 'pm = if_not_exists(#hw, :none)', 'd = :delta', 'ds = :shard'];
    values[':none'] = NO_MARK;
    values[':delta'] = Object.fromEntries(delta);
    values[':shard'] = update.shard;
    const adds: string[] = [];
    [...delta].forEach(([name, n], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n;
      adds.push(`#c${i} :c${i}`);
    });
    if (update.text !== undefined) {
      names['#text'] = 'text';
      values[':text'] = update.text;
      sets.push('#text = :text');
    }
    let condition: string;
    if (knownMark === undefined) {
      condition = 'attribute_not_exists(#hw) OR #hw < :first';
      values[':first'] = first.seq;
    } else {
      condition = '#hw = :mark';
      values[':mark'] = knownMark;
    }
    try {
      await db.client.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: update.key,
          UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return attempt + 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item) : {};
      const mark = old[hwName];
      if (typeof mark !== 'string') throw error;
      knownMark = mark;
      contributions = contributions.filter((c) => c.seq > mark);
    }
  }
  throw new Error(`aggregate ${update.key.sk} kept changing under a redelivery`);
}

/**
 * Applies a batch of counted records (ballots, comments, free texts) to the aggregates: every aggregate item the batch touches gets at most one
 * update (more only when a redelivery overlaps it). First every item but the campaign's, with bounded
 * concurrency; then, for each campaign whose items are all stored, its campaign item: the batch's commit
 * record, which readers read first (readCut). When something fails, `failedFrom` is the lowest sequence number
 * that contributed to a failed item or to a campaign item left unwritten: the stream resumes there, and items
 * already written skip what they hold.
 */
export async function applyRecords(db: Db, records: StreamRecord[], concurrency = 8): Promise<ApplyResult> {
  const updates = plan(records);
  const commitSk = aggregateKey('', { type: 'campaign' }).sk;
  const isCommit = (u: PendingUpdate) => u.key.sk === commitSk;
  const result: ApplyResult = { writes: 0, items: updates.length, errors: [] };
  const failedCampaigns = new Set<string>();
  let failed: Contribution | undefined;
  const fail = (update: PendingUpdate) => {
    failedCampaigns.add(update.key.pk);
    const first = update.contributions[0];
    if (first && (failed === undefined || first.seq < failed.seq)) failed = first;
  };
  async function run(queue: PendingUpdate[]): Promise<void> {
    let next = 0;
    async function worker(): Promise<void> {
      while (next < queue.length) {
        const update = queue[next++];
        if (!update) return;
        try {
          result.writes += await applyUpdate(db, update);
        } catch (error) {
          result.errors.push(error);
          fail(update);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }
  await run(updates.filter((u) => !isCommit(u)));
  const commits = updates.filter(isCommit);
  for (const commit of commits.filter((c) => failedCampaigns.has(c.key.pk))) fail(commit);
  await run(commits.filter((c) => !failedCampaigns.has(c.key.pk)));
  if (failed) result.failedFrom = failed.sequenceNumber;
  return result;
}
