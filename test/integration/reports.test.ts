// Reports on real engines: export to the local S3 server, download every file through its link, check the figures.

import {
  listReports,
  REOPENED_DURING_EXPORT,
  readFinalTally,
  reopenCampaign,
  requireCampaign,
  setCampaignStatus,
} from '@pingyi/data';
import { runExport } from '@pingyi/reports';
import { createS3Client } from '@pingyi/runtime';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExportHandler } from '../../functions/export/handler.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ALL = ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'];

/** party ballots: org-edu gets 6 S + 4 N (flagged: 4/10 > 1/3), org-school only 3 valid (below the minimum 5). */
function partyBallot(i: number) {
  const answers: Record<string, { overall: string; comment?: string }> = {};
  for (const id of ALL) answers[id] = { overall: 'X' };
  answers['org-edu'] = {
    overall: i < 6 ? 'S' : 'N',
    ...(i === 0 ? { comment: '内部意见：食堂需要改进' } : {}),
  };
  if (i < 3) answers['org-school'] = { overall: 'B' };
  answers['c-chen'] = { overall: i % 2 === 0 ? 'S' : 'A' };
  answers['c-zhao'] = { overall: 'S' };
  return {
    answers,
    matters: { best: i < 4 ? ['营养午餐改善'] : ['教师培训'], worst: [], otherBest: i === 1 ? '新操场' : '' },
  };
}

async function votedCampaign() {
  const { id, tokens } = await stack.openExample({ party: 10 });
  for (const [i, token] of (tokens.party ?? []).entries()) {
    const response = await stack.call('POST', `/b/${token}`, partyBallot(i));
    expect(response.status).toBe(201);
  }
  await stack.poller.idle();
  return { id, tokens: tokens.party ?? [] };
}

async function download(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    disposition: response.headers.get('content-disposition'),
  };
}

describe('reports', () => {
  it('exports Excel, CSV and 公示 whose figures equal the results API, downloadable through fresh links', async () => {
    const { id, tokens } = await votedCampaign();
    const started = await stack.organizer('POST', `/api/campaigns/${id}/reports`, { raw: true });
    expect(started.status).toBe(202);
    await stack.exportsSettled();
    const results = (await stack.organizer('GET', `/api/campaigns/${id}/results`)).json;
    const listed = await stack.organizer('GET', `/api/campaigns/${id}/reports`);
    expect(listed.status).toBe(200);
    const [report] = listed.json;
    expect(report.id).toBe(started.json.reportId);
    expect(report.files.map((f: { format: string }) => f.format)).toEqual([
      'xlsx',
      'csv',
      'html',
      'raw-csv',
      'texts-csv',
    ]);
    const file = (format: string) => report.files.find((f: { format: string }) => f.format === format);
    for (const f of report.files) expect(new URL(f.url).searchParams.get('X-Amz-Expires')).toBe('900');

    // Excel: the kind sheet's rows carry the same counts, rates, scores and ranks as the API.
    const xlsx = await download(file('xlsx').url);
    expect(xlsx.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(file('xlsx').name)}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '封面',
      '基层党组织',
      '党员',
      '干部',
      '分项评价',
      '满意与不满意事项',
      '意见建议（内部）',
    ]);
    const orgs = workbook.getWorksheet('基层党组织');
    if (!orgs) throw new Error('no 基层党组织 sheet');
    const header = (orgs.getRow(2).values as unknown[]).slice(1);
    const rowOf = (name: string) => {
      const values = (orgs?.getRows(3, 2) ?? []).map((r) => (r.values as unknown[]).slice(1));
      const row = values.find((v) => v[1] === name) ?? [];
      return Object.fromEntries(header.map((h, i) => [String(h), row[i]]));
    };
    const edu = results.subjects.find((s: { id: string }) => s.id === 'org-edu');
    expect(rowOf('县教育和科学技术局党委')).toMatchObject({
      排名: edu.rank,
      满意: edu.overall.counts.S,
      不满意: edu.overall.counts.N,
      不了解: edu.overall.counts.X,
      有效票: edu.overall.valid,
      满意率: edu.overall.positiveRate,
      不满意率: edu.overall.negativeRate,
      加权得分: edu.overall.weightedScore,
      结果运用提示: '不得作为表彰或评先推荐对象，主要负责人诫勉谈话',
    });
    expect(orgs?.getCell(3, header.indexOf('满意率') + 1).numFmt).toBe('0.00%');
    expect(orgs?.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(orgs?.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, printTitlesRow: '1:2' });
    const comments = workbook.getWorksheet('意见建议（内部）');
    expect(comments?.getCell(3, 2).value).toBe('内部意见：食堂需要改进');

    // CSV: a BOM, then one row per subject with the API's figures.
    const csv = await download(file('csv').url);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.toString('utf8').slice(1).trim().split('\r\n');
    const columns = lines[0]?.split(',') ?? [];
    expect(lines).toHaveLength(1 + results.subjects.length);
    for (const subject of results.subjects) {
      const cells = lines.find((l) => l.split(',')[2] === subject.id)?.split(',') ?? [];
      const at = (name: string) => cells[columns.indexOf(name)];
      expect(at('有效票')).toBe(String(subject.overall.valid));
      expect(at('排名')).toBe(subject.rank === null ? '' : String(subject.rank));
      expect(at('满意率')).toBe(
        subject.overall.positiveRate === null ? '—' : `${(subject.overall.positiveRate * 100).toFixed(2)}%`,
      );
      expect(at('加权得分')).toBe(
        subject.overall.weightedScore === null ? '—' : subject.overall.weightedScore.toFixed(2),
      );
    }

    // 公示: no comments, no free texts, no rates for a subject under the minimum; charts inline.
    const html = (await download(file('html').url)).bytes.toString('utf8');
    expect(html).not.toContain('食堂需要改进');
    expect(html).not.toContain('新操场');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http/);
    const schoolRow = html.slice(
      html.indexOf('县中学党支部'),
      html.indexOf('</tr>', html.indexOf('县中学党支部')),
    );
    expect(schoolRow).toContain('不公示');
    expect(schoolRow).not.toContain('%');
    expect(html).toContain(`${(edu.overall.positiveRate * 100).toFixed(2)}%`);

    // Raw ballots: one line per ballot, no code anywhere.
    const raw = (await download(file('raw-csv').url)).bytes.toString('utf8');
    expect(raw.trim().split('\r\n')).toHaveLength(1 + 10);
    // read by parallel scan segments, numbered in file order
    const numbers = raw
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
    for (const token of tokens) expect(raw).not.toContain(token);
    expect(raw).not.toMatch(/t\.party\.\d/);
    // free texts never on a ballot's row: a file of their own
    expect(raw).not.toContain('新操场');
    const texts = (await download(file('texts-csv').url)).bytes.toString('utf8');
    expect(
      texts
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toEqual(['类别,内容', '最满意事项（自填）,新操场']);
  });

  it('skips a scheduled export when nothing changed, and exports once more when the campaign closes', async () => {
    const { id } = await votedCampaign();
    const scheduled = createExportHandler(stack.db, stack.reports, () => new Date());
    const first = await scheduled({ 'detail-type': 'Scheduled Event' });
    expect(first.exported).toContain(id);
    const second = await scheduled({ 'detail-type': 'Scheduled Event' });
    expect(second.unchanged).toContain(id);
    expect(second.exported).not.toContain(id);
    await stack.organizer('POST', `/api/campaigns/${id}/close`);
    await stack.exportsSettled();
    const reports = await listReports(stack.db, id);
    expect(reports.map((r) => r.trigger)).toEqual(['close', 'schedule']);
  });

  it('lists a closing report as superseded when the campaign is reopened while it is made, and keeps no final', async () => {
    const { id } = await votedCampaign();
    await setCampaignStatus(stack.db, id, 'closed', stack.clock.now);
    // the county admin reopens the campaign while the export writes its first file
    const s3 = createS3Client('cn-north-1', stack.s3Endpoint);
    let reopened = false;
    s3.middlewareStack.add(
      (next) => async (args) => {
        if (!reopened) {
          reopened = true;
          await reopenCampaign(
            stack.db,
            id,
            { reason: '补录遗漏的纸质评议表', by: '县级管理员' },
            stack.clock.now,
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'reopenDuringExport' },
    );
    const closedAt = (await requireCampaign(stack.db, id)).closedAt ?? '';
    const outcome = await runExport(
      stack.db,
      { s3, bucket: stack.reports.bucket },
      { campaignId: id, trigger: 'close', now: stack.clock.now, closing: { sleep: async () => {} } },
    );
    expect(reopened).toBe(true);
    expect(outcome.outcome === 'exported' && outcome.report.superseded?.reason).toBe(REOPENED_DURING_EXPORT);
    const [listed] = await listReports(stack.db, id);
    expect(listed?.superseded?.reason).toBe(REOPENED_DURING_EXPORT);
    expect(listed?.files.length).toBeGreaterThan(0);
    expect(await readFinalTally(stack.db, id, closedAt)).toBeUndefined();
    const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(results.json).toMatchObject({ status: 'open', final: false });
  });

  it('lists nothing for an export that failed to store its files, and the handler reports the failure', async () => {
    const { id } = await votedCampaign();
    const broken = { s3: createS3Client('cn-north-1', inject('s3Endpoint')), bucket: 'no-such-bucket' };
    await expect(
      runExport(stack.db, broken, { campaignId: id, trigger: 'manual', now: new Date() }),
    ).rejects.toThrow();
    expect(await listReports(stack.db, id)).toEqual([]);
    const handler = createExportHandler(stack.db, broken);
    await expect(
      handler({ 'detail-type': 'ExportRequested', detail: { campaignId: id, trigger: 'manual' } }),
    ).rejects.toThrow();
    await expect(
      handler({ 'detail-type': 'ExportRequested', detail: { campaignId: '0000ffff', trigger: 'manual' } }),
    ).rejects.toThrow(/not found/);
    expect(await listReports(stack.db, id)).toEqual([]);
  });
});
