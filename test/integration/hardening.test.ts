// The rest of the security probe's findings, each as the attack it was: organizer answers kept by caches or
// sniffed, a 20 MB organizer body, a ballot whose error answer was 390 KB, a right-to-left override in a title and
// in free texts, and a closed campaign simply opened again.
import { listAudit } from '@pingyi/data';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  DURING_WINDOW,
  exampleCampaign,
  startTestStack,
  type TestStack,
} from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const RLO = '\u202e';
const ALL = ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'];
const partyBallot = (extra: Record<string, unknown> = {}) => ({
  answers: Object.fromEntries(ALL.map((id) => [id, { overall: 'X' }])),
  ...extra,
});

describe('organizer answers and requests', () => {
  it('are never cached nor sniffed, the refusals included', async () => {
    const { id } = await stack.openExample({});
    const answers = [
      await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 2 }),
      await stack.organizer('GET', `/api/campaigns/${id}/results`),
      await stack.organizer('GET', `/api/campaigns/${id}/open-channel`),
      await stack.organizer('GET', '/api/campaigns/ffffffff'),
      await stack.call('GET', `/api/campaigns/${id}/results`),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 200, 404, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses a 20 MB body with 413 and stores nothing', async () => {
    const before = (await stack.organizer('GET', '/api/campaigns')).json.length;
    const huge = JSON.stringify({ ...exampleCampaign, padding: 'x'.repeat(20 * 1024 * 1024) });
    const answer = await stack.call('POST', '/api/campaigns', huge, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(answer.status).toBe(413);
    expect(answer.json.error).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining('过大'),
    });
    expect((await stack.organizer('GET', '/api/campaigns')).json.length).toBe(before);
  });
});

describe('error answers', () => {
  it('list at most 50 issues and the total, for a 60 KB ballot with 5,000 unknown keys', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const answers = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, {}]));
    const body = JSON.stringify({ answers });
    expect(body.length).toBeGreaterThan(50_000);
    const answer = await stack.call('POST', `/b/${tokens.party?.[0]}`, body);
    expect(answer.status).toBe(400);
    expect(answer.json.error.issues).toHaveLength(50);
    expect(answer.json.error.issueCount).toBe(5000 + ALL.length);
    expect(answer.text.length).toBeLessThan(10_000);
  });
});

describe('bidi and control characters', () => {
  it('never reach a report’s file name, and show as visible marks in the spreadsheets', async () => {
    const title = `评议${RLO}gnp.exe`;
    const created = await stack.organizer('POST', '/api/campaigns', { ...exampleCampaign, title });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect((await stack.organizer('GET', `/api/campaigns/${id}`)).json.definition.title).toBe('评议gnp.exe');
    await stack.organizer('POST', `/api/campaigns/${id}/open`);
    const [code] = (await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 1 }))
      .json.codes;
    const comment = `领导${RLO}好很`;
    const body = partyBallot({ matters: { best: [], worst: [], otherBest: `食堂${RLO}生卫` } });
    (body.answers as Record<string, { comment?: string }>)['org-edu'] = { overall: 'S', comment } as never;
    expect((await stack.call('POST', `/b/${code.token}`, body)).status).toBe(201);
    await stack.poller.idle();
    expect((await stack.organizer('POST', `/api/campaigns/${id}/reports`, { raw: true })).status).toBe(202);
    await stack.exportsSettled();

    const [report] = (await stack.organizer('GET', `/api/campaigns/${id}/reports`)).json;
    for (const file of report.files) expect(file.name).not.toMatch(/[\u202a-\u202e\u2066-\u2069\p{Cc}]/u);
    const get = async (format: string) =>
      Buffer.from(
        await (
          await fetch(report.files.find((f: { format: string }) => f.format === format).url)
        ).arrayBuffer(),
      );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await get('xlsx')) as unknown as ArrayBuffer);
    const texts: string[] = [];
    for (const sheet of workbook.worksheets)
      sheet.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts).toContain('领导[U+202E]好很');
    expect(texts).toContain('食堂[U+202E]生卫');
    expect(texts.join('')).not.toContain(RLO);
    const freeTexts = (await get('texts-csv')).toString('utf8');
    expect(freeTexts).toContain('食堂[U+202E]生卫');
    expect(freeTexts).not.toContain(RLO);
  });
});

describe('closing is final', () => {
  it('refuses to open a closed campaign; a county admin reopens it with a reason, audited, the closing report superseded', async () => {
    const { id, tokens } = await stack.openExample({ party: 2 });
    expect((await stack.call('POST', `/b/${tokens.party?.[0]}`, partyBallot())).status).toBe(201);
    expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
    await stack.exportsSettled();

    // the probe: a closed campaign could simply be opened again
    const open = await stack.organizer('POST', `/api/campaigns/${id}/open`);
    expect(open.status).toBe(409);
    expect(open.json.error.message).toContain('说明理由');
    expect((await stack.call('POST', `/b/${tokens.party?.[1]}`, partyBallot())).status).toBe(410);
    expect((await stack.organizer('POST', `/api/campaigns/${id}/reopen`, { reason: '' })).status).toBe(400);
    const unauthorized = await stack.call('POST', `/api/campaigns/${id}/reopen`, {
      reason: '延长评议时间以便补评',
    });
    expect(unauthorized.status).toBe(401);
    expect((await stack.organizer('GET', `/api/campaigns/${id}`)).json.status).toBe('closed');

    const reason = '部分村组停电未能参评，经领导小组研究决定重新开放';
    stack.clock.now = new Date(DURING_WINDOW.getTime() + 60_000);
    try {
      const reopened = await stack.organizer('POST', `/api/campaigns/${id}/reopen`, { reason });
      expect(reopened.status).toBe(200);
      expect(reopened.json.status).toBe('open');
      expect((await stack.call('POST', `/b/${tokens.party?.[1]}`, partyBallot())).status).toBe(201);
      const audit = await listAudit(stack.db, id);
      expect(audit.at(-1)).toMatchObject({
        action: 'reopen',
        detail: { from: 'closed', reason, by: expect.stringContaining('county-admin') },
      });
      const [closing] = (await stack.organizer('GET', `/api/campaigns/${id}/reports`)).json;
      expect(closing).toMatchObject({ trigger: 'close', superseded: { reason } });
      expect(audit.at(-1)?.detail.supersededReports).toEqual([closing.id]);
      expect((await stack.organizer('POST', `/api/campaigns/${id}/reopen`, { reason })).status).toBe(409);

      // closing again makes the new record; the old one stays superseded
      stack.clock.now = new Date(DURING_WINDOW.getTime() + 120_000);
      expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
      await stack.exportsSettled();
      const reports = (await stack.organizer('GET', `/api/campaigns/${id}/reports`)).json;
      expect(
        reports.map((r: { trigger: string; superseded?: object }) => [r.trigger, Boolean(r.superseded)]),
      ).toEqual([
        ['close', false],
        ['close', true],
      ]);
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
  });
});
