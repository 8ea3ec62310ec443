// The Excel report organizers print for the meeting: cover, one sheet per subject kind, items, matters, comments.
import type { Verification } from '@pingyi/data';
import { type Campaign, neutralizeHidden, type Results } from '@pingyi/domain';
import ExcelJS from 'exceljs';
import {
  CHANNEL_LABELS,
  flagText,
  formatTime,
  minimumNote,
  overallOptions,
  questionRows,
  REHEARSAL_MARK,
  rankedSubjects,
  STATUS_LABELS,
  verificationText,
} from './columns.ts';

export interface WorkbookInput {
  campaign: Campaign;
  results: Results;
  /** subject id → comment texts; organizer-only */
  comments: Record<string, string[]>;
  /** a closing report's count check */
  verification?: Verification;
}

const PERCENT = '0.00%';
const SCORE = '0.00';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** A4 landscape, fit to one page wide, the title and header rows repeated on every printed page. */
function addSheet(workbook: ExcelJS.Workbook, name: string, headerRows = 2): ExcelJS.Worksheet {
  return workbook.addWorksheet(name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      printTitlesRow: `1:${headerRows}`,
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
    views: [{ state: 'frozen', ySplit: headerRows }],
  });
}

/** Row 1: a merged title; row 2: the headers. Widths follow the longest text (CJK counts double). */
function table(
  sheet: ExcelJS.Worksheet,
  title: string,
  headers: string[],
  rows: (string | number | null)[][],
) {
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, headers.length);
  const titleCell = sheet.getCell(1, 1);
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: 'center' };
  sheet.getRow(1).height = 24;
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = THIN;
  });
  for (const values of rows) {
    const row = sheet.addRow(values);
    row.alignment = { vertical: 'middle', wrapText: true };
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.border = THIN;
    });
  }
  // Fractions print formatted (92.31%, 88.13): 8 characters whatever their precision; counts as they are.
  const display = (value: string | number | null | undefined) => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') return Number.isInteger(value) ? String(value) : '00000000';
    return value;
  };
  const textWidth = (text: string) => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const widths = headers.map((h, i) => {
    const width = Math.max(textWidth(h), ...rows.map((r) => textWidth(display(r[i]))));
    return Math.min(Math.max(width + 2, 6), 30);
  });
  widths.forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });
  // Excel does not grow a row for wrapped text when it opens a file: give long rows their height.
  rows.forEach((values, r) => {
    const lines = Math.max(
      1,
      ...values.map((v, i) => Math.ceil(textWidth(display(v)) / Math.max((widths[i] ?? 10) - 1, 1))),
    );
    if (lines > 1) sheet.getRow(r + 3).height = 15 * lines;
  });
}

function formatColumns(sheet: ExcelJS.Worksheet, from: number, columns: Record<number, string>) {
  for (const [column, format] of Object.entries(columns)) {
    sheet.getColumn(Number(column)).eachCell((cell, rowNumber) => {
      if (rowNumber >= from) cell.numFmt = format;
    });
  }
}

export async function renderWorkbook({
  campaign,
  results,
  comments,
  verification,
}: WorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pingyi 评议';
  workbook.created = new Date(results.asOf);
  const asOf = formatTime(results.asOf, campaign.timezone);

  // 封面: what this is, for whom, as of when, and who took part.
  const cover = addSheet(workbook, '封面', 1);
  cover.views = [];
  const coverRows: [string, string | number][] = [
    ...(results.rehearsal ? [['数据性质', REHEARSAL_MARK] as [string, string]] : []),
    ['评议活动', campaign.title],
    ['组织单位', campaign.organizer],
    [
      '评议时间',
      `${formatTime(campaign.window.opensAt, campaign.timezone)} 至 ${formatTime(campaign.window.closesAt, campaign.timezone)}`,
    ],
    ['活动状态', STATUS_LABELS[results.status]],
    ['统计截至', asOf],
    ['收回评议表', results.ballots],
    ...(verification ? [['计票核对', verificationText(verification)] as [string, string]] : []),
  ];
  cover.addRow([results.rehearsal ? '评议结果报告（试运行）' : '评议结果报告']).font = {
    bold: true,
    size: 18,
  };
  cover.addRow([]);
  for (const values of coverRows) {
    const row = cover.addRow(values);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { horizontal: 'left' };
  }
  cover.addRow([]);
  const turnoutHeader = cover.addRow(['评议人类别', '渠道', '权重', '发放', '收回', '参评率']);
  turnoutHeader.font = { bold: true };
  turnoutHeader.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = THIN;
  });
  for (const group of campaign.groups) {
    const t = results.turnout[group.id] ?? { ballots: 0, issued: null };
    const row = cover.addRow([
      group.label,
      CHANNEL_LABELS[group.channel] ?? group.channel,
      group.weight ?? 1,
      t.issued ?? '不限',
      t.ballots,
      t.issued ? t.ballots / t.issued : '—',
    ]);
    row.getCell(6).numFmt = PERCENT;
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.border = THIN;
    });
  }
  cover.getColumn(1).width = 16;
  cover.getColumn(2).width = 44;
  for (const c of [3, 4, 5, 6]) cover.getColumn(c).width = 10;

  // One sheet per subject kind: a row per subject, in rank order.
  for (const kind of campaign.subjectKinds) {
    const options = overallOptions(campaign, kind.id);
    const headers = [
      '排名',
      '评议对象',
      '职务',
      '单位',
      ...options.map((o) => o.label),
      '有效票',
      '满意率',
      '不满意率',
      '一般及不满意率',
      '加权得分',
      '结果运用提示',
      '备注',
    ];
    const rows = rankedSubjects(results, kind.id).map((s) => [
      s.rank ?? '—',
      s.name,
      s.title ?? '',
      s.unit ?? '',
      ...options.map((o) => s.overall.counts[o.id] ?? 0),
      s.overall.valid,
      s.overall.positiveRate,
      s.overall.negativeRate,
      s.overall.neutralOrNegativeRate,
      s.overall.weightedScore,
      flagText(s),
      minimumNote(campaign, s),
    ]);
    const sheet = addSheet(workbook, kind.label);
    table(sheet, `${kind.label}评议结果（${kind.overall.label}，截至 ${asOf}）`, headers, rows);
    const first = 5 + options.length;
    formatColumns(sheet, 3, {
      [first + 1]: PERCENT,
      [first + 2]: PERCENT,
      [first + 3]: PERCENT,
      [first + 4]: SCORE,
    });
  }

  // 分项评价: every question of every subject.
  const maxOptions = Math.max(...Object.values(campaign.scales).map((s) => s.options.length));
  const itemHeaders = [
    '类别',
    '评议对象',
    '评议项目',
    ...Array.from({ length: maxOptions }, (_, i) => `选项${i + 1}`),
    '有效票',
    '满意率',
    '不满意率',
    '一般及不满意率',
    '加权得分',
  ];
  const itemRows = questionRows(campaign, results).map(({ subject, kind, question, result }) => [
    kind.label,
    subject.name,
    question.label,
    ...Array.from({ length: maxOptions }, (_, i) => {
      const option = question.scale.options[i];
      return option ? `${option.label} ${result?.counts[option.id] ?? 0}` : '';
    }),
    result?.valid ?? 0,
    result?.positiveRate ?? null,
    result?.negativeRate ?? null,
    result?.neutralOrNegativeRate ?? null,
    result?.weightedScore ?? null,
  ]);
  const items = addSheet(workbook, '分项评价');
  table(items, `分项评价结果（截至 ${asOf}）`, itemHeaders, itemRows);
  const firstRate = 3 + maxOptions + 2;
  formatColumns(items, 3, {
    [firstRate]: PERCENT,
    [firstRate + 1]: PERCENT,
    [firstRate + 2]: PERCENT,
    [firstRate + 3]: SCORE,
  });

  // 满意与不满意事项, ranked.
  const matters = addSheet(workbook, '满意与不满意事项');
  const best = campaign.matters?.bestPrompt ?? '最满意的事项';
  const worst = campaign.matters?.worstPrompt ?? '最不满意的事项';
  const matterRows = [
    ...results.matters.best.map((m, i) => [best, i + 1, m.option, m.count]),
    ...results.matters.otherBest.map((m, i) => [`${best}（自填）`, i + 1, neutralizeHidden(m.text), m.count]),
    ...results.matters.worst.map((m, i) => [worst, i + 1, m.option, m.count]),
    ...results.matters.otherWorst.map((m, i) => [
      `${worst}（自填）`,
      i + 1,
      neutralizeHidden(m.text),
      m.count,
    ]),
  ];
  table(matters, `满意与不满意事项排名（截至 ${asOf}）`, ['类别', '名次', '事项', '票数'], matterRows);

  // 意见建议: organizer only, never published raw. Voters' texts keep hidden characters as visible marks.
  const commentSheet = addSheet(workbook, '意见建议（内部）');
  const commentRows = results.subjects.flatMap((s) =>
    (comments[s.id] ?? []).map((text) => [s.name, neutralizeHidden(text)]),
  );
  table(commentSheet, '意见建议（仅供组织者内部使用，不得公开）', ['评议对象', '意见建议'], commentRows);
  commentSheet.getColumn(2).width = 80;

  if (results.rehearsal) {
    // every sheet, on screen (its title row) and on every printed page (the header)
    workbook.eachSheet((sheet) => {
      sheet.headerFooter.oddHeader = `&C${REHEARSAL_MARK}`;
      const title = sheet.getCell(1, 1);
      if (sheet.name !== '封面') title.value = `【试运行】${String(title.value ?? '')}`;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
