// Recount: rebuild the tally from the ballots, compare it with the aggregates, and repair the aggregates.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tally } from '@pingyi/domain';
import { aggregatesOfTally, isCounter, isHighWaterMark, readAggregateItems } from './aggregates.ts';
import { recountTally } from './ballots.ts';
import type { Db } from './client.ts';
import { aggregateKey, parseAggregateKey } from './keys.ts';

export interface Drift {
  /** the aggregate item's sort key */
  item: string;
  counter: string;
  aggregate: number;
  recount: number;
}

/** Expected counters per aggregate item (sort key → counter → value) for a tally. */
function expectedItems(campaign: string, tally: Tally) {
  const items = new Map<string, { counters: Map<string, number>; text?: string }>();
  for (const aggregate of aggregatesOfTally(tally)) {
    const { sk } = aggregateKey(campaign, aggregate.scope);
    items.set(sk, {
      counters: aggregate.counters,
      ...(aggregate.text !== undefined ? { text: aggregate.text } : {}),
    });
  }
  return items;
}

function storedCounters(item: Record<string, unknown>): Map<string, number> {
  return new Map(
    Object.entries(item).filter((e): e is [string, number] => isCounter(e[0]) && typeof e[1] === 'number'),
  );
}

/** The aggregate items that hold the tally: ballots per minute (pace) is not in it, and no recount can rebuild it. */
const tallied = (stored: Record<string, unknown>[]) =>
  stored.filter((item) => parseAggregateKey(String(item.sk))?.type !== 'pace');

/** Every counter whose stored value differs from the recount (zeros and missing counters are equal). */
export function driftOf(campaign: string, stored: Record<string, unknown>[], recount: Tally): Drift[] {
  const expected = expectedItems(campaign, recount);
  const bySk = new Map(tallied(stored).map((item) => [String(item.sk), item]));
  const drift: Drift[] = [];
  for (const sk of new Set([...expected.keys(), ...bySk.keys()])) {
    const want = expected.get(sk)?.counters ?? new Map<string, number>();
    const have = storedCounters(bySk.get(sk) ?? {});
    for (const counter of new Set([...want.keys(), ...have.keys()])) {
      const aggregate = have.get(counter) ?? 0;
      const recounted = want.get(counter) ?? 0;
      if (aggregate !== recounted) drift.push({ item: sk, counter, aggregate, recount: recounted });
    }
  }
  return drift.sort((a, b) => a.item.localeCompare(b.item) || a.counter.localeCompare(b.counter));
}

export interface RecountReport {
  drift: Drift[];
  recount: Tally;
  /** aggregate items rewritten by a repair */
  repaired: number;
}

export class AggregatesChangedError extends Error {
  override readonly name = 'AggregatesChangedError';
  constructor(readonly item: string) {
    super(
      `aggregate ${item} changed during the repair: the stream is still delivering; retry when it is idle`,
    );
  }
}

/**
 * Recounts a campaign and, with `repair`, sets every drifting aggregate item to the recount. Each rewrite is
 * conditioned on the item's high-water marks being what we read, so a concurrent stream write aborts the repair
 * instead of being overwritten. Run a repair only when no ballots are arriving (e.g. after closing).
 */
export async function recountCampaign(db: Db, campaign: string, repair = false): Promise<RecountReport> {
  const stored = await readAggregateItems(db, campaign);
  const recount = await recountTally(db, campaign);
  const drift = driftOf(campaign, stored, recount);
  if (!repair || drift.length === 0) return { drift, recount, repaired: 0 };

  const expected = expectedItems(campaign, recount);
  const bySk = new Map(stored.map((item) => [String(item.sk), item]));
  const pk = aggregateKey(campaign, { type: 'campaign' }).pk;
  let repaired = 0;
  for (const sk of new Set(drift.map((d) => d.item))) {
    const item = bySk.get(sk);
    const want = expected.get(sk);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const guards: string[] = [];
    Object.entries(item ?? {})
      .filter(([name]) => isHighWaterMark(name))
      .forEach(([name, mark], i) => {
        names[`#m${i}`] = name;
        values[`:m${i}`] = mark;
        guards.push(`#m${i} = :m${i}`);
      });
    const condition = item ? guards.join(' AND ') || 'attribute_exists(pk)' : 'attribute_not_exists(pk)';
    try {
      const sets: string[] = [];
      [...(want?.counters ?? [])].forEach(([counter, n], i) => {
        names[`#c${i}`] = counter;
        values[`:c${i}`] = n;
        sets.push(`#c${i} = :c${i}`);
      });
      if (want?.text !== undefined) {
        names['#text'] = 'text';
        values[':text'] = want.text;
        sets.push('#text = :text');
      }
      // Counters the recount does not have are removed; the item and its marks stay, so a late redelivery
      // of records it already holds is still recognised.
      const removes = [...storedCounters(item ?? {}).keys()]
        .filter((counter) => !want?.counters.has(counter))
        .map((counter, i) => {
          names[`#r${i}`] = counter;
          return `#r${i}`;
        });
      const actions = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ];
      await db.client.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { pk, sk },
          UpdateExpression: actions.filter(Boolean).join(' '),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      repaired += 1;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new AggregatesChangedError(sk);
      throw error;
    }
  }
  return { drift, recount, repaired };
}
