// Campaign setup without JSON in Chromium at 1366×768: each plan's template becomes a campaign and opens; 500
// subjects come from an XLSX with one bad row (named, nothing imported), then fixed and imported. With
// CONSOLE_SCREENSHOTS=<dir> it writes the README's screenshots (editor-*.png).
import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR } from '@pingyi/data';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, serveApp } from './harness.ts';

const OFFICE = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN' };
const shots = process.env.CONSOLE_SCREENSHOTS;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let context: BrowserContext;
let org: Page;
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
  const { url } = await createAccountWithLink(
    stack.db,
    { name: 'wangwu', displayName: '王五', role: 'organizer' },
    stack.clock.now,
    SYSTEM_ACTOR,
    server.origin,
  );
  context = await browser.newContext({ ...OFFICE, acceptDownloads: true });
  org = await context.newPage();
  org.on('console', (m) => {
    // a 400 for a file with problems is an answer this test asks for
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded'))
      problems.push(m.text());
  });
  org.on('pageerror', (e) => problems.push(String(e)));
  await org.goto(`${server.origin}${new URL(url).pathname}`);
  await org.getByLabel('新密码', { exact: true }).fill('sets-up-campaigns-1');
  await org.getByLabel('再次输入新密码').fill('sets-up-campaigns-1');
  await org.getByRole('button', { name: '保存密码并登录', exact: true }).click();
  await org.waitForURL('**/console/campaigns');
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function createFrom(template: string, title: string): Promise<string> {
  await org.goto(`${server.origin}/console/campaigns/new`);
  await org.getByLabel('示例方案').selectOption(template);
  await org.getByLabel('活动名称').fill(title);
  await org.getByRole('button', { name: '创建（草稿）', exact: true }).click();
  await org.waitForURL(/\/console\/campaigns\/[0-9a-f]{8}\?done=created/);
  return /campaigns\/([0-9a-f]{8})/.exec(org.url())?.[1] ?? '';
}

/** A subject list as an office fills in the template: 500 party members, one row with a kind nobody defined. */
async function memberList(badRow?: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('评议对象');
  sheet.addRow(['类别', '名称', '职务', '单位', '排序']);
  for (let i = 1; i <= 500; i++) {
    const row = i + 1;
    sheet.addRow([row === badRow ? '党小组' : '党员', `党员${i}`, '教师', `第${(i % 25) + 1}党支部`, i]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('campaign setup in the console', () => {
  it('creates and opens a campaign from each plan’s template', async () => {
    const cases = [
      ['education-bureau', '县教育局', ['基层党组织', '党员', '干部'], ['服务对象及社会各界']],
      ['gold-company', '黄金公司', ['基层党组织', '共产党员'], ['党内评议（党员）', '社会各界评议']],
      ['county-school', '县中学', ['党支部（负责人）', '党员教职工'], ['入党积极分子', '教师代表']],
    ] as const;
    for (const [template, name, kinds, groups] of cases) {
      const id = await createFrom(template, `2026年${name}群众评议（模板）`);
      await org.getByRole('button', { name: '开始评议', exact: true }).click();
      expect(await org.getByRole('status').textContent()).toContain('评议已开始');
      expect(await org.locator('.status').first().textContent()).toBe('进行中');
      const main = (await org.locator('main').textContent()) ?? '';
      for (const label of [...kinds, ...groups]) expect(main).toContain(label);
      await org.goto(`${server.origin}/console/campaigns/${id}/definition`);
      const definition = (await org.locator('main').textContent()) ?? '';
      if (template === 'county-school') expect(definition).toContain('联系和服务师生情况');
      if (template === 'gold-company') expect(definition).toContain('群众反映好');
    }
    expect(problems).toEqual([]);
  });

  it('imports 500 subjects from Excel only once the file is clean, and audits the change', async () => {
    const id = await createFrom('education-bureau', '2026年县直学校党员评议（名单导入）');
    await org.getByRole('link', { name: '评议对象', exact: true }).click();
    expect(await org.locator('#subject-counts').textContent()).toContain('共 6 个');

    // the template workbook downloads with the kinds as a list
    const download = org.waitForEvent('download');
    await org.getByRole('link', { name: '下载模板（Excel）', exact: true }).click();
    const template = new ExcelJS.Workbook();
    await template.xlsx.readFile((await (await download).path()) ?? '');
    expect(template.getWorksheet('评议对象')?.getCell('A2').dataValidation?.type).toBe('list');

    // one bad row: named, and nothing imported
    await org.getByLabel(/评议对象名单/).setInputFiles({
      name: '党员名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await memberList(252),
    });
    await org.getByRole('button', { name: '检查并导入', exact: true }).click();
    const alert = org.locator('#import-problems');
    expect(await alert.textContent()).toContain('有 1 处问题，未导入任何评议对象');
    expect(await alert.locator('tbody tr').count()).toBe(1);
    expect(await alert.locator('tbody td').first().textContent()).toBe('252');
    expect(await alert.locator('tbody td').last().textContent()).toContain('未知的类别“党小组”');
    expect(await org.locator('#subject-counts').textContent()).toContain('共 6 个');
    if (shots) await org.screenshot({ path: `${shots}/editor-import-preview.png`, fullPage: false });

    // fixed: all 500 come in, in the file's order; while the server checks, the page says so (held here until seen)
    await org.getByLabel(/评议对象名单/).setInputFiles({
      name: '党员名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await memberList(),
    });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await org.route(`**/console/campaigns/${id}/subjects`, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await org.getByRole('button', { name: '检查并导入', exact: true }).click();
    const progress = org.locator('#import-progress');
    await progress.waitFor({ state: 'visible' });
    expect(await progress.textContent()).toMatch(/正在上传文件… \d+%|正在逐行检查并导入/);
    expect(await org.getByRole('button', { name: '检查并导入', exact: true }).isDisabled()).toBe(true);
    if (shots) await org.screenshot({ path: `${shots}/editor-import-progress.png`, fullPage: false });
    release();
    await org.locator('#import-done').waitFor();
    await org.unroute(`**/console/campaigns/${id}/subjects`);
    expect(await org.locator('#import-done').textContent()).toContain('导入 500 个评议对象');
    expect(new URL(org.url()).search).toContain('imported=500');
    expect(await org.locator('#subject-counts').textContent()).toContain(
      '共 500 个：基层党组织 0 个，党员 500 个，干部 0 个',
    );
    expect(await org.locator('#subject-table tbody tr').first().textContent()).toContain('党员1');
    const stored = await stack.organizer('GET', `/api/campaigns/${id}`);
    expect(stored.json.definition.subjects).toHaveLength(500);

    await org.getByRole('link', { name: '操作记录', exact: true }).click();
    const audit = (await org.locator('main').textContent()) ?? '';
    expect(audit).toContain('修改方案');
    expect(audit).toContain('修改前：共 6 个（基层党组织 2，党员 2，干部 2）');
    expect(audit).toContain('修改后：共 500 个（基层党组织 0，党员 500，干部 0）');
    expect(problems).toEqual([]);
  });

  it('freezes the subjects once a ballot is cast, and says why', async () => {
    const { id, tokens } = await stack.openExample({ party: 1 });
    await stack.call('POST', `/b/${tokens.party?.[0]}`, {
      answers: Object.fromEntries(
        ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'].map((s) => [s, { overall: 'S' }]),
      ),
    });
    await stack.poller.idle();
    // a campaign made with the service credential: share it so the organizer may run it
    await stack.organizer('GET', `/api/campaigns/${id}`);
    const { shareCampaign, requireCampaign } = await import('@pingyi/data');
    const record = await requireCampaign(stack.db, id);
    await shareCampaign(stack.db, id, ['wangwu'], record.sharedWith, stack.clock.now, SYSTEM_ACTOR);
    await org.goto(`${server.origin}/console/campaigns/${id}/subjects`);
    expect(await org.locator('#frozen-reason').textContent()).toContain('已收到 1 张评议表');
    expect(await org.getByRole('button', { name: '检查并导入', exact: true }).count()).toBe(0);
  });

  it('builds a small campaign in the form editor, with the message next to a bad field, and previews the ballot', async () => {
    await org.goto(`${server.origin}/console/campaigns/new`);
    await org.getByRole('button', { name: '创建空白方案（草稿）', exact: true }).click();
    await org.waitForURL(/\/console\/campaigns\/[0-9a-f]{8}\/edit$/);
    const id = /campaigns\/([0-9a-f]{8})/.exec(org.url())?.[1] ?? '';
    await org.getByLabel('活动名称').fill('2026年县卫健局窗口服务评议');
    await org.getByLabel('组织单位').fill('县卫生健康局');
    await org.getByLabel('类别1 项目 1 id').fill('i1');
    await org.getByLabel('类别1 项目 1', { exact: true }).fill('服务态度');
    await org.getByLabel('类别1 项目 1 评价等级').selectOption('satisfaction');
    await org.getByLabel('评议人类别 2 id').fill('public');
    await org.getByLabel('评议人类别 2 名称').fill('办事群众');
    await org.getByLabel('评议人类别 2 渠道').selectOption('open');
    await org.getByLabel('评议人类别 2 权重').fill('-1');
    await org.getByLabel('规则 1 门槛').fill('1/3');
    await org.getByLabel('规则 1 后果').fill('窗口负责人约谈');
    await org.getByRole('button', { name: '检查并保存', exact: true }).click();

    // the message stands next to the field, in Chinese, and nothing is stored
    expect(await org.locator('#editor-problems').textContent()).toContain('有 1 处需要修改，未保存');
    const weight = org.getByLabel('评议人类别 2 权重');
    expect(await weight.getAttribute('aria-invalid')).toBe('true');
    const message = (await org.locator('#f-groups-1-weight-error').textContent()) ?? '';
    expect(message).toMatch(/[\u4e00-\u9fff]/);
    expect(await org.getByLabel('类别1 项目 1', { exact: true }).inputValue()).toBe('服务态度');
    expect((await stack.organizer('GET', `/api/campaigns/${id}`)).json.definition.title).toBe('新的评议活动');
    await weight.scrollIntoViewIfNeeded();
    if (shots) await org.screenshot({ path: `${shots}/editor-form.png`, fullPage: false });

    await weight.fill('2');
    await org.getByRole('button', { name: '检查并保存', exact: true }).click();
    expect(await org.getByRole('status').textContent()).toContain('评议方案已保存');
    const saved = (await stack.organizer('GET', `/api/campaigns/${id}`)).json.definition;
    expect(saved.title).toBe('2026年县卫健局窗口服务评议');
    expect(saved.subjectKinds[0].items).toEqual([{ id: 'i1', label: '服务态度', scale: 'satisfaction' }]);
    expect(saved.groups[1]).toEqual({ id: 'public', label: '办事群众', channel: 'open', weight: 2 });
    expect(saved.rules).toEqual([
      { kind: 'unit', metric: 'negativeRate', above: '1/3', flag: '窗口负责人约谈' },
    ]);

    // the preview of the open group is the ballot page its evaluators get from the open link: the markup both send
    // (compared as served, before the page's script restores a draft or shows its progress bar)
    await org.getByRole('link', { name: '办事群众', exact: true }).click();
    expect(await org.locator('main').textContent()).toContain('服务态度');
    const preview = await (await org.context().request.get(org.url())).text();
    expect((await stack.organizer('POST', `/api/campaigns/${id}/open`)).status).toBe(200);
    const links = (await stack.organizer('GET', `/api/campaigns/${id}/links`)).json as Record<string, string>;
    const voter = await browser.newContext(OFFICE);
    const real = await (
      await voter.request.get(`${server.origin}${new URL(links.public ?? '').pathname}`)
    ).text();
    await voter.close();
    const comparable = (html: string) =>
      (/<main[^>]*>[\s\S]*<\/main>/.exec(html)?.[0] ?? '')
        .replace(/action="[^"]*"/g, 'action=""')
        .replace(/name="submissionId" value="[^"]*"/g, '');
    expect(comparable(preview)).toContain('服务态度');
    expect(comparable(preview)).toBe(comparable(real));

    // open: the form is frozen and says why
    await org.goto(`${server.origin}/console/campaigns/${id}/edit`);
    expect(await org.locator('#frozen-reason').textContent()).toContain(
      '评议内容、评价等级、评议人类别和规则不能再修改',
    );
    expect(await org.getByRole('button', { name: '检查并保存', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
