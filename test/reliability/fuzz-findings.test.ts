// What the fuzzers found, pinned as plain examples: each of these once answered 5xx, polluted the process, or
// counted a ballot wrongly. The generators may not hit them again on every seed; these always do.
import { readTally, recountTally } from '@pingyi/data';
import { Campaign, computeResults, tallyOf } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ballot = {
  answers: {
    'org-edu': { overall: 'S' },
    'org-school': { overall: 'B' },
    'm-li': { overall: 'S' },
    'm-wang': { overall: 'X' },
    'c-chen': { overall: 'A' },
    'c-zhao': { overall: 'N' },
  },
};

describe('fuzz findings, pinned', () => {
  it('a form field named a.__proto__ does not reach Object.prototype', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const form = new URLSearchParams([
      ...Object.entries(ballot.answers).map(([s, a]) => [`a.${s}`, a.overall] as [string, string]),
      ['a.__proto__', 'S'],
      ['a.constructor', 'S'],
      ['a.org-edu.__proto__', 'S'],
    ]);
    const response = await stack.app.request(`/b/${tokens.party?.[0]}`, { method: 'POST', body: form });
    expect(response.status).toBe(400); // "constructor" is no subject of this campaign
    expect(Object.hasOwn(Object.prototype, 'overall')).toBe(false);
    expect(Object.hasOwn(Object, 'overall')).toBe(false);
    expect(({} as Record<string, unknown>).overall).toBeUndefined();
  });

  it('a multipart body without a boundary is a 400 with a message, not a 500', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const response = await stack.app.request(`/b/${tokens.party?.[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'a.org-edu=S',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('提交的内容格式有误');
  });

  it('a campaign file sent as text/plain is a 415 with a JSON error message', async () => {
    const response = await stack.app.request('/api/campaigns', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' },
      body: JSON.stringify(exampleCampaign),
    });
    expect(response.status).toBe(415);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toMatch(/JSON/);
  });

  it('free text "constructor", "toString" or "__proto__" counts as a number, live and in a recount', async () => {
    const { id, tokens } = await stack.openExample({ party: 3 });
    for (const [i, text] of ['constructor', 'toString', '__proto__'].entries()) {
      const voted = await stack.call('POST', `/b/${tokens.party?.[i]}`, {
        ...ballot,
        matters: { best: [], worst: [], otherBest: text },
      });
      expect(voted.status).toBe(201);
    }
    await stack.poller.idle();
    const recount = await recountTally(stack.db, id);
    // (a literal { __proto__: 1 } would set a prototype, not a key)
    expect(recount.matters.otherBest).toEqual(
      Object.fromEntries([
        ['constructor', 1],
        ['toString', 1],
        ['__proto__', 1],
      ]),
    );
    expect(await readTally(stack.db, id)).toEqual(recount);
    const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(results.json.ballots).toBe(3);
    expect(results.json.matters.otherBest).toHaveLength(3);
  });

  it('texts with lone surrogates count alike in the aggregates and in a recount', async () => {
    const { id, tokens } = await stack.openExample({ party: 2 });
    for (const [i, text] of ['\ud800', '\udfff'].entries()) {
      const voted = await stack.call('POST', `/b/${tokens.party?.[i]}`, {
        ...ballot,
        matters: { best: [], worst: [], otherBest: text },
      });
      expect(voted.status).toBe(201);
    }
    await stack.poller.idle();
    const recount = await recountTally(stack.db, id);
    expect(recount.matters.otherBest).toEqual({ '\ufffd': 2 });
    expect(await readTally(stack.db, id)).toEqual(recount);
  });

  it('ids that name members of Object.prototype are refused with a message', async () => {
    const definition = structuredClone(exampleCampaign) as { subjects: { id: string }[] };
    (definition.subjects[0] as { id: string }).id = 'constructor';
    const created = await stack.organizer('POST', '/api/campaigns', definition);
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.json.error.issues)).toContain('保留字');
  });

  it('a campaign too large to store is refused with a message, not a 500', async () => {
    const definition = structuredClone(exampleCampaign) as { subjects: object[] };
    for (
      let i = 0;
      i < 1990;
      i++ // within the schema's 2,000 subjects
    )
      definition.subjects.push({ id: `s${i}`, kind: 'org', name: '评'.repeat(60), title: '职'.repeat(60) });
    expect(Campaign.safeParse(definition).success).toBe(false);
    const created = await stack.organizer('POST', '/api/campaigns', definition);
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.json.error.issues)).toContain('评议方案过大');
  });

  it('texts that collate as equal are listed in one order, however the tally was built', () => {
    const campaign = Campaign.parse(exampleCampaign);
    const cast = (otherBest: string) => ({
      group: 'party',
      ratings: {},
      commented: [],
      best: [],
      worst: [],
      otherBest,
    });
    const listed = (texts: string[]) =>
      computeResults({
        campaignId: 'c',
        campaign,
        status: 'open',
        asOf: '',
        tally: tallyOf(texts.map(cast)),
        issued: {},
      }).matters.otherBest.map((m) => m.text);
    expect('\u0001'.localeCompare('\u0002', 'zh-CN')).toBe(0);
    expect(listed(['\u0001', '\u0002', 'a\u200b', 'a'])).toEqual(
      listed(['a', 'a\u200b', '\u0002', '\u0001']),
    );
  });

  it('a tally keeps inherited names as plain counts', () => {
    const tally = tallyOf([
      {
        group: 'g',
        ratings: {},
        commented: [],
        best: [],
        worst: [],
        otherBest: 'constructor',
        otherWorst: 'valueOf',
      },
    ]);
    expect(tally.matters.otherBest.constructor).toBe(1);
    expect(tally.matters.otherWorst.valueOf).toBe(1);
  });
});
