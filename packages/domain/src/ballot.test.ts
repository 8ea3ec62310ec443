import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ballot, checkBallot } from './ballot.ts';
import { Campaign, type Group } from './campaign.ts';

const campaign = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);
const group = (id: string) => campaign.groups.find((g) => g.id === id) as Group;

const publicBallot = {
  answers: {
    'org-edu': { overall: 'S', items: { p1: 'S', p2: 'B' }, comment: '  希望多下基层  ' },
    'org-school': { overall: 'X' },
    'c-chen': { overall: 'A' },
    'c-zhao': { overall: 'N', comment: '   ' },
  },
  matters: { best: ['营养午餐改善'], worst: ['校车安全管理'], otherBest: '', otherWorst: ' 食堂卫生 ' },
};

const check = (body: unknown, groupId = 'public') =>
  checkBallot(campaign, group(groupId), Ballot.parse(body));

describe('ballot check', () => {
  it('accepts a complete ballot and separates the comments from the ratings', () => {
    const result = check(publicBallot);
    expect(result).toEqual({
      ok: true,
      ballot: {
        group: 'public',
        ratings: {
          'org-edu': { overall: 'S', p1: 'S', p2: 'B' },
          'org-school': { overall: 'X' },
          'c-chen': { overall: 'A' },
          'c-zhao': { overall: 'N' },
        },
        commented: ['org-edu'],
        best: ['营养午餐改善'],
        worst: ['校车安全管理'],
        otherWorst: '食堂卫生',
      },
      comments: [{ subject: 'org-edu', text: '希望多下基层' }],
    });
  });

  it('asks for the overall rating of every subject the group evaluates, by name', () => {
    const result = check({ answers: { 'org-edu': { overall: 'S' } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([
      '请对“县中学党支部”作出总体评价',
      '请对“陈xx”作出总体评价',
      '请对“赵xx”作出总体评价',
    ]);
  });

  it('rejects a subject outside the group, an unknown item and an unknown option', () => {
    const body = {
      ...publicBallot,
      answers: {
        ...publicBallot.answers,
        'm-li': { overall: 'S' },
        'org-edu': { overall: 'Q', items: { p9: 'S' } },
      },
    };
    const result = check(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path.join('.'))).toEqual([
      'answers.m-li',
      'answers.org-edu.overall',
      'answers.org-edu.items.p9',
    ]);
  });

  it('does not let an item named "overall" override the overall rating', () => {
    const body = {
      ...publicBallot,
      answers: { ...publicBallot.answers, 'c-chen': { overall: 'S', items: { overall: 'N' } } },
    };
    const result = check(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path.join('.'))).toEqual(['answers.c-chen.items.overall']);
  });

  it('limits matters to the listed options, to maxPicks, and not both best and worst', () => {
    const picks = (matters: object) => {
      const r = check({ ...publicBallot, matters });
      return r.ok ? [] : r.issues.map((i) => i.message);
    };
    expect(picks({ best: ['不存在的事项'] })).toEqual(['“不存在的事项”不在可选事项中']);
    expect(picks({ best: ['教师培训', '营养午餐改善', '校车安全管理'] })).toEqual([
      '最满意的事项最多选 2 项',
    ]);
    expect(picks({ best: ['教师培训'], worst: ['教师培训'] })).toEqual([
      '“教师培训”不能同时是最满意和最不满意的事项',
    ]);
  });

  it('rejects a comment over 500 characters at the schema, counting characters not bytes', () => {
    const ok = {
      ...publicBallot,
      answers: { ...publicBallot.answers, 'c-chen': { overall: 'S', comment: '好'.repeat(500) } },
    };
    expect(Ballot.safeParse(ok).success).toBe(true);
    const tooLong = {
      ...ok,
      answers: { ...ok.answers, 'c-chen': { overall: 'S', comment: '好'.repeat(501) } },
    };
    expect(Ballot.safeParse(tooLong).success).toBe(false);
  });

  it('rejects unknown fields and a malformed submission id at the schema', () => {
    expect(Ballot.safeParse({ ...publicBallot, extra: 1 }).success).toBe(false);
    expect(Ballot.safeParse({ ...publicBallot, submissionId: 'short' }).success).toBe(false);
    expect(Ballot.safeParse({ ...publicBallot, submissionId: 'a'.repeat(16) }).success).toBe(true);
  });
});
