// Rehearsal (试运行) on DynamoDB Local and the local S3: a campaign opened as a rehearsal says so on the ballot page,
// the console, the results and every report; one action wipes every trace of its voting (ballots, receipts,
// comments, free texts, quota counters, aggregates, the closing tally, reports and their files, paper batches),
// voids the codes it used and returns it to draft; it then opens formally; a formal campaign refuses the wipe.
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  addMeasure,
  listAudit,
  listReports,
  RehearsalWipeError,
  requireCampaign,
  wipeRehearsal,
} from '@pingyi/data';
import { REHEARSAL_MARK } from '@pingyi/reports/columns';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, type ConsoleClient } from '../support/console.ts';
import { DURING_WINDOW, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let org: ConsoleClient;

beforeAll(async () => {
  stack = await startTestStack();
  org = await accountWithPassword(stack, 'admin', 'admin');
});
afterAll(async () => {
  await stack?.stop();
});

const ballot = (extra: Record<string, unknown> = {}) => ({
  answers: Object.fromEntries(
    (exampleCampaign.subjects as { id: string }[]).map((s) => [
      s.id,
      s.id === 'org-edu' ? { overall: 'S', comment: '试运行意见' } : { overall: 'S' },
    ]),
  ),
  ...extra,
});

/** Every item of the table that belongs to the campaign, except the campaign itself and its audit trail. */
async function tracesOf(id: string): Promise<string[]> {
  const out: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({ TableName: stack.db.tableName, ExclusiveStartKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      const sk = String(item.sk);
      if (!pk.includes(id) && item.cid !== id) continue;
      if (pk === `C#${id}` && (sk === 'META' || sk.startsWith('AUDIT#'))) continue;
      out.push(`${pk} ${sk}`);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}

const s3 = () => stack.reports;

async function filesOf(id: string): Promise<string[]> {
  const store = s3();
  const listed = await store.s3.send(
    new ListObjectsV2Command({ Bucket: store.bucket, Prefix: `campaigns/${id}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

async function fileText(key: string): Promise<Buffer> {
  const store = s3();
  const answer = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  return Buffer.from(await (answer.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
}

describe('rehearsal (试运行)', () => {
  it('is marked as test everywhere, and one wipe leaves no trace of its voting before the formal opening', async () => {
    const created = await stack.organizer('POST', '/api/campaigns', exampleCampaign);
    const id = created.json.id as string;
    const page = `/console/campaigns/${id}`;
    const opened = await org.submit(page, `${page}/open`, { rehearsal: 'true' });
    expect(opened.location).toContain('done=rehearsing');
    expect((await stack.organizer('GET', `/api/campaigns/${id}`)).json.rehearsal).toBe(true);
    const codes = await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 3 });
    const tokens = codes.json.codes.map((c: { token: string }) => c.token) as string[];

    // the ballot page, and two ballots: a code with a comment and a free text, and the open link (a quota counter)
    const ballotPage = await stack.call('GET', `/b/${tokens[0]}`);
    expect(ballotPage.text).toContain('试运行（测试）');
    expect(
      (
        await stack.call(
          'POST',
          `/b/${tokens[0]}`,
          ballot({ matters: { best: [], worst: [], otherBest: '测试自填' } }),
        )
      ).status,
    ).toBe(201);
    const links = await stack.organizer('GET', `/api/campaigns/${id}/links`);
    const openToken = String(links.json.public).split('/b/')[1];
    const publicBallot = {
      answers: Object.fromEntries(
        (exampleCampaign.subjects as { id: string; kind: string }[])
          .filter((s) => s.kind !== 'member')
          .map((s) => [s.id, { overall: s.kind === 'cadre' ? 'A' : 'B' }]),
      ),
    };
    expect((await stack.call('POST', `/b/${openToken}`, publicBallot)).status).toBe(201);
    await stack.poller.idle();

    // the console, the results and the dashboard say it is a rehearsal
    const overview = await org.get(page);
    expect(overview.text).toContain('id="rehearsal-notice"');
    expect(overview.text).toContain('<span class="status rehearsal">试运行</span>');
    expect((await org.get('/console/campaigns')).text).toContain(
      '<span class="status rehearsal">试运行</span>',
    );
    const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(results.json).toMatchObject({ rehearsal: true, ballots: 2 });
    expect((await org.get(`${page}/dashboard/projector`)).text).toContain('id="rehearsal-mark"');

    // every report file says it: the workbook, the CSV, the 公示 page, and their names
    expect((await stack.organizer('POST', `/api/campaigns/${id}/reports`, { raw: true })).status).toBe(202);
    await stack.exportsSettled();
    const [report] = await listReports(stack.db, id);
    for (const file of report?.files ?? []) expect(file.name.startsWith('试运行-')).toBe(true);
    const fileOf = (format: string) => report?.files.find((f) => f.format === format)?.key ?? '';
    const csv = (await fileText(fileOf('csv'))).toString('utf8');
    expect(csv.startsWith('\uFEFF数据性质,')).toBe(true);
    const rows = csv.trim().split('\r\n');
    for (const row of rows.slice(1)) expect(row.startsWith(REHEARSAL_MARK)).toBe(true);
    for (const format of ['raw-csv', 'texts-csv']) {
      const lines = (await fileText(fileOf(format)))
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]?.startsWith('数据性质,'), format).toBe(true);
      expect(lines.length, format).toBeGreaterThan(1);
      for (const line of lines.slice(1)) expect(line.startsWith(REHEARSAL_MARK), format).toBe(true);
    }
    expect((await fileText(fileOf('html'))).toString('utf8')).toContain(
      `<p class="rehearsal" id="rehearsal">${REHEARSAL_MARK}</p>`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await fileText(fileOf('xlsx'))) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('封面')?.getCell(1, 1).value).toBe('评议结果报告（试运行）');
    workbook.eachSheet((sheet) => expect(sheet.headerFooter.oddHeader).toContain(REHEARSAL_MARK));

    // a paper batch with a staged entry (second account not needed: the entry alone is a trace)
    const batch = await org.submit(`${page}/paper`, `${page}/paper`, { group: 'party', label: '试运行批次' });
    const batchId = /paper\/([0-9a-f]{8})$/.exec(batch.location ?? '')?.[1] ?? '';
    const entry = `${page}/paper/${batchId}/entry/1`;
    const keys: Record<string, string> = { serial: '2' };
    for (const s of exampleCampaign.subjects as { id: string }[]) keys[`a.${s.id}.overall`] = '1';
    expect((await org.submit(entry, entry, keys)).status).toBe(303);

    // not while it runs
    const early = await org.submit(page, `${page}/wipe`);
    expect(early.status).toBe(409);
    expect(early.text).toContain('试运行还在进行');
    expect((await tracesOf(id)).length).toBeGreaterThan(10);

    // closed: the closing report (its recount) is made; then one action wipes it all
    expect((await org.submit(`${page}/close`, `${page}/close`)).status).toBe(303);
    stack.clock.now = new Date(DURING_WINDOW.getTime() + 20_000);
    await stack.exportsSettled();
    expect(await filesOf(id)).not.toEqual([]);
    // a rectification measure made from the rehearsal's results is test data too
    await addMeasure(
      stack.db,
      {
        campaign: id,
        subject: 'org-edu',
        at: stack.clock.now.toISOString(),
        description: '试运行中的整改措施',
        problem: { type: 'item', ref: 'overall' },
        owner: '张三',
        deadline: '2026-12-31',
        status: 'planned',
      },
      { type: 'account', name: 'org' },
    );
    const confirm = await org.get(`${page}/wipe`);
    expect(confirm.text).toContain('试运行中用过的评议码作废');
    const wiped = await org.post(`${page}/wipe`);
    expect(wiped.status).toBe(303);
    expect(wiped.location).toContain('done=wiped');

    expect(await tracesOf(id)).toEqual([]);
    expect(await filesOf(id)).toEqual([]);
    const record = await requireCampaign(stack.db, id);
    expect(record.status).toBe('draft');
    expect(record.rehearsal).toBeUndefined();
    expect(record.closedAt).toBeUndefined();
    // the code that voted in the rehearsal is void; the others still vote
    expect(record.voided).toEqual({ party: [1] });
    const audit = (await listAudit(stack.db, id)).filter((e) => e.action === 'rehearsal-wipe');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toEqual({ type: 'account', name: 'admin' });
    expect(audit[0]?.detail).toMatchObject({
      ballots: 2,
      comments: 1,
      freeTexts: 1,
      paperBatches: 1,
      followUp: 1,
      voided: 1,
    });

    // the formal opening: nothing of the rehearsal counts, its used code is refused, an unused one votes
    stack.clock.now = DURING_WINDOW;
    expect((await org.submit(page, `${page}/open`)).location).toContain('done=opened');
    expect((await stack.organizer('GET', `/api/campaigns/${id}`)).json.rehearsal).toBeUndefined();
    expect((await stack.call('POST', `/b/${tokens[0]}`, ballot())).status).toBe(410);
    expect((await stack.call('GET', `/b/${tokens[1]}`)).text).not.toContain('试运行（测试）');
    expect((await stack.call('POST', `/b/${tokens[1]}`, ballot())).status).toBe(201);
    await stack.poller.idle();
    const formal = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(formal.json.ballots).toBe(1);
    expect(formal.json.rehearsal).toBeUndefined();
    expect((await org.get(page)).text).not.toContain('rehearsal-notice');

    // a formal campaign can never be wiped: open or closed, through the console or the data layer
    const refused = await org.submit(page, `${page}/wipe`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('这是正式评议活动，它的评议数据任何时候都不能清除');
    expect((await org.get(`${page}/wipe`)).status).toBe(409);
    expect((await org.submit(`${page}/close`, `${page}/close`)).status).toBe(303);
    await stack.exportsSettled();
    await expect(wipeRehearsal(stack.db, id, async () => {}, new Date(), { type: 'system' })).rejects.toThrow(
      RehearsalWipeError,
    );
    expect((await org.submit(page, `${page}/wipe`)).status).toBe(409);
    expect((await stack.organizer('GET', `/api/campaigns/${id}/results`)).json.ballots).toBe(1);
    expect(await filesOf(id)).not.toEqual([]);
  });
});
