// Correcting the subjects of an open campaign races its first ballot: the rule asks the stored ballots, not the live
// count, so a ballot accepted a moment ago freezes the subjects even while the aggregation has not counted it yet.
// The stream poller is stopped here, so the live count stays at 0 for the whole test.
import { hasBallots, requireCampaign, SYSTEM_ACTOR, shareCampaign } from '@pingyi/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, type ConsoleClient } from '../support/console.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let org: ConsoleClient;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.poller.stop();
  org = await accountWithPassword(stack, 'org', 'organizer');
});
afterAll(async () => {
  await stack?.stop();
});

const csv = (rows: string[]) =>
  new Blob([['类别,名称,职务,单位,排序', ...rows].join('\n')], { type: 'text/csv' });

async function importSubjects(id: string, rows: string[]) {
  await org.get(`/console/campaigns/${id}/subjects`);
  const form = new FormData();
  form.append('file', csv(rows), '名单.csv');
  return org.postMultipart(`/console/campaigns/${id}/subjects`, form);
}

describe('correcting the subjects of an open campaign', () => {
  it('is allowed before the first ballot, and refused as soon as one is stored, before it is counted', async () => {
    const { id, tokens } = await stack.openExample({ party: 2 });
    await shareCampaign(stack.db, id, ['org'], [], stack.clock.now, SYSTEM_ACTOR);
    expect(await hasBallots(stack.db, id)).toBe(false);

    const corrected = await importSubjects(id, ['党员,李明,,,1', '党员,王芳,,,2']);
    expect(corrected.status, corrected.text.slice(0, 300)).toBe(303);
    const subjects = (await requireCampaign(stack.db, id)).definition.subjects;
    expect(subjects.map((s) => s.name)).toEqual(['李明', '王芳']);

    const ballot = {
      answers: Object.fromEntries(subjects.map((s) => [s.id, { overall: 'S' }])),
    };
    expect((await stack.call('POST', `/b/${tokens.party?.[0]}`, ballot)).status).toBe(201);
    // the live count has not seen it (no aggregation runs), the stored ballots have
    expect((await stack.organizer('GET', `/api/campaigns/${id}/results`)).json.ballots).toBe(0);
    expect(await hasBallots(stack.db, id)).toBe(true);

    const refused = await importSubjects(id, ['党员,李明,,,1']);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('已收到评议表');
    expect((await requireCampaign(stack.db, id)).definition.subjects.map((s) => s.name)).toEqual([
      '李明',
      '王芳',
    ]);
    const page = await org.get(`/console/campaigns/${id}/subjects`);
    expect(page.text).toContain('评议对象都不能再修改');
  });
});
