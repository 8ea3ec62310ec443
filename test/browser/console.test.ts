// The organizer console in Chromium at 1366×768 on the whole local stack: the first admin signs in with the set-up
// link, creates an organizer and a viewer; the organizer creates a campaign from the shipped example, opens it,
// issues codes, one of them votes on a phone, the campaign page counts it, the organizer closes the campaign,
// downloads the workbook through the console and signs out. With CONSOLE_SCREENSHOTS=<dir> it also writes the
// README's screenshots (sign-in, campaign list, campaign page).
import { readFile } from 'node:fs/promises';
import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR } from '@pingyi/data';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, OFFICE, phone, rateAll, serveApp, watchedPage } from './harness.ts';

const shots = process.env.CONSOLE_SCREENSHOTS;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Anything the browser reports as an error: a CSP violation, a failed script, an uncaught exception. */
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

const office = () => watchedPage(browser, problems, { ...OFFICE, acceptDownloads: true });

// page.evaluate callbacks run in the browser; the project compiles without the DOM library
// biome-ignore lint/suspicious/noExplicitAny: a browser global
declare const document: any;

/** Form controls a screen reader could not name: no <label>, no aria-label (axe walks every page in console-accessibility.test.ts). */
async function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      // biome-ignore lint/suspicious/noExplicitAny: a DOM element
      .filter((el: any) => el.labels.length === 0 && !el.getAttribute('aria-label'))
      // biome-ignore lint/suspicious/noExplicitAny: a DOM element
      .map((el: any) => `${el.tagName} ${el.name}`),
  );
}

/** Links are printed with the stack's public address; in the test the same path is served here. */
const local = (url: string) => `${server.origin}${new URL(url).pathname}`;

async function screenshot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
}

/** Sets a password through a one-time link shown on a page, in a browser context of its own. */
async function setUp(link: string, password: string): Promise<Page> {
  const page = await office();
  await page.goto(local(link));
  await page.getByLabel('新密码', { exact: true }).fill(password);
  await page.getByLabel('再次输入新密码').fill(password);
  await page.getByRole('button', { name: '保存密码并登录', exact: true }).click();
  await page.waitForURL('**/console/campaigns');
  return page;
}

async function createAccount(admin: Page, name: string, displayName: string, role: string): Promise<string> {
  await admin.getByRole('link', { name: '账号管理', exact: true }).click();
  await admin.getByLabel('用户名').fill(name);
  await admin.getByLabel('姓名').fill(displayName);
  await admin.getByLabel('角色', { exact: true }).selectOption(role);
  expect(await unlabelled(admin)).toEqual([]);
  await admin.getByRole('button', { name: '创建并生成设置链接', exact: true }).click();
  return (await admin.locator('#one-time-link').textContent())?.trim() ?? '';
}

/** A ballot for the party group with every overall question answered; one school draws many 不满意 (a rule flag). */
function partyBallot(seed: number) {
  const answers: Record<string, { overall: string }> = {};
  const options: Record<string, string[]> = {
    org: ['S', 'S', 'B', 'N'],
    'org-school': ['S', 'N', 'B', 'N'],
    member: ['S', 'B', 'S', 'X'],
    cadre: ['S', 'A', 'S', 'N'],
  };
  for (const subject of exampleCampaign.subjects as { id: string; kind: string }[]) {
    const list = options[subject.id] ?? options[subject.kind] ?? ['S'];
    answers[subject.id] = { overall: list[(seed + subject.id.length) % list.length] ?? 'S' };
  }
  return {
    answers,
    matters: {
      best: seed % 2 ? ['营养午餐改善'] : ['教师培训', '教师周转房建设'],
      worst: seed % 3 ? ['校车安全管理'] : ['招生入学办理'],
    },
  };
}

describe('the organizer console in Chromium', () => {
  it('runs a campaign from the first admin’s set-up link to the downloaded workbook', async () => {
    // 1. The first admin, as `npm start` makes it, signs in through the set-up link.
    const { url } = await createAccountWithLink(
      stack.db,
      { name: 'admin', displayName: '县级管理员', role: 'admin' },
      stack.clock.now,
      SYSTEM_ACTOR,
      server.origin,
    );
    const admin = await setUp(url, 'county-chief-pass-1');
    expect(await admin.locator('h1').textContent()).toContain('评议活动');

    // 2. It creates an organizer and a viewer; each sets a password through their own link.
    const organizerLink = await createAccount(admin, 'zhangsan', '张三', 'organizer');
    const viewerLink = await createAccount(admin, 'lisi', '李四', 'viewer');
    expect(organizerLink).toMatch(/\/console\/link\//);
    const viewer = await setUp(viewerLink, 'reads-results-only');
    expect(await viewer.getByRole('link', { name: '新建评议活动', exact: true }).count()).toBe(0);

    // The sign-in page, as a person who signed out sees it.
    const signIn = await office();
    await signIn.goto(`${server.origin}/console/login`);
    await screenshot(signIn, 'console-sign-in');
    expect(await unlabelled(signIn)).toEqual([]);
    await signIn.getByLabel('用户名').fill('zhangsan');
    await signIn.getByLabel('密码').fill('wrong-password-1');
    await signIn.getByRole('button', { name: '登录', exact: true }).click();
    expect(await signIn.getByRole('alert').textContent()).toContain('用户名或密码不正确');

    // 3. The organizer creates a campaign from the shipped example.
    const org = await setUp(organizerLink, 'runs-campaigns-2026');
    await org.getByRole('link', { name: '新建评议活动', exact: true }).click();
    expect(await unlabelled(org)).toEqual([]);
    await org.getByLabel('示例方案').selectOption('education-bureau');
    await org.getByLabel('活动名称').fill('2026年县教育局群众评议（控制台演示）');
    await org.getByRole('button', { name: '创建（草稿）', exact: true }).click();
    await org.waitForURL(/\/console\/campaigns\/[0-9a-f]{8}\?done=created/);
    const id = /campaigns\/([0-9a-f]{8})/.exec(org.url())?.[1] ?? '';
    expect(await org.locator('.status').first().textContent()).toBe('草稿');

    // 4. Opens it, and issues three codes for party members.
    await org.getByRole('button', { name: '开始评议', exact: true }).click();
    expect(await org.getByRole('status').textContent()).toContain('评议已开始');
    const party = org.locator('tr', { has: org.locator('td', { hasText: /^党员$/ }) });
    await party.getByLabel('数量').fill('3');
    await party.getByRole('button', { name: '生成评议码', exact: true }).click();
    const codes = (await org.locator('table.codes td:last-child').allTextContents()).map((t) => t.trim());
    expect(codes).toHaveLength(3);
    const download = org.waitForEvent('download');
    await org.getByRole('link', { name: '下载评议码列表（CSV）', exact: true }).click();
    const list = await readFile((await (await download).path()) ?? '', 'utf8');
    expect(list.split('\r\n').filter(Boolean)).toHaveLength(4);
    for (const code of codes) expect(list).toContain(code);

    // 5. One code votes on a phone.
    const voter = await phone(browser);
    contexts.push(voter);
    const ballot = await voter.newPage();
    await ballot.goto(local(codes[0] ?? ''));
    await rateAll(ballot, { 'c-chen': 'A' });
    await ballot.locator('button[type=submit]').click();
    await ballot
      .locator('main .receipt')
      .filter({ hasText: /^[0-9A-Z]+-[0-9A-Z]+$/ })
      .waitFor();

    // 6. The campaign page counts it.
    await stack.poller.idle();
    await org.goto(`${server.origin}/console/campaigns/${id}`);
    expect(await org.locator('#ballots').textContent()).toBe('1');
    expect(await unlabelled(org)).toEqual([]);
    expect(await org.locator('td[data-group="party"]').textContent()).toBe('1');
    expect(await org.locator('h3', { hasText: '基层党组织' }).count()).toBe(1);
    expect(await org.getByText('有效票不足 5 张，不计算比率').count()).toBeGreaterThan(0);

    // More party members vote (through the API, as their phones would), so the tables carry rates and ranks.
    const more = await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 11 });
    for (const [i, code] of (more.json.codes as { token: string }[]).entries()) {
      expect((await stack.call('POST', `/b/${code.token}`, partyBallot(i))).status).toBe(201);
    }
    await stack.poller.idle();
    await org.reload();
    expect(await org.locator('#ballots').textContent()).toBe('12');
    // a second campaign, still a draft, so the list shows more than one state
    await org.getByRole('link', { name: '评议活动', exact: true }).first().click();
    await org.getByRole('link', { name: '新建评议活动', exact: true }).click();
    await org.getByLabel('活动名称').fill('2026年县直学校党员民主评议');
    await org.getByRole('button', { name: '创建（草稿）', exact: true }).click();
    await org.getByRole('link', { name: '评议活动', exact: true }).first().click();
    expect(await org.locator('td', { hasText: '12 / 14' }).count()).toBe(1);
    expect(await org.locator('.status', { hasText: '草稿' }).count()).toBe(1);
    await screenshot(org, 'console-campaigns');
    await org.getByRole('link', { name: '2026年县教育局群众评议（控制台演示）', exact: true }).click();
    if (shots) await org.screenshot({ path: `${shots}/console-campaign.png`, fullPage: true });

    // 7. Closes it, after a confirmation that says what closing does.
    await org.getByRole('link', { name: '结束评议…', exact: true }).click();
    expect(await org.locator('main').textContent()).toContain('尚未使用的评议码不能再投票');
    await org.getByRole('button', { name: '确认结束评议', exact: true }).click();
    expect(await org.getByRole('status').textContent()).toContain('评议已结束');
    expect(await org.locator('.status').first().textContent()).toBe('已结束');

    // 8. Downloads the workbook of the closing report through the console (a link signed when clicked).
    await stack.exportsSettled();
    await org.getByRole('link', { name: '报告', exact: true }).click();
    expect(await unlabelled(org)).toEqual([]);
    const workbook = org.waitForEvent('download');
    await org.locator('a[data-format="xlsx"]').first().click();
    const file = await (await workbook).path();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file ?? '');
    const cover = book.worksheets[0];
    const coverText = JSON.stringify(cover?.getSheetValues());
    expect(coverText).toContain('2026年县教育局群众评议（控制台演示）');

    // 9. Signs out: the console asks for a sign-in again.
    await org.getByRole('button', { name: '退出', exact: true }).click();
    expect(await org.getByRole('status').count()).toBe(0);
    expect(await org.locator('.notice.ok').textContent()).toContain('您已安全退出');
    await org.goto(`${server.origin}/console/campaigns/${id}`);
    expect(new URL(org.url()).pathname).toBe('/console/login');

    // The viewer was never given this campaign: it does not exist for them.
    expect((await viewer.goto(`${server.origin}/console/campaigns/${id}`))?.status()).toBe(404);
    expect(problems).toEqual([]);
  });
});
