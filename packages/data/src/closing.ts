// The closing tally: the record of a campaign. Recounted from its ballots once no process can accept one more,
// compared with the live aggregates, and stored so that every later answer about a closed campaign comes from it.
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { emptyTally, type Tally, tallyFromJson } from '@pingyi/domain';
import { aggregatesOfTally, readConsistentCut } from './aggregates.ts';
import { recountTally } from './ballots.ts';
import { type Db, queryAll } from './client.ts';
import { aggregateKey, finalTallyKey, finalTallyPartKey, finalTallyPartsOf } from './keys.ts';
import { ACCEPTING_AFTER_CLOSE_MS } from './timing.ts';

/** What a closing report says about its count. */
export interface Verification {
  /** ballots recounted one by one (逐票复核) */
  ballots: number;
  /** ballots in the live aggregates at the last comparison; null when they never gave a consistent cut */
  live: number | null;
  /** counters that differ between the recount and the live aggregates; 0 when they agree, null with no cut */
  differences: number | null;
  agreed: boolean;
  verifiedAt: string;
}

export interface CounterDifference {
  counter: string;
  live: number;
  recount: number;
}

export interface ClosingTally {
  tally: Tally;
  verification: Verification;
  /** the first differences found, for the log (never more than 20) */
  differences: CounterDifference[];
}

/** Every counter of a tally, keyed by aggregate item and counter, as the aggregates store them. */
function countersOf(tally: Tally): Map<string, number> {
  const out = new Map<string, number>();
  for (const aggregate of aggregatesOfTally(tally)) {
    const { sk } = aggregateKey('', aggregate.scope);
    for (const [counter, n] of aggregate.counters) if (n !== 0) out.set(`${sk}|${counter}`, n);
  }
  return out;
}

/** Counters whose values differ between two tallies (a missing counter is 0). */
export function tallyDifferences(live: Tally, recount: Tally): CounterDifference[] {
  const a = countersOf(live);
  const b = countersOf(recount);
  const out: CounterDifference[] = [];
  for (const counter of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(counter) ?? 0;
    const y = b.get(counter) ?? 0;
    if (x !== y) out.push({ counter, live: x, recount: y });
  }
  return out.sort((p, q) => p.counter.localeCompare(q.counter));
}

const ballotsIn = (tally: Tally) => Object.values(tally.ballots).reduce((sum, n) => sum + n, 0);

export interface VerifyClosingOptions {
  /** the app's clock: how long ago the close was */
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** how long to wait for the live aggregates to reach the recount (default 60 s) */
  maxWaitMs?: number;
  /** pause between comparisons (default 500 ms) */
  pollMs?: number;
  /** override ACCEPTING_AFTER_CLOSE_MS (tests of the comparison only) */
  acceptingAfterCloseMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no process can still accept a ballot of the campaign, recounts its ballots, and compares the
 * recount with consistent cuts of the live aggregates until they agree or `maxWaitMs` has passed. The recount is
 * the count either way; the verification says whether the live figures agreed with it.
 */
export async function verifyClosingTally(
  db: Db,
  campaign: string,
  closedAt: string,
  options: VerifyClosingOptions,
): Promise<ClosingTally> {
  const sleep = options.sleep ?? pause;
  const since = Math.max(0, options.now().getTime() - Date.parse(closedAt));
  const accepting = (options.acceptingAfterCloseMs ?? ACCEPTING_AFTER_CLOSE_MS) - since;
  if (accepting > 0) await sleep(accepting);

  const recount = await recountTally(db, campaign);
  const deadline = performance.now() + (options.maxWaitMs ?? 60_000);
  let live: Tally | undefined;
  let differences: CounterDifference[] = [];
  for (;;) {
    const cut = await readConsistentCut(db, campaign);
    if (cut.settled) {
      live = cut.tally;
      differences = tallyDifferences(live, recount);
      if (differences.length === 0) break;
    }
    if (performance.now() >= deadline) break;
    await sleep(options.pollMs ?? 500);
  }
  return {
    tally: recount,
    verification: {
      ballots: ballotsIn(recount),
      live: live ? ballotsIn(live) : null,
      differences: live ? differences.length : null,
      agreed: live !== undefined && differences.length === 0,
      verifiedAt: options.now().toISOString(),
    },
    differences: differences.slice(0, 20),
  };
}

/** The verified tally of a closing, as stored. */
export interface FinalTally {
  reportId: string;
  closedAt: string;
  tally: Tally;
  verification: Verification;
}

/** Large campaigns give large tallies: gzip JSON in parts that stay well under DynamoDB's 400 KB item limit. */
const PART_BYTES = 300 * 1024;

/**
 * Stores the verified tally of a closing: the parts, then the header that makes it visible. Only the first
 * closing report of a closing writes the header; answers false when another one already has.
 */
export async function storeFinalTally(db: Db, campaign: string, final: FinalTally): Promise<boolean> {
  const packed = gzipSync(JSON.stringify(final.tally));
  const parts = Math.max(1, Math.ceil(packed.length / PART_BYTES));
  for (let part = 0; part < parts; part++) {
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...finalTallyPartKey(campaign, final.closedAt, final.reportId, part),
          data: packed.subarray(part * PART_BYTES, (part + 1) * PART_BYTES),
        },
      }),
    );
  }
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...finalTallyKey(campaign, final.closedAt),
          reportId: final.reportId,
          closedAt: final.closedAt,
          parts,
          verification: final.verification,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Whether the closing at `closedAt` has its verified tally, i.e. its closing report (one small read). */
export async function hasFinalTally(db: Db, campaign: string, closedAt: string): Promise<boolean> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.tableName,
      Key: finalTallyKey(campaign, closedAt),
      ProjectionExpression: 'pk',
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

/** The verified tally of the closing at `closedAt`, or undefined while its closing report is not made. */
export async function readFinalTally(
  db: Db,
  campaign: string,
  closedAt: string,
): Promise<FinalTally | undefined> {
  const { Item: header } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: finalTallyKey(campaign, closedAt), ConsistentRead: true }),
  );
  if (!header) return undefined;
  const reportId = String(header.reportId);
  const { pk, skPrefix } = finalTallyPartsOf(campaign, closedAt, reportId);
  const parts = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    ConsistentRead: true,
  });
  if (parts.length !== Number(header.parts)) {
    throw new Error(`final tally of ${campaign} has ${parts.length} of ${header.parts} parts`);
  }
  const packed = Buffer.concat(parts.map((p) => Buffer.from(p.data as Uint8Array)));
  const tally = parts.length === 0 ? emptyTally() : tallyFromJson(JSON.parse(gunzipSync(packed).toString()));
  return { reportId, closedAt, tally, verification: header.verification as Verification };
}
