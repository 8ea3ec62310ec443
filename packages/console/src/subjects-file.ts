// Subjects from a spreadsheet: the template workbook to fill in (kind, name, title, unit, order, with a list of
// kinds to pick from), and reading an uploaded .xlsx or .csv into subjects with every problem named by its row.
import { Readable } from 'node:stream';
import type { Campaign, Subject } from '@pingyi/domain';
import { Subject as SubjectSchema } from '@pingyi/domain';
import ExcelJS from 'exceljs';

export const HEADERS = ['类别', '名称', '职务', '单位', '排序'] as const;
/** The most rows a campaign holds (the schema's limit). */
export const MAX_ROWS = 2000;

export interface RowProblem {
  /** the row number as the spreadsheet shows it (the header is row 1) */
  row: number;
  message: string;
}

export interface SubjectsFile {
  subjects: Subject[];
  problems: RowProblem[];
  rows: number;
}

/** The template workbook: a header row, the kinds as a drop-down list on the first column, and a sheet of kinds. */
export async function templateWorkbook(campaign: Campaign): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('评议对象');
  sheet.addRow([...HEADERS]);
  sheet.getRow(1).font = { bold: true };
  sheet.columns = [{ width: 16 }, { width: 24 }, { width: 24 }, { width: 24 }, { width: 8 }];
  const kinds = workbook.addWorksheet('类别');
  campaign.subjectKinds.forEach((k, i) => {
    kinds.getCell(i + 1, 1).value = k.label;
  });
  for (let row = 2; row <= MAX_ROWS + 1; row++) {
    sheet.getCell(row, 1).dataValidation = {
      type: 'list',
      allowBlank: false,
      formulae: [`'类别'!$A$1:$A$${campaign.subjectKinds.length}`],
      showErrorMessage: true,
      errorTitle: '类别不正确',
      error: '请从列表中选择评议对象类别',
    };
  }
  campaign.subjects.forEach((s) => {
    sheet.addRow([
      campaign.subjectKinds.find((k) => k.id === s.kind)?.label ?? s.kind,
      s.name,
      s.title ?? '',
      s.unit ?? '',
    ]);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell as the text a person typed: numbers and dates as shown, rich text joined, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value).trim();
}

/** Reads the first worksheet of an uploaded file; a file that is neither is a problem of row 0. */
async function sheetOf(name: string, bytes: Buffer): Promise<ExcelJS.Worksheet | string> {
  const workbook = new ExcelJS.Workbook();
  try {
    if (/\.xlsx$/i.test(name)) await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    else if (/\.csv$/i.test(name)) {
      // Excel saves CSV with a byte order mark; the header would not match with it
      const textual = bytes.toString('utf8').replace(/^\uFEFF/, '');
      await workbook.csv.read(Readable.from([textual]));
    } else return '请上传 .xlsx 或 .csv 文件';
  } catch {
    return '无法读取文件：请用 Excel 另存为 .xlsx（或 UTF-8 编码的 .csv）后重新上传';
  }
  return workbook.worksheets[0] ?? '文件中没有工作表';
}

const fieldNames: Record<string, string> = { name: '名称', title: '职务', unit: '单位' };

/**
 * The subjects a file lists, in its order (the 排序 column, then the row), with ids s0001… assigned in that order;
 * or every problem found, by row. Kinds may be given by label or id.
 */
export async function readSubjectsFile(
  name: string,
  bytes: Buffer,
  campaign: Campaign,
): Promise<SubjectsFile> {
  const sheet = await sheetOf(name, bytes);
  if (typeof sheet === 'string') return { subjects: [], problems: [{ row: 0, message: sheet }], rows: 0 };
  const problems: RowProblem[] = [];
  const header = HEADERS.map((_, i) => cellText(sheet.getRow(1).getCell(i + 1).value));
  if (header[0] !== HEADERS[0] || header[1] !== HEADERS[1]) {
    problems.push({ row: 1, message: `第一行应为表头：${HEADERS.join('、')}（请使用下载的模板）` });
    return { subjects: [], problems, rows: 0 };
  }
  const kindOf = new Map<string, string>();
  for (const k of campaign.subjectKinds) {
    kindOf.set(k.label, k.id);
    kindOf.set(k.id, k.id);
  }
  const seen = new Map<string, number>();
  const rows: { row: number; order: number; subject: Omit<Subject, 'id'> }[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, row) => {
    if (row === 1) return;
    const [kindText, nameText, title, unit, orderText] = HEADERS.map((_, i) =>
      cellText(r.getCell(i + 1).value),
    );
    if (!kindText && !nameText && !title && !unit && !orderText) return;
    const kind = kindOf.get(kindText ?? '');
    if (!kindText) problems.push({ row, message: '类别为空' });
    else if (!kind)
      problems.push({
        row,
        message: `未知的类别“${kindText}”（可选：${campaign.subjectKinds.map((k) => k.label).join('、')}）`,
      });
    if (!nameText) problems.push({ row, message: '名称为空' });
    const order = orderText ? Number(orderText) : Number.POSITIVE_INFINITY;
    if (orderText && !Number.isFinite(order)) problems.push({ row, message: `排序“${orderText}”不是数字` });
    const subject = {
      kind: kind ?? '',
      name: nameText ?? '',
      ...(title ? { title } : {}),
      ...(unit ? { unit } : {}),
    };
    if (nameText) {
      const parsed = SubjectSchema.safeParse({ id: 'row', ...subject, kind: kind ?? 'row' });
      for (const issue of parsed.error?.issues ?? []) {
        const field = fieldNames[String(issue.path[0])] ?? String(issue.path[0]);
        problems.push({
          row,
          message:
            issue.code === 'too_big'
              ? `${field}过长（最多 ${issue.maximum} 个字）`
              : `${field}：${issue.message}`,
        });
      }
      const key = `${kind ?? kindText}\u0000${nameText}\u0000${title ?? ''}\u0000${unit ?? ''}`;
      const first = seen.get(key);
      if (first !== undefined)
        problems.push({ row, message: `与第 ${first} 行重复（类别、名称、职务、单位都相同）` });
      else seen.set(key, row);
    }
    rows.push({ row, order, subject });
  });
  if (rows.length === 0) problems.push({ row: 0, message: '文件中没有评议对象' });
  if (rows.length > MAX_ROWS)
    problems.push({ row: 0, message: `评议对象过多：${rows.length} 行，一个活动最多 ${MAX_ROWS} 个` });
  problems.sort((a, b) => a.row - b.row);
  if (problems.length) return { subjects: [], problems, rows: rows.length };
  const ordered = rows.sort((a, b) => a.order - b.order || a.row - b.row);
  const width = Math.max(4, String(ordered.length).length);
  return {
    subjects: ordered.map((r, i) => ({ id: `s${String(i + 1).padStart(width, '0')}`, ...r.subject })),
    problems,
    rows: rows.length,
  };
}
