// The read protocol against hand-made interleavings: every cut is the tally of whole committed batches.
import { type CastBallot, type Tally, tallyOf } from '@pingyi/domain';
import { describe, expect, it, vi } from 'vitest';
import { aggregatesOfTally, type CutSource, cutOf, padSequence, readCut } from './aggregates.ts';
import { aggregateKey } from './keys.ts';

type Item = Record<string, unknown>;
const CAMPAIGN = 'c0ffee01';
const COMMIT_SK = aggregateKey(CAMPAIGN, { type: 'campaign' }).sk;

function ballot(group: string, overall: string, comment = false): CastBallot {
  return {
    group,
    ratings: { 'org-edu': { overall }, 'c-chen': { overall } },
    commented: comment ? ['org-edu'] : [],
    best: [],
    worst: [],
  };
}

/**
 * The table as a map of aggregate items, written the way applyUpdate writes them: counters added, the shard's
 * mark set to the write's last sequence number, and the write's delta with the mark it replaced.
 */
class Table {
  readonly items = new Map<string, Item>();

  /** One write of one aggregate item: the contributions of `ballots` (seq → ballot) from `shard`. */
  write(sk: string, shard: string, ballots: [number, CastBallot][]) {
    const delta = new Map<string, number>();
    for (const [, b] of ballots) {
      for (const aggregate of aggregatesOfTally(tallyOf([b]))) {
        if (aggregateKey(CAMPAIGN, aggregate.scope).sk !== sk) continue;
        for (const [name, n] of aggregate.counters) delta.set(name, (delta.get(name) ?? 0) + n);
      }
    }
    const item = { ...(this.items.get(sk) ?? { pk: `C#${CAMPAIGN}`, sk }) };
    item.pm = item[`hw#${shard}`] ?? padSequence('0');
    item[`hw#${shard}`] = padSequence(String(Math.max(...ballots.map(([seq]) => seq))));
    item.d = Object.fromEntries(delta);
    item.ds = shard;
    for (const [name, n] of delta) item[name] = ((item[name] as number | undefined) ?? 0) + n;
    this.items.set(sk, item);
  }

  /** The sort keys of the items a batch touches, the commit last (as applyBallots orders them). */
  touched(ballots: [number, CastBallot][]): string[] {
    const sks = new Set<string>();
    for (const [, b] of ballots) {
      for (const aggregate of aggregatesOfTally(tallyOf([b])))
        sks.add(aggregateKey(CAMPAIGN, aggregate.scope).sk);
    }
    return [...[...sks].filter((sk) => sk !== COMMIT_SK).sort(), COMMIT_SK];
  }

  /** Writes a whole batch: every item, then the commit. */
  apply(shard: string, ballots: [number, CastBallot][]) {
    for (const sk of this.touched(ballots)) this.write(sk, shard, ballots);
  }

  commit(): Item | undefined {
    return this.items.get(COMMIT_SK);
  }

  all(): Item[] {
    return [...this.items.values()].map((item) => ({ ...item }));
  }
}

const tallyOfBatches = (...batches: [number, CastBallot][][]): Tally =>
  tallyOf(batches.flat().map(([, b]) => b));

const settledTally = (cut: ReturnType<typeof cutOf>) => {
  if (!cut.settled) throw new Error(`not settled: ${cut.ahead.join(', ')}`);
  return cut.tally;
};

const batch1: [number, CastBallot][] = [
  [101, ballot('party', 'S', true)],
  [102, ballot('staff', 'N')],
];
const batch2: [number, CastBallot][] = [
  [103, ballot('party', 'N')],
  [104, ballot('party', 'B', true)],
];
const batch3: [number, CastBallot][] = [[105, ballot('party', 'S')]];

describe('a consistent cut of the aggregates', () => {
  it('is the committed batches exactly, whichever items of the next batch are already written', () => {
    const table = new Table();
    table.apply('A', batch1);
    const items = table.touched(batch2);
    // the reader reads the commit between every pair of the next batch's item writes
    for (let written = 0; written < items.length; written++) {
      const cut = cutOf(table.commit(), table.all());
      expect(settledTally(cut)).toEqual(tallyOfBatches(batch1));
      table.write(items[written] ?? '', 'A', batch2);
    }
    expect(settledTally(cutOf(table.commit(), table.all()))).toEqual(tallyOfBatches(batch1, batch2));
  });

  it('leaves out an item that did not exist before the uncommitted batch', () => {
    const table = new Table();
    table.apply('A', batch1);
    const staffOnly: [number, CastBallot][] = [[103, { ...ballot('public', 'S') }]];
    const [first] = table.touched(staffOnly);
    table.write(first ?? '', 'A', staffOnly);
    const tally = settledTally(cutOf(table.commit(), table.all()));
    expect(tally).toEqual(tallyOfBatches(batch1));
    expect(tally.subjects['c-chen']?.public).toBeUndefined();
  });

  it('adds up: every subject counts each group exactly as often as the group turned out', () => {
    const table = new Table();
    table.apply('A', batch1);
    table.write(table.touched(batch2)[0] ?? '', 'A', batch2);
    const tally = settledTally(cutOf(table.commit(), table.all()));
    for (const bySubject of Object.values(tally.subjects)) {
      for (const [group, counts] of Object.entries(bySubject)) {
        const overall = Object.values(counts.questions.overall ?? {}).reduce((a, b) => a + b, 0);
        expect(overall).toBe(tally.ballots[group]);
      }
    }
  });

  it('refuses a cut while an item holds two writes beyond the commit (a redelivery racing the reader)', () => {
    const table = new Table();
    table.apply('A', batch1);
    const x = table.touched(batch2).find((sk) => sk.startsWith('AGG#S#')) ?? '';
    // the batch fails after writing x; its redelivery carries one more ballot and writes x again
    table.write(x, 'A', batch2);
    const redelivered = [...batch2, ...batch3];
    expect(table.touched(batch3)).toContain(x);
    table.write(x, 'A', batch3);
    expect(cutOf(table.commit(), table.all())).toMatchObject({ settled: false, ahead: [x] });
    // once the redelivery commits, the cut holds all of it
    for (const sk of table.touched(redelivered).filter((sk) => sk !== x)) table.write(sk, 'A', redelivered);
    expect(settledTally(cutOf(table.commit(), table.all()))).toEqual(tallyOfBatches(batch1, batch2, batch3));
  });

  it('refuses a cut when an item is ahead on two shards, and takes back one shard alone', () => {
    const table = new Table();
    table.apply('A', batch1);
    table.apply('B', [[7, ballot('staff', 'B')]]);
    const x = table.touched(batch2).find((sk) => sk.startsWith('AGG#S#')) ?? '';
    table.write(x, 'A', batch2);
    const onB: [number, CastBallot][] = [[8, ballot('party', 'X')]];
    expect(settledTally(cutOf(table.commit(), table.all()))).toEqual(
      tallyOfBatches(batch1, [[7, ballot('staff', 'B')]]),
    );
    table.write(x, 'B', onB);
    expect(cutOf(table.commit(), table.all()).settled).toBe(false);
  });

  it('reads again with growing pauses until the cut settles, and says when it never does', async () => {
    const table = new Table();
    table.apply('A', batch1);
    const x = table.touched(batch2).find((sk) => sk.startsWith('AGG#S#')) ?? '';
    table.write(x, 'A', batch2);
    table.write(x, 'A', batch2.slice(1)); // two writes ahead: cannot be taken back
    const sleep = vi.fn(async (_ms: number) => {});
    let reads = 0;
    const source: CutSource = {
      commit: async () => {
        reads += 1;
        // the batch commits while the reader pauses after its third read
        if (reads === 4) table.apply('A', batch2);
        return table.commit();
      },
      items: async () => table.all(),
    };
    const cut = await readCut(source, { sleep });
    expect(cut.settled).toBe(true);
    expect(reads).toBe(4);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([10, 20, 40]);

    const stuck = new Table();
    stuck.apply('A', batch1);
    stuck.write(x, 'A', batch2);
    stuck.write(x, 'A', batch3);
    const never = await readCut(
      { commit: async () => stuck.commit(), items: async () => stuck.all() },
      { sleep },
    );
    expect(never).toMatchObject({ settled: false, ahead: [x] });
  });
});
