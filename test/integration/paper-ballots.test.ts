// Paper ballots (书面评议) through the console on DynamoDB Local: two accounts enter a batch blind, a mismatch keeps
// the whole batch from counting until it is resolved, the commit casts each ballot through the online path, and a
// slip counts exactly once whether it is used online first, on paper first, or both at once.

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  ballotKey,
  codeBallot,
  commitPaperBatch,
  getPaperBatch,
  listAudit,
  PaperBatchError,
  paperEntriesOf,
  queryAll,
  recountTally,
  reopenCampaign,
  requireCampaign,
  setCampaignStatus,
} from '@pingyi/data';
import { Campaign, paperFields } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, type ConsoleClient } from '../support/console.ts';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let first: ConsoleClient;
let second: ConsoleClient;

beforeAll(async () => {
  stack = await startTestStack();
  // two people of the office (county admins run every campaign, also one made with the service credential)
  first = await accountWithPassword(stack, 'admin', 'admin');
  second = await accountWithPassword(stack, 'other', 'admin');
});
afterAll(async () => {
  await stack?.stop();
});

const campaign = Campaign.parse(exampleCampaign);
const party = campaign.groups.find((g) => g.id === 'party');
if (!party) throw new Error('the example has a party group');
const fields = paperFields(campaign, party);

/** The keys typed for one slip: every overall question key `overall`, items left blank (0). */
function slip(serial: number, overall = '1', change: Record<string, string> = {}) {
  const keys: Record<string, string> = { serial: String(serial) };
  for (const f of fields) keys[f.name] = f.required ? overall : '0';
  return { ...keys, ...change };
}

/** An online ballot of the party group: every subject 满意. */
const onlineBallot = () => ({
  answers: Object.fromEntries(campaign.subjects.map((s) => [s.id, { overall: 'S' }])),
});

async function newBatch(id: string, label: string) {
  const created = await first.submit(`/console/campaigns/${id}/paper`, `/console/campaigns/${id}/paper`, {
    group: 'party',
    label,
  });
  expect(created.status).toBe(303);
  return /paper\/([0-9a-f]{8})$/.exec(created.location ?? '')?.[1] ?? '';
}

async function enter(
  client: ConsoleClient,
  id: string,
  batch: string,
  pass: '1' | '2',
  fieldsOf: Record<string, string>,
) {
  const page = `/console/campaigns/${id}/paper/${batch}/entry/${pass}`;
  return client.submit(page, page, fieldsOf);
}

async function finish(client: ConsoleClient, id: string, batch: string, pass: '1' | '2') {
  const answer = await client.submit(
    `/console/campaigns/${id}/paper/${batch}`,
    `/console/campaigns/${id}/paper/${batch}/pass/${pass}/done`,
  );
  expect(answer.status).toBe(303);
}

const commit = (client: ConsoleClient, id: string, batch: string) =>
  client.submit(`/console/campaigns/${id}/paper/${batch}`, `/console/campaigns/${id}/paper/${batch}/commit`);

const ballotsCounted = async (id: string) => (await recountTally(stack.db, id)).ballots.party ?? 0;

async function storedBallot(id: string, serial: number) {
  const { Item } = await stack.db.client.send(
    new GetCommand({ TableName: stack.db.tableName, Key: ballotKey(id, codeBallot('party', serial)) }),
  );
  return Item;
}

/** A batch with the same slips typed in both passes, both declared complete. */
async function agreedBatch(id: string, label: string, serials: number[]) {
  const batch = await newBatch(id, label);
  for (const s of serials) expect((await enter(first, id, batch, '1', slip(s, '2'))).status).toBe(303);
  for (const s of serials) expect((await enter(second, id, batch, '2', slip(s, '2'))).status).toBe(303);
  await finish(first, id, batch, '1');
  await finish(second, id, batch, '2');
  return batch;
}

describe('paper ballots (书面评议)', () => {
  it('counts nothing of a batch until every mismatch of the blind second entry is resolved', async () => {
    const { id, tokens } = await stack.openExample({ party: 10 });
    const batch = await newBatch(id, '退休支部 第1袋');
    const firstSubject = fields[0]?.name ?? '';

    // pass 1: slips 1, 2, 3; on slip 2 the first subject is 3 (不满意)
    for (const s of [1, 3]) expect((await enter(first, id, batch, '1', slip(s))).status).toBe(303);
    expect((await enter(first, id, batch, '1', slip(2, '1', { [firstSubject]: '3' }))).status).toBe(303);
    // a serial that was never issued, and a key the scale does not have, are refused and store nothing
    const bad = await enter(first, id, batch, '1', slip(11));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('序号不在该类别已发放的评议码范围内');
    const badKey = await enter(first, id, batch, '1', slip(4, '1', { [firstSubject]: '7' }));
    expect(badKey.status).toBe(400);
    expect(badKey.text).toContain('只能按 1–4');

    // the same account may not type the second pass
    const same = await enter(first, id, batch, '2', slip(1));
    expect(same.status).toBe(409);
    expect(same.text).toContain('两遍录入必须由不同的账号完成');

    // pass 2 is blind: its page lists none of pass 1's serials
    const blind = await second.get(`/console/campaigns/${id}/paper/${batch}/entry/2`);
    expect(blind.status).toBe(200);
    expect(blind.text).toContain('本遍已录入 0 张');
    expect(blind.text).not.toContain(`entry/1`);
    for (const s of [1, 2, 3]) expect((await enter(second, id, batch, '2', slip(s))).status).toBe(303);
    expect((await enter(second, id, batch, '2', slip(4))).status).toBe(303);
    // nor can it open pass 1
    expect((await second.get(`/console/campaigns/${id}/paper/${batch}/entry/1`)).status).toBe(409);

    expect((await commit(first, id, batch)).status).toBe(409);
    await finish(first, id, batch, '1');
    await finish(second, id, batch, '2');

    // side by side: slip 2 differs on the first subject, slip 4 was typed only once
    const compared = await first.get(`/console/campaigns/${id}/paper/${batch}`);
    expect(compared.text).toContain('待处理的不一致 2 张');
    const two = /data-serial="2"[\s\S]*?<\/section>/.exec(compared.text)?.[0] ?? '';
    expect(two).toContain('3 不满意');
    expect(two).toContain('1 满意');
    expect(/data-serial="4"[\s\S]*?<\/section>/.exec(compared.text)?.[0]).toContain('（未录入此序号）');

    const refused = await commit(second, id, batch);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('还有两遍录入不一致的评议表未处理');
    expect(await ballotsCounted(id)).toBe(0);

    // resolved after looking at the slips: slip 2 as typed first, slip 4 not counted
    const resolve = (serial: string, choice: string) =>
      second.submit(
        `/console/campaigns/${id}/paper/${batch}`,
        `/console/campaigns/${id}/paper/${batch}/resolve`,
        {
          serial,
          choice,
        },
      );
    expect((await resolve('2', '1')).status).toBe(303);
    expect(await ballotsCounted(id)).toBe(0);
    expect((await resolve('4', 'drop')).status).toBe(303);

    const committed = await commit(second, id, batch);
    expect(committed.status).toBe(303);
    const page = await second.get(committed.location ?? '');
    expect(page.text).toContain('已计入的序号：1、2、3');

    const tally = await recountTally(stack.db, id);
    expect(tally.ballots.party).toBe(3);
    const subject = fields[0]?.subject ?? '';
    expect(tally.subjects[subject]?.party?.questions.overall).toEqual({ S: 2, N: 1 });
    // a paper ballot is stored like an online one: no time, no clerk, no batch
    const stored = await storedBallot(id, 2);
    expect(Object.keys(stored ?? {}).sort()).toEqual(['cid', 'g', 'mb', 'mw', 'pk', 'r', 'sd', 'sk']);
    // the staged entries are gone
    const staged = await queryAll(stack.db, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': paperEntriesOf(id, batch).pk },
    });
    expect(staged).toEqual([]);
    // the code is used: its online ballot is refused
    expect((await stack.call('POST', `/b/${tokens.party?.[0]}`, onlineBallot())).status).toBe(409);

    const audit = await listAudit(stack.db, id);
    const actions = audit.filter((e) => e.action.startsWith('paper-'));
    expect(actions.map((e) => e.action)).toEqual([
      'paper-batch',
      'paper-pass',
      'paper-pass',
      'paper-resolve',
      'paper-resolve',
      'paper-commit',
    ]);
    expect(actions.at(-1)?.actor).toEqual({ type: 'account', name: 'other' });
    expect(actions.at(-1)?.detail).toMatchObject({ cast: 3, used: [], refused: [] });
  });

  it('counts a slip once when it was used online first, and says which serial it did not count', async () => {
    const { id, tokens } = await stack.openExample({ party: 4 });
    // serial 2 votes online first
    expect((await stack.call('POST', `/b/${tokens.party?.[1]}`, onlineBallot())).status).toBe(201);
    const batch = await agreedBatch(id, '第2袋', [1, 2, 3]);
    expect((await commit(first, id, batch)).status).toBe(303);
    const page = await first.get(`/console/campaigns/${id}/paper/${batch}`);
    expect(page.text).toContain('已计入的序号：1、3');
    expect(page.text).toContain('已在网上或其他批次投票）的序号：2');
    expect(await ballotsCounted(id)).toBe(3);
    // the stored ballot of serial 2 is the online one (all 满意), not the paper one (all 2)
    const stored = await storedBallot(id, 2);
    expect(Object.values(stored?.r ?? {}).every((r) => (r as { overall: string }).overall === 'S')).toBe(
      true,
    );
    // a committed batch cannot be committed again
    expect((await commit(first, id, batch)).status).toBe(409);
    expect(await ballotsCounted(id)).toBe(3);
  });

  it('counts each slip exactly once when the paper commit and the online ballots race', async () => {
    const serials = [1, 2, 3, 4, 5, 6];
    const { id, tokens } = await stack.openExample({ party: serials.length });
    const batch = await agreedBatch(id, '第3袋', serials);
    const [committed, ...online] = await Promise.all([
      commit(first, id, batch),
      ...serials.map((s) => stack.call('POST', `/b/${tokens.party?.[s - 1]}`, onlineBallot())),
    ]);
    expect(committed?.status).toBe(303);
    const page = await first.get(`/console/campaigns/${id}/paper/${batch}`);
    const cast = (/已计入的序号：([^<]*)/.exec(page.text)?.[1] ?? '').split('、').filter((s) => s !== '无');
    for (const [i, s] of serials.entries()) {
      const onlineCounted = online[i]?.status === 201;
      expect([201, 409]).toContain(online[i]?.status);
      // exactly one of the two ways counted it
      expect(onlineCounted !== cast.includes(String(s))).toBe(true);
    }
    expect(await ballotsCounted(id)).toBe(serials.length);
  });

  it('casts nothing after the campaign closed mid-commit, keeps the rest staged, and finishes after a reopen', async () => {
    const { id } = await stack.openExample({ party: 4 });
    const batch = await agreedBatch(id, '第4袋', [1, 2, 3, 4]);
    // the commit read the campaign open; it closes before the first ballot is written
    const stale = await requireCampaign(stack.db, id);
    const staged = await getPaperBatch(stack.db, id, batch);
    await setCampaignStatus(stack.db, id, 'closed', stack.clock.now);
    await expect(
      commitPaperBatch(stack.db, stale, staged, stack.deps.codeSecret, stack.clock.now, {
        type: 'account',
        name: 'admin',
      }),
    ).rejects.toEqual(new PaperBatchError('not-open'));
    for (const s of [1, 2, 3, 4]) expect(await storedBallot(id, s)).toBeUndefined();
    expect(
      await queryAll(stack.db, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': paperEntriesOf(id, batch).pk },
      }),
    ).not.toEqual([]);

    await reopenCampaign(stack.db, id, { reason: '补录纸质评议表', by: '县级管理员' }, stack.clock.now);
    expect((await commit(first, id, batch)).status).toBe(303);
    expect(await ballotsCounted(id)).toBe(4);
  });
});
