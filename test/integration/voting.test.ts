// The path of a ballot on real DynamoDB Local: create → open → codes → vote → results, and every way to fail.
import { readTally, recountTally } from '@pingyi/data';
import { Campaign, type CastBallot, computeResults, tallyOf } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsOf } from '../support/results.ts';
import { DURING_WINDOW, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const campaign = Campaign.parse(exampleCampaign);
const OPTIONS = {
  org: ['S', 'B', 'N', 'X'],
  member: ['S', 'B', 'N', 'X'],
  cadre: ['S', 'A', 'N', 'X'],
} as const;

/** A deterministic pseudo-random ballot for a group, and what the test expects to be counted from it. */
function makeBallot(group: string, seed: number) {
  let x = seed * 7919 + 13;
  const pick = <T>(list: readonly T[]): T => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return list[x % list.length] as T;
  };
  const g = campaign.groups.find((gr) => gr.id === group);
  const answers: Record<string, { overall: string; items?: Record<string, string>; comment?: string }> = {};
  const ratings: CastBallot['ratings'] = {};
  const commented: string[] = [];
  for (const subject of campaign.subjects) {
    if (g?.evaluates && !g.evaluates.includes(subject.kind)) continue;
    const options = OPTIONS[subject.kind as keyof typeof OPTIONS];
    const overall = pick(options);
    const kind = campaign.subjectKinds.find((k) => k.id === subject.kind);
    const item = kind?.items[seed % (kind?.items.length ?? 1)];
    const answer: (typeof answers)[string] = { overall };
    ratings[subject.id] = { overall };
    if (item && seed % 2 === 0) {
      const itemOption = pick(options);
      answer.items = { [item.id]: itemOption };
      ratings[subject.id] = { overall, [item.id]: itemOption };
    }
    if (seed % 5 === 0 && subject.kind === 'org') {
      answer.comment = `第${seed}号意见`;
      commented.push(subject.id);
    }
    answers[subject.id] = answer;
  }
  const best = seed % 3 === 0 ? ['营养午餐改善'] : [];
  const worst = seed % 4 === 0 ? ['校车安全管理', '教师培训'] : [];
  const otherBest = seed % 6 === 0 ? '食堂 卫生' : '';
  const body = { answers, matters: { best, worst, otherBest, otherWorst: '' } };
  const cast: CastBallot = { group, ratings, commented, best, worst };
  if (otherBest) cast.otherBest = '食堂 卫生';
  return { body, cast };
}

describe('voting end to end', () => {
  it('counts every accepted ballot exactly: results equal an independent recount', async () => {
    const { id, tokens, openTokens } = await stack.openExample({ party: 12, staff: 9 });
    const expected: CastBallot[] = [];
    const votes: Promise<void>[] = [];
    let seed = 0;
    for (const [group, list] of Object.entries(tokens)) {
      for (const token of list) {
        const { body, cast } = makeBallot(group, ++seed);
        expected.push(cast);
        votes.push(
          stack.call('POST', `/b/${token}`, body).then((r) => {
            expect(r.status).toBe(201);
            expect(r.json.receipt).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
          }),
        );
      }
    }
    for (let i = 0; i < 7; i++) {
      const { body, cast } = makeBallot('public', ++seed);
      expected.push(cast);
      votes.push(stack.call('POST', `/b/${openTokens.public}`, body).then((r) => expect(r.status).toBe(201)));
    }
    await Promise.all(votes);
    await stack.poller.idle();

    const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(results.status).toBe(200);
    const recount = computeResults({
      campaignId: id,
      campaign,
      status: 'open',
      asOf: results.json.asOf,
      tally: tallyOf(expected),
      issued: { party: 12, staff: 9 },
    });
    // ballots per minute are by the stream's clock (real time, not the test's): countsOf checks they add up
    expect(countsOf(results.json)).toEqual({
      ...JSON.parse(JSON.stringify(recount)),
      final: false,
      settled: true,
    });
    expect(results.json.ballots).toBe(28);
    expect(results.json.turnout).toEqual({
      party: { ballots: 12, issued: 12 },
      staff: { ballots: 9, issued: 9 },
      public: { ballots: 7, issued: null },
    });
    // and the aggregates equal a recount from the stored ballots
    expect(await readTally(stack.db, id)).toEqual(await recountTally(stack.db, id));
  });

  it('accepts exactly one of five concurrent submits of the same code', async () => {
    const { id, tokens } = await stack.openExample({ party: 1 });
    const token = tokens.party?.[0];
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        stack.call('POST', `/b/${token}`, {
          ...makeBallot('party', i).body,
          submissionId: `race-attempt-${i}-xxxxxxxx`,
        }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const used = attempts.find((a) => a.status === 409);
    expect(used?.json.error).toMatchObject({
      code: 'code_used',
      message: expect.stringContaining('已经投过票'),
    });
    await stack.poller.idle();
    expect((await readTally(stack.db, id)).ballots).toEqual({ party: 1 });
  });

  it('answers a retry with the same submission id with the original receipt, not "used"', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const body = { ...makeBallot('party', 1).body, submissionId: 'retry-after-lost-response-1' };
    const first = await stack.call('POST', `/b/${tokens.party?.[0]}`, body);
    const retry = await stack.call('POST', `/b/${tokens.party?.[0]}`, body);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.json.receipt).toBe(first.json.receipt);
    const other = await stack.call('POST', `/b/${tokens.party?.[0]}`, {
      ...body,
      submissionId: 'someone-else-entirely-2',
    });
    expect(other.status).toBe(409);
  });

  it('serves the ballot page in Chinese with every subject of the group, and 409 once the code voted', async () => {
    const { tokens, openTokens } = await stack.openExample({ party: 1 });
    const page = await stack.call('GET', `/b/${tokens.party?.[0]}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
    for (const s of campaign.subjects) expect(page.text).toContain(s.name);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const publicPage = await stack.call('GET', `/b/${openTokens.public}`);
    expect(publicPage.text).not.toContain('李xx'); // the public does not evaluate party members
    await stack.call('POST', `/b/${tokens.party?.[0]}`, makeBallot('party', 3).body);
    const again = await stack.call('GET', `/b/${tokens.party?.[0]}`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('已经投过票');
    // an error page carries the evaluator's headers as the ballot page does
    expect(again.headers.get('referrer-policy')).toBe('no-referrer');
    expect(again.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
  });

  it('takes a plain HTML form post and shows a receipt, or the list of what is missing', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const token = tokens.party?.[0];
    const form = new URLSearchParams({
      submissionId: 'form-submission-000001',
      'a.org-edu': 'S',
      'c.org-edu': '好',
    });
    const incomplete = await stack.call('POST', `/b/${token}`, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('请对“县中学党支部”作出总体评价');
    expect(incomplete.text).toContain('checked'); // the answer given is kept
    for (const s of campaign.subjects)
      if (s.id !== 'org-edu') form.set(`a.${s.id}`, s.kind === 'cadre' ? 'A' : 'B');
    form.append('best', '教师培训');
    const done = await stack.call('POST', `/b/${token}`, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(done.status).toBe(201);
    expect(done.text).toContain('提交成功');
    expect(done.text).toMatch(/class="receipt">[0-9A-Z]{5}-[0-9A-Z]{5}</);
  });
});

describe('rejected ballots store nothing', () => {
  const cases: [string, (body: any) => unknown, number, string][] = [
    [
      'an unknown option',
      (b) => ({ ...b, answers: { ...b.answers, 'org-edu': { overall: 'Z' } } }),
      400,
      '选项无效',
    ],
    [
      'a missing overall rating',
      (b) => ({ ...b, answers: { ...b.answers, 'c-chen': {} } }),
      400,
      '作出总体评价',
    ],
    [
      'an unknown subject',
      (b) => ({ ...b, answers: { ...b.answers, nobody: { overall: 'S' } } }),
      400,
      '不在本次评议范围',
    ],
    [
      'a 501-character comment',
      (b) => ({ ...b, answers: { ...b.answers, 'org-edu': { overall: 'S', comment: '意'.repeat(501) } } }),
      400,
      '500',
    ],
    ['broken JSON', () => '{"answers": {', 400, 'JSON'],
    ['a 100 KiB body', (b) => ({ ...b, padding: 'x'.repeat(100 * 1024) }), 413, '过大'],
  ];

  it.each(cases)('rejects %s with a Chinese message', async (_name, mutate, status, message) => {
    const { id, tokens } = await stack.openExample({ party: 1 });
    const body = mutate(makeBallot('party', 1).body);
    const response = await stack.call(
      'POST',
      `/b/${tokens.party?.[0]}`,
      typeof body === 'string' ? body : JSON.stringify(body),
    );
    expect(response.status).toBe(status);
    expect(response.json.error.message).toContain(message);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await recountTally(stack.db, id)).toEqual(tallyOf([]));
  });

  it('rejects a forged code with 403', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const real = tokens.party?.[0] ?? '';
    const forged = `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`;
    const response = await stack.call('POST', `/b/${forged}`, makeBallot('party', 1).body);
    expect(response.status).toBe(403);
    expect(response.json.error.message).toContain('评议码无效');
    expect((await stack.call('GET', `/b/${forged}`)).status).toBe(403);
  });

  it('rejects votes on a closed campaign, and outside the window, with 410 and the window', async () => {
    const { id, tokens } = await stack.openExample({ party: 2 });
    stack.clock.now = new Date('2026-12-31T09:00:00+08:00');
    const late = await stack.call('POST', `/b/${tokens.party?.[0]}`, makeBallot('party', 1).body);
    stack.clock.now = DURING_WINDOW;
    expect(late.status).toBe(410);
    expect(late.json.error.message).toContain('已结束');
    expect(late.json.error.message).toContain('2026年12月30日');

    expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
    const closed = await stack.call('POST', `/b/${tokens.party?.[1]}`, makeBallot('party', 1).body);
    expect(closed.status).toBe(410);
    expect((await stack.call('GET', `/b/${tokens.party?.[1]}`)).text).toContain('评议未开放');
    expect(await recountTally(stack.db, id)).toEqual(tallyOf([]));
  });
});

describe('organizer API', () => {
  it('requires the organizer token', async () => {
    const response = await stack.call('GET', '/api/campaigns');
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
  });

  it('rejects a broken definition with the failing paths and stores nothing', async () => {
    const before = await stack.organizer('GET', '/api/campaigns');
    const broken = {
      ...exampleCampaign,
      subjects: [{ id: 'x', kind: 'nope', name: '某' }],
      timezone: 'Nowhere/City',
    };
    const response = await stack.organizer('POST', '/api/campaigns', broken);
    expect(response.status).toBe(400);
    expect(response.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'subjects.0.kind',
      'timezone',
    ]);
    expect((await stack.organizer('GET', '/api/campaigns')).json).toEqual(before.json);
  });

  it('does not open a campaign twice, and audits every change', async () => {
    const { id } = await stack.openExample({ staff: 3 });
    const again = await stack.organizer('POST', `/api/campaigns/${id}/open`);
    expect(again.status).toBe(409);
    const audit = await stack.organizer('GET', `/api/campaigns/${id}/audit`);
    expect(audit.json.map((e: { action: string }) => e.action)).toEqual(['create', 'open', 'codes']);
    const detail = await stack.organizer('GET', `/api/campaigns/${id}`);
    expect(detail.json).toMatchObject({ id, status: 'open', issued: { party: 0, staff: 3, public: 0 } });
  });

  it('refuses codes for an open-channel group and for an unknown group', async () => {
    const { id } = await stack.openExample({});
    expect(
      (await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'public', count: 1 })).status,
    ).toBe(400);
    expect(
      (await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'zzz', count: 1 })).status,
    ).toBe(400);
    expect((await stack.organizer('GET', '/api/campaigns/00000000')).status).toBe(404);
  });

  it('serves the OpenAPI document of every contract route', async () => {
    const doc = await stack.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/campaigns',
        '/api/campaigns/{id}',
        '/api/campaigns/{id}/open',
        '/api/campaigns/{id}/close',
        '/api/campaigns/{id}/codes',
        '/api/campaigns/{id}/links',
        '/api/campaigns/{id}/results',
        '/b/{token}',
      ]),
    );
    expect(doc.json.components.schemas).toHaveProperty('Campaign');
  });
});
