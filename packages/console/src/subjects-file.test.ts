// Reading subject lists from spreadsheets: the template round trip, every problem by row, CSV from Excel.
import { Campaign } from '@pingyi/domain';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { templates } from './examples.ts';
import { HEADERS, readSubjectsFile, templateWorkbook } from './subjects-file.ts';

const campaign = Campaign.parse(templates.find((t) => t.id === 'education-bureau')?.definition);

async function workbookOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('评议对象');
  sheet.addRow([...HEADERS]);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('subjects from a spreadsheet', () => {
  it('reads back the template workbook with the campaign’s own subjects, and offers the kinds as a list', async () => {
    const bytes = await templateWorkbook(campaign);
    const read = await readSubjectsFile('名单.xlsx', bytes, campaign);
    expect(read.problems).toEqual([]);
    expect(read.subjects.map(({ id: _, ...s }) => s)).toEqual(campaign.subjects.map(({ id: _, ...s }) => s));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const validation = workbook.getWorksheet('评议对象')?.getCell('A2').dataValidation;
    expect(validation?.type).toBe('list');
    expect(workbook.getWorksheet('类别')?.getColumn(1).values.filter(Boolean)).toEqual([
      '基层党组织',
      '党员',
      '干部',
    ]);
  });

  it('names every problem by its row and imports nothing', async () => {
    const bytes = await workbookOf([
      ['党员', '李一', '教师', '一中', 2],
      ['校长', '王二'],
      ['党员', ''],
      ['党员', '李一', '教师', '一中'],
      ['干部', '赵'.repeat(61)],
      ['党员', '钱三', '', '', '第一'],
    ]);
    const read = await readSubjectsFile('名单.xlsx', bytes, campaign);
    expect(read.subjects).toEqual([]);
    expect(read.problems.map((p) => [p.row, p.message])).toEqual([
      [3, '未知的类别“校长”（可选：基层党组织、党员、干部）'],
      [4, '名称为空'],
      [5, '与第 2 行重复（类别、名称、职务、单位都相同）'],
      [6, '名称过长（最多 60 个字）'],
      [7, '排序“第一”不是数字'],
    ]);
  });

  it('orders by the 排序 column, then by row, and takes kinds by label or id', async () => {
    const bytes = await workbookOf([
      ['党员', '乙', '', '', 2],
      ['cadre', '甲', '局长', '', 1],
      ['基层党组织', '丙'],
    ]);
    const read = await readSubjectsFile('名单.xlsx', bytes, campaign);
    expect(read.subjects).toEqual([
      { id: 's0001', kind: 'cadre', name: '甲', title: '局长' },
      { id: 's0002', kind: 'member', name: '乙' },
      { id: 's0003', kind: 'org', name: '丙' },
    ]);
  });

  it('reads a CSV saved by Excel (UTF-8 with a byte order mark)', async () => {
    const csv = `\uFEFF${HEADERS.join(',')}\r\n党员,李一,教师,一中,\r\n干部,陈二,督学,,\r\n`;
    const read = await readSubjectsFile('名单.csv', Buffer.from(csv, 'utf8'), campaign);
    expect(read.problems).toEqual([]);
    expect(read.subjects.map((s) => s.name)).toEqual(['李一', '陈二']);
  });

  it('refuses other files and a sheet without the header', async () => {
    expect((await readSubjectsFile('名单.doc', Buffer.from('x'), campaign)).problems[0]?.message).toMatch(
      '.xlsx',
    );
    const noHeader = await readSubjectsFile('名单.csv', Buffer.from('党员,李一\r\n', 'utf8'), campaign);
    expect(noHeader.problems[0]?.row).toBe(1);
  });

  it('reads 2,000 rows into a campaign the schema accepts', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [
      '党员',
      `党员${i + 1}`,
      '教师',
      `第${(i % 40) + 1}党支部`,
    ]);
    const read = await readSubjectsFile('名单.xlsx', await workbookOf(rows), campaign);
    expect(read.problems).toEqual([]);
    expect(Campaign.safeParse({ ...campaign, subjects: read.subjects }).success).toBe(true);
    expect(read.subjects.at(-1)?.id).toBe('s2000');
  });
});
