import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CastBallot } from './ballot.ts';
import { Campaign } from './campaign.ts';
import { computeResults, rankScores } from './results.ts';
import { tallyOf } from './tally.ts';

const example = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);

/** Ballots that rate one subject's overall question only; the other subjects abstain (X). */
function votes(group: string, subject: string, options: Record<string, number>): CastBallot[] {
  const ballots: CastBallot[] = [];
  for (const [option, n] of Object.entries(options)) {
    for (let i = 0; i < n; i++) {
      ballots.push({
        group,
        ratings: { [subject]: { overall: option } },
        commented: [],
        best: [],
        worst: [],
      });
    }
  }
  return ballots;
}

function results(ballots: CastBallot[], campaign = example) {
  return computeResults({
    campaignId: 'c1',
    campaign,
    status: 'open',
    asOf: '2026-12-01T09:30:00+08:00',
    tally: tallyOf(ballots),
    issued: { party: 60, staff: 40 },
  });
}

const subject = (r: ReturnType<typeof results>, id: string) => {
  const found = r.subjects.find((s) => s.id === id);
  if (!found) throw new Error(`no subject ${id}`);
  return found;
};

describe('rates', () => {
  it('counts every option and excludes abstentions from valid and from the rates', () => {
    const r = results(votes('party', 'org-edu', { S: 6, B: 2, N: 2, X: 5 }));
    const overall = subject(r, 'org-edu').overall;
    expect(overall.counts).toEqual({ S: 6, B: 2, N: 2, X: 5 });
    expect(overall.valid).toBe(10);
    expect(overall.positiveRate).toBe(0.8);
    expect(overall.negativeRate).toBe(0.2);
    expect(overall.neutralRate).toBe(0);
    expect(overall.neutralOrNegativeRate).toBe(0.2);
  });

  it('gives null rates, no rank and no evaluated rules when only abstentions arrived', () => {
    const s = subject(results(votes('party', 'org-edu', { X: 3 })), 'org-edu');
    expect(s.overall.valid).toBe(0);
    expect(s.overall.positiveRate).toBeNull();
    expect(s.overall.weightedScore).toBeNull();
    expect(s.rank).toBeNull();
    expect(s.flags).toEqual([]);
    expect(s.rulesEvaluated).toBe(false);
  });

  it('marks subjects under the minimum of valid ballots', () => {
    const r = results([...votes('party', 'org-edu', { S: 4 }), ...votes('party', 'org-school', { S: 5 })]);
    expect(subject(r, 'org-edu').belowMinimum).toBe(true);
    expect(subject(r, 'org-school').belowMinimum).toBe(false);
  });
});

describe('rule boundaries', () => {
  it('does not flag an organisation at exactly one third dissatisfied', () => {
    const s = subject(results(votes('party', 'org-edu', { S: 6, N: 3 })), 'org-edu');
    expect(s.overall.negativeRate).toBeCloseTo(1 / 3);
    expect(s.flags).toEqual([]);
    expect(s.rulesEvaluated).toBe(true);
  });

  it('flags an organisation with one more dissatisfied vote than one third', () => {
    const s = subject(results(votes('party', 'org-edu', { S: 6, N: 4 })), 'org-edu');
    expect(s.flags).toEqual([
      { flag: '不得作为表彰或评先推荐对象，主要负责人诫勉谈话', metric: 'negativeRate', above: '1/3' },
    ]);
  });

  it('decides one third exactly even where floats would not (3 of 9, 300 of 900)', () => {
    expect(subject(results(votes('party', 'org-edu', { S: 600, N: 300 })), 'org-edu').flags).toEqual([]);
    expect(subject(results(votes('party', 'org-edu', { S: 599, N: 301 })), 'org-edu').flags).toHaveLength(1);
  });

  it('does not flag a cadre at exactly one half 一般 or 不满意', () => {
    const s = subject(results(votes('staff', 'c-chen', { S: 4, A: 2, N: 2 })), 'c-chen');
    expect(s.overall.neutralOrNegativeRate).toBe(0.5);
    expect(s.flags).toEqual([]);
  });

  it('flags a cadre with one more 一般 vote than one half', () => {
    const s = subject(results(votes('staff', 'c-chen', { S: 4, A: 3, N: 2 })), 'c-chen');
    expect(s.flags.map((f) => f.metric)).toEqual(['neutralOrNegativeRate']);
  });

  it('ignores abstentions when deciding a rule', () => {
    const s = subject(results(votes('party', 'org-edu', { S: 2, N: 1, X: 10 })), 'org-edu');
    expect(s.flags).toEqual([]);
  });

  it('fires a below rule only strictly below its fraction', () => {
    const campaign = Campaign.parse({
      ...example,
      rules: [{ kind: 'org', metric: 'positiveRate', below: '2/3', flag: '满意率偏低' }],
    });
    expect(subject(results(votes('party', 'org-edu', { S: 2, N: 1 }), campaign), 'org-edu').flags).toEqual(
      [],
    );
    expect(subject(results(votes('party', 'org-edu', { S: 3, N: 2 }), campaign), 'org-edu').flags).toEqual([
      { flag: '满意率偏低', metric: 'positiveRate', below: '2/3' },
    ]);
  });
});

describe('weighted score', () => {
  it('averages group means by weight over the groups that voted only', () => {
    // party (weight 40): mean 100; public (weight 20): mean 0; staff (weight 40) cast nothing.
    const r = results([...votes('party', 'org-edu', { S: 3 }), ...votes('public', 'org-edu', { N: 1 })]);
    const overall = subject(r, 'org-edu').overall;
    expect(overall.byGroup.party).toMatchObject({ valid: 3, mean: 100 });
    expect(overall.byGroup.staff).toMatchObject({ valid: 0, mean: null });
    expect(overall.weightedScore).toBeCloseTo((40 * 100 + 20 * 0) / 60, 2);
  });

  it('counts a group without a weight as weight 1', () => {
    const campaign = Campaign.parse({
      ...example,
      groups: example.groups.map((g) =>
        g.id === 'public' ? { ...g, weight: undefined } : { ...g, weight: 3 },
      ),
    });
    const r = results(
      [...votes('party', 'org-edu', { S: 1 }), ...votes('public', 'org-edu', { N: 1 })],
      campaign,
    );
    expect(subject(r, 'org-edu').overall.weightedScore).toBe(75);
  });

  it('rounds the group mean to two places (97.78)', () => {
    const r = results(votes('party', 'org-edu', { S: 40, B: 5 }));
    expect(subject(r, 'org-edu').overall.byGroup.party?.mean).toBe(97.78);
  });

  it('leaves out groups that do not evaluate the kind', () => {
    const r = results(votes('public', 'm-li', { S: 1 }));
    expect(subject(r, 'm-li').overall.byGroup).not.toHaveProperty('public');
    expect(subject(r, 'm-li').overall.valid).toBe(0);
  });
});

describe('rank', () => {
  it('shares a rank between ties and skips the next (1, 2, 2, 4)', () => {
    expect(rankScores([90, 80, 80, 70])).toEqual([1, 2, 2, 4]);
    expect(rankScores([null, 50, 50])).toEqual([null, 1, 1]);
  });

  it('treats equal scores reached by different sums as a tie', () => {
    expect(rankScores([0.1 + 0.2, 0.3])).toEqual([1, 1]);
  });

  it('ranks subjects within their kind by weighted overall score', () => {
    const r = results([
      ...votes('party', 'c-chen', { S: 1, A: 1 }),
      ...votes('party', 'c-zhao', { S: 2 }),
      ...votes('party', 'org-edu', { N: 1 }),
    ]);
    expect(subject(r, 'c-zhao').rank).toBe(1);
    expect(subject(r, 'c-chen').rank).toBe(2);
    expect(subject(r, 'org-edu').rank).toBe(1);
    expect(subject(r, 'org-school').rank).toBeNull();
  });
});

describe('turnout, matters and comments', () => {
  it('reports ballots against issued codes, and no issued count for open groups', () => {
    const r = results([...votes('party', 'org-edu', { S: 2 }), ...votes('public', 'org-edu', { S: 1 })]);
    expect(r.ballots).toBe(3);
    expect(r.turnout).toEqual({
      party: { ballots: 2, issued: 60 },
      staff: { ballots: 0, issued: 40 },
      public: { ballots: 1, issued: null },
    });
  });

  it('ranks matters by count, then by the order of the campaign, and free texts by count', () => {
    const base = { group: 'party', ratings: {}, commented: [] };
    const r = results([
      { ...base, best: ['校车安全管理'], worst: [], otherBest: '食堂' },
      { ...base, best: ['校车安全管理', '教师培训'], worst: ['招生入学办理'], otherBest: '食堂' },
      { ...base, best: [], worst: [], otherBest: '操场' },
    ]);
    expect(r.matters.best.slice(0, 3)).toEqual([
      { option: '校车安全管理', count: 2 },
      { option: '教师培训', count: 1 },
      { option: '教师周转房建设', count: 0 },
    ]);
    expect(r.matters.worst[0]).toEqual({ option: '招生入学办理', count: 1 });
    expect(r.matters.otherBest).toEqual([
      { text: '食堂', count: 2 },
      { text: '操场', count: 1 },
    ]);
  });

  it('counts comments per subject across groups', () => {
    const base = { ratings: {}, best: [], worst: [] };
    const r = results([
      { ...base, group: 'party', commented: ['org-edu'] },
      { ...base, group: 'public', commented: ['org-edu', 'c-chen'] },
    ]);
    expect(subject(r, 'org-edu').comments).toBe(2);
    expect(subject(r, 'c-chen').comments).toBe(1);
  });
});
