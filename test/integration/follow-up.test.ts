// After the vote on DynamoDB Local: publishing a closed campaign's results (公示) with a scope and a window, withdrawal,
// the window on an injected clock, suppression under the minimum, the receipts list against the closing count,
// feedback links (own results only, revocable, expiring) and rectification measures over time.
import { type AuditEntry, listAudit, readFinalTally, requireCampaign } from '@pingyi/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, type ConsoleClient, ORIGIN } from '../support/console.ts';
import { DURING_WINDOW, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: ConsoleClient;
let org: ConsoleClient;
let id: string;
const receipts: string[] = [];

const EDU_COMMENT = '食堂饭菜需要改进，希望多听取学生意见';
const SCHOOL_COMMENT = '校门口上下学时段交通拥堵';

/** One party member's ballot: every subject it evaluates, with what the test needs per subject. */
function ballot(i: number) {
  const eduOverall = i < 4 ? 'S' : 'N'; // 4 满意, 3 不满意 of 7: 不满意率 3/7 > 1/3, the rule fires
  const schoolOverall = i < 3 ? 'S' : 'X'; // 3 valid: under the minimum of 5
  return {
    answers: {
      'org-edu': {
        overall: eduOverall,
        items: { p1: i < 5 ? 'S' : 'N' },
        ...(i === 0 ? { comment: EDU_COMMENT } : {}),
      },
      'org-school': { overall: schoolOverall, ...(i === 1 ? { comment: SCHOOL_COMMENT } : {}) },
      'm-li': { overall: 'S' },
      'm-wang': { overall: 'S' },
      'c-chen': { overall: 'S' },
      'c-zhao': { overall: 'A' },
    },
    matters: { best: [], worst: ['校车安全管理'] },
    submissionId: `follow-up-ballot-${String(i).padStart(4, '0')}`,
  };
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await accountWithPassword(stack, 'admin', 'admin');
  org = await accountWithPassword(stack, 'org', 'organizer');
  const opened = await stack.openExample({ party: 7 });
  id = opened.id;
  for (const [i, token] of (opened.tokens.party ?? []).entries()) {
    const cast = await stack.call('POST', `/b/${token}`, ballot(i));
    expect(cast.status, cast.text).toBe(201);
    receipts.push(cast.json.receipt as string);
  }
}, 60_000);
afterAll(async () => {
  stack.clock.now = DURING_WINDOW;
  await stack?.stop();
});

const page = (base: string) => `/console/campaigns/${id}${base}`;
const audit = async (action: string): Promise<AuditEntry[]> =>
  (await listAudit(stack.db, id)).filter((e) => e.action === action);

/** Every public id on the console's publication page (their order is by publishing time, equal under a test clock). */
const publicIds = async () => {
  const listing = await admin.get(page('/publication'));
  return [...listing.text.matchAll(new RegExp(`/g/(${id}-[A-Za-z0-9_-]{16})`, 'g'))].map((m) => m[1] ?? '');
};
/** The publications made by this file, by name. */
const made: Record<string, string> = {};

/** Publishes through the console and names the new publication's public id. */
async function publishAs(name: string, fields: Record<string, string | string[]>) {
  const before = new Set(await publicIds());
  const answer = await publish(fields);
  expect(answer.status, answer.text.slice(0, 400)).toBe(303);
  const [added] = (await publicIds()).filter((x) => !before.has(x));
  made[name] = added ?? '';
  return added ?? '';
}

/** Moves the injected clock; console sessions idle out on it, so both accounts sign in again. */
async function moveTo(iso: string) {
  stack.clock.now = new Date(iso);
  await admin.signIn('admin');
  await org.signIn('org');
}

async function publish(fields: Record<string, string | string[]>) {
  const answer = await admin.submit(page('/publication'), page('/publication'), {
    kinds: ['org'],
    show: 'rates',
    startsAt: '2026-12-02T10:00',
    endsAt: '2026-12-09T10:00',
    ...fields,
  });
  return answer;
}

describe('publication (公示)', () => {
  it('is refused while the campaign is open; after closing, its page comes from the closing record', async () => {
    const early = await publish({});
    expect(early.status).toBe(400);
    expect(early.text).toContain('评议结束后才能发布公示');
    expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
    await stack.exportsSettled();
    const record = await requireCampaign(stack.db, id);
    const final = await readFinalTally(stack.db, id, record.closedAt ?? '');
    expect(final?.verification.ballots).toBe(7);

    const pid = await publishAs('full', { progress: '1', receipts: '1' });
    expect(pid).not.toBe('');
    expect((await admin.get(page('/publication'))).text).toContain('公示中');

    const shown = await stack.call('GET', `/g/${pid}`);
    expect(shown.status).toBe(200);
    expect(shown.text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(shown.text).toContain('评议结果公示');
    expect(shown.text).toContain('公示期：2026/12/02 10:00 至 2026/12/09 10:00');
    expect(shown.text).toContain('逐票复核 7 张');
    // org-edu: 4 of 7 满意; org-school: 3 valid, under the minimum of 5: no rates, no rank
    expect(shown.text).toContain('57.14%');
    expect(shown.text).toMatch(/县中学党支部.*有效票不足 5 张，不公示比率/s);
    expect(shown.text).not.toContain('100.00%'); // org-school's 3 of 3
    // only the kinds in scope; no comments, no free texts
    expect(shown.text).not.toContain('李xx');
    expect(shown.text).not.toContain('陈xx');
    expect(shown.text).not.toContain(EDU_COMMENT);
    expect(shown.text).not.toContain(SCHOOL_COMMENT);
    expect(shown.headers.get('content-security-policy')).toContain("default-src 'none'");

    const [entry] = await audit('publish');
    expect(entry?.actor).toEqual({ type: 'account', name: 'admin' });
    expect(entry?.detail).toMatchObject({ kinds: ['org'], show: 'rates', progress: true, receipts: true });
  });

  it('verdicts only: the rule condition per subject, no rates, never the consequence', async () => {
    const pid = await publishAs('verdicts', { show: 'verdicts', kinds: ['org', 'cadre'] });
    const shown = await stack.call('GET', `/g/${pid}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('不满意率超过三分之一');
    expect(shown.text).not.toContain('诫勉谈话');
    expect(shown.text).not.toMatch(/\d+\.\d\d%/);
    expect(shown.text).toContain('有效票不足 5 张，不作结论');
    expect(shown.text).toContain('陈xx');
  });

  it('follows its window on the injected clock: not yet, shown, over', async () => {
    const pid = await publishAs('later', { startsAt: '2026-12-05T09:00', endsAt: '2026-12-06T09:00' });
    const before = await stack.call('GET', `/g/${pid}`);
    expect(before.status).toBe(404);
    expect(before.text).toContain('公示尚未开始');
    expect(before.text).toContain('2026/12/05 09:00');
    try {
      stack.clock.now = new Date('2026-12-05T09:00:00+08:00');
      expect((await stack.call('GET', `/g/${pid}`)).status).toBe(200);
      stack.clock.now = new Date('2026-12-06T09:00:00+08:00');
      const after = await stack.call('GET', `/g/${pid}`);
      expect(after.status).toBe(410);
      expect(after.text).toContain('公示期已结束');
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
  });

  it('is withdrawn at once, with its audit entry, and says so; a second withdrawal is refused', async () => {
    const slug = (made.verdicts ?? '').slice(9);
    const withdrawn = await admin.post(page(`/publication/${slug}/withdraw`));
    expect(withdrawn.status).toBe(303);
    const gone = await stack.call('GET', `/g/${id}-${slug}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('公示已撤回');
    expect(gone.text).not.toContain('57.14%');
    await admin.get(page('/publication'));
    expect((await admin.post(page(`/publication/${slug}/withdraw`))).status).toBe(409);
    expect((await audit('withdraw')).map((e) => e.detail.publication)).toEqual([slug]);
    expect((await stack.call('GET', `/g/${id}-AAAAAAAAAAAAAAAA`)).status).toBe(404);
  });

  it('refuses an empty scope or a window that is over, and stores nothing', async () => {
    const before = (await audit('publish')).length;
    expect((await publish({ kinds: [] })).text).toContain('请至少选择一个评议对象类别');
    const late = await publish({ startsAt: '2026-11-01T10:00', endsAt: '2026-11-02T10:00' });
    expect(late.status).toBe(400);
    expect(late.text).toContain('公示结束时间须晚于现在');
    expect((await audit('publish')).length).toBe(before);
  });
});

describe('receipts (verifiable inclusion)', () => {
  it('lists exactly the receipts of the counted ballots, sorted, and nothing else; a voter finds their own', async () => {
    const withReceipts = made.full;
    const record = await requireCampaign(stack.db, id);
    const final = await readFinalTally(stack.db, id, record.closedAt ?? '');
    const txt = await stack.call('GET', `/g/${withReceipts}/receipts.txt`);
    expect(txt.status).toBe(200);
    expect(txt.headers.get('content-type')).toContain('text/plain');
    const lines = txt.text.split('\n').filter(Boolean);
    expect(lines.length).toBe(final?.verification.ballots);
    expect(lines).toEqual([...receipts].sort());
    for (const line of lines) expect(line).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(txt.text).toBe(lines.map((l) => `${l}\n`).join(''));

    // the bytes: Response.text() would drop the BOM that makes Excel read UTF-8
    const csv = Buffer.from(await (await stack.app.request(`/g/${withReceipts}/receipts.csv`)).arrayBuffer());
    expect(csv.toString('utf8')).toBe(`\uFEFF回执码\r\n${lines.map((l) => `${l}\r\n`).join('')}`);

    const mine = receipts[3] ?? '';
    const search = await stack.call(
      'GET',
      `/g/${withReceipts}/receipts?q=${mine.toLowerCase().replace('-', ' ')}`,
    );
    expect(search.status).toBe(200);
    expect(search.text).toContain(`回执 ${mine} 在清单中`);
    expect(search.text).toContain('与结束时逐票复核的 7 张评议表一致');
    const missing = await stack.call('GET', `/g/${withReceipts}/receipts?q=22222-22222`);
    expect(missing.text).toContain('清单中没有回执 22222-22222');

    // a publication without receipts publishes none
    const other = made.later;
    expect((await stack.call('GET', `/g/${other}/receipts.txt`)).status).toBe(404);
  });
});

describe('feedback links (反馈) and rectification (整改)', () => {
  let token = '';
  let measureId = '';

  it('a link shows its subject its own results, items and comments, and nothing of the others', async () => {
    const issued = await admin.submit(page('/publication'), page('/feedback-links'), {
      subject: 'org-edu',
      days: '30',
    });
    expect(issued.status).toBe(200);
    token = new RegExp(`/f/(${id}\\.[A-Za-z0-9_-]{32})`).exec(issued.text)?.[1] ?? '';
    expect(token).not.toBe('');
    // the token is shown once and stored only as a digest
    expect((await admin.get(page('/publication'))).text).not.toContain(token);
    const view = await stack.call('GET', `/f/${token}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-store');
    expect(view.text).toContain('县教育和科学技术局党委 评议结果反馈');
    expect(view.text).toContain(EDU_COMMENT);
    expect(view.text).toContain('不得作为表彰或评先推荐对象');
    expect(view.text).toContain('42.86%'); // its own 不满意率, 3 of 7
    for (const other of [SCHOOL_COMMENT, '县中学党支部', '李xx', '陈xx'])
      expect(view.text).not.toContain(other);
    expect((await stack.call('GET', `/f/${id}.${'A'.repeat(32)}`)).status).toBe(404);
  });

  it('the link adds and updates its own measures (audited as the link), refuses bad input and other sites', async () => {
    const form = (fields: Record<string, string>, origin: string | null = ORIGIN) =>
      stack.call(
        'POST',
        `/f/${token}/measures${fields.id ? `/${fields.id}` : ''}`,
        new URLSearchParams(fields).toString(),
        {
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        },
      );
    const fields = {
      description: '调整食堂采购与菜谱，每月召开伙食委员会',
      problem: 'item:p1',
      owner: '张主任',
      deadline: '2026-12-10',
      status: 'planned',
    };
    const bad = await form({ ...fields, problem: 'item:nope', owner: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('请选择这条措施针对的问题');
    expect(bad.text).toContain('请填写责任人');
    expect(bad.text).toContain('调整食堂采购与菜谱'); // the draft is kept
    expect((await form(fields, 'https://evil.example')).status).toBe(403);
    const nonce = /name="nonce" value="([A-Za-z0-9_-]{8})"/.exec(bad.text)?.[1] ?? '';
    const added = await form({ ...fields, nonce });
    expect(added.status).toBe(200);
    expect(added.text).toContain('整改措施已保存');
    // the same form posted again (a reload, a double tap) stores nothing more
    const again = await form({ ...fields, nonce });
    expect(again.status).toBe(200);
    measureId = [...again.text.matchAll(/measures\/([A-Za-z0-9_-]{8})"/g)].map((m) => m[1]).join(',');
    expect(measureId).toBe(nonce);
    const updated = await form({ ...fields, id: measureId, status: 'in_progress' });
    expect(updated.status).toBe(200);
    expect(updated.text).toContain('进展：整改中');
    const entries = [...(await audit('measure-add')), ...(await audit('measure-update'))];
    expect(entries.map((e) => e.actor)).toEqual([
      { type: 'feedback', subject: 'org-edu' },
      { type: 'feedback', subject: 'org-edu' },
    ]);
    // a comment of this subject can be the problem; another subject's cannot
    const { commentRef } = await import('@pingyi/domain');
    const answer = { ...fields, description: '每月公开伙食账目' };
    expect((await form({ ...answer, problem: `comment:${commentRef(EDU_COMMENT)}` })).status).toBe(200);
    expect((await form({ ...answer, problem: `comment:${commentRef(SCHOOL_COMMENT)}` })).status).toBe(400);
  });

  it('rectification status over time: overdue the day after the deadline, not once done', async () => {
    const overdue = async (client: ConsoleClient) => (await client.get('/console/measures/overdue')).text;
    try {
      await moveTo('2026-12-10T23:59:00+08:00'); // the deadline day itself is still in time
      expect(await overdue(admin)).toContain('没有逾期的整改措施');
      await moveTo('2026-12-11T00:00:00+08:00');
      const late = await overdue(admin);
      expect(late).toContain('调整食堂采购与菜谱');
      expect(late).toContain('已逾期');
      // an organizer sees only the campaigns they may see
      expect(await overdue(org)).not.toContain('调整食堂采购与菜谱');
      const console = await admin.get(page('/measures'));
      expect(console.text).toContain('已逾期');
      // the organizer marks it done: no longer overdue, however late
      const done = await admin.post(page(`/measures/org-edu/${measureId}`), {
        description: '调整食堂采购与菜谱，每月召开伙食委员会',
        problem: 'item:p1',
        owner: '张主任',
        deadline: '2026-12-10',
        status: 'done',
      });
      expect(done.status).toBe(303);
      await moveTo('2027-03-01T10:00:00+08:00');
      const later = await overdue(admin);
      expect(later).not.toContain('调整食堂采购与菜谱');
      expect(later).toContain('每月公开伙食账目'); // the other one, still planned
      const [last] = (await audit('measure-update')).slice(-1);
      expect(last?.actor).toEqual({ type: 'account', name: 'admin' });
      expect(last?.detail.status).toBe('done');
    } finally {
      await moveTo(DURING_WINDOW.toISOString());
    }
  });

  it('the public page shows progress only when the organizer chose so', async () => {
    const withProgress = await stack.call('GET', `/g/${made.full}`);
    expect(withProgress.text).toContain('整改落实情况');
    expect(withProgress.text).toContain('调整食堂采购与菜谱');
    expect(withProgress.text).toContain('已完成');
    expect(withProgress.text).not.toContain(EDU_COMMENT);
    // the other publication of the same kinds, without progress (withdrawn: publish one more to look at)
    const plain = await publishAs('plain', {});
    const without = await stack.call('GET', `/g/${plain}`);
    expect(without.status).toBe(200);
    expect(without.text).not.toContain('调整食堂采购与菜谱');
  });

  it('a revoked or expired link answers a page that says so', async () => {
    const issued = await admin.submit(page('/publication'), page('/feedback-links'), {
      subject: 'org-school',
      days: '7',
    });
    const second = new RegExp(`/f/(${id}\\.[A-Za-z0-9_-]{32})`).exec(issued.text)?.[1] ?? '';
    try {
      stack.clock.now = new Date('2026-12-09T10:00:00+08:00');
      const expired = await stack.call('GET', `/f/${second}`);
      expect(expired.status).toBe(410);
      expect(expired.text).toContain('链接已过期');
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
    const listing = await admin.get(page('/publication'));
    const digest = /feedback-links\/([0-9a-f]{64})\/revoke/.exec(listing.text)?.[1] ?? '';
    expect((await admin.post(page(`/feedback-links/${digest}/revoke`))).status).toBe(303);
    const revoked = await stack.call('GET', `/f/${token}`);
    const other = await stack.call('GET', `/f/${second}`);
    expect([revoked.status, other.status].sort()).toEqual([200, 410]);
    expect((await audit('feedback-revoke')).length).toBe(1);
    expect((await audit('feedback-link')).length).toBe(2);
  });

  it("a measure of another subject cannot be reached through a subject's link", async () => {
    const issued = await admin.submit(page('/publication'), page('/feedback-links'), {
      subject: 'org-school',
      days: '30',
    });
    const school = new RegExp(`/f/(${id}\\.[A-Za-z0-9_-]{32})`).exec(issued.text)?.[1] ?? '';
    const answer = await stack.call(
      'POST',
      `/f/${school}/measures/${measureId}`,
      new URLSearchParams({
        description: '改写别人的措施',
        problem: 'item:overall',
        owner: '某人',
        deadline: '2026-12-31',
        status: 'done',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('未找到这条整改措施');
    expect((await admin.get(page('/measures'))).text).not.toContain('改写别人的措施');
  });
});

describe('a reopened campaign', () => {
  it('stops its publications and feedback links: their figures are no longer the record', async () => {
    const reopened = await stack.organizer('POST', `/api/campaigns/${id}/reopen`, {
      reason: '部分村组停电未能参评，经领导小组研究决定重新开放',
    });
    expect(reopened.status).toBe(200);
    const shown = await stack.call('GET', `/g/${made.plain}`);
    expect(shown.status).toBe(410);
    expect(shown.text).toContain('公示已失效');
    const issued = await admin.get(page('/publication'));
    expect(issued.text).toContain('评议结束后才能发布公示和签发反馈链接');
    expect(issued.text).toContain('已失效（活动重新开放）');
  });
});
