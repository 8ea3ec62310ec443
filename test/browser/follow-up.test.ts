// After the vote in Chromium on the whole local stack: the organizer publishes a closed campaign's results and
// issues a feedback link in the console (1366×768); the 公示 page on a 390×844 phone and printed on A4; the receipts
// search; the feedback page adding a measure. axe on every page. With CONSOLE_SCREENSHOTS=<dir> it writes the
// README's screenshots (publication-phone, publication-print, receipts-phone, feedback-phone, console-publication,
// console-measures).
import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR } from '@pingyi/data';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { expectNoAxeViolations } from './axe.ts';
import { launchChromium, OFFICE, PHONE, serveApp, watchedPage } from './harness.ts';

// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed only where they run
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare function getComputedStyle(element: unknown, pseudo?: string): any;

const shots = process.env.CONSOLE_SCREENSHOTS;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const problems: string[] = [];
const receipts: string[] = [];
let id = '';

const COMMENT = '食堂饭菜需要改进，希望多听取学生意见';

beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
  const opened = await stack.openExample({ party: 9 });
  id = opened.id;
  for (const [i, token] of (opened.tokens.party ?? []).entries()) {
    const cast = await stack.call('POST', `/b/${token}`, {
      answers: {
        'org-edu': {
          overall: i < 7 ? 'S' : 'N',
          items: { p1: 'S', p2: i < 5 ? 'B' : 'N' },
          ...(i === 0 ? { comment: COMMENT } : {}),
        },
        'org-school': { overall: i < 3 ? 'S' : 'X' },
        'm-li': { overall: 'S' },
        'm-wang': { overall: i < 6 ? 'B' : 'S' },
        'c-chen': { overall: 'S' },
        'c-zhao': { overall: i < 5 ? 'A' : 'S' },
      },
      matters: { best: ['营养午餐改善'], worst: ['校车安全管理'] },
      submissionId: `browser-follow-up-${String(i).padStart(4, '0')}`,
    });
    expect(cast.status, cast.text).toBe(201);
    receipts.push(cast.json.receipt);
  }
  await stack.organizer('POST', `/api/campaigns/${id}/close`);
  await stack.exportsSettled();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

/** Pages that record every error the browser reports (a CSP violation, a failed script) in `problems`. */
const newPage = (options: BrowserContextOptions = OFFICE) => watchedPage(browser, problems, options);
const onPhone = () => newPage(PHONE);
const local = (url: string) => `${server.origin}${new URL(url).pathname}${new URL(url).search}`;
/** Nothing wider than the screen: no sideways scrolling on a phone. */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe('publication, receipts and feedback in the browser', () => {
  let office: Page;
  let publicUrl = '';
  let feedbackUrl = '';

  it('the organizer publishes with a scope and a window, and issues a feedback link', async () => {
    const { url } = await createAccountWithLink(
      stack.db,
      { name: 'admin', displayName: '县级管理员', role: 'admin' },
      stack.clock.now,
      SYSTEM_ACTOR,
      server.origin,
    );
    office = await newPage();
    await office.goto(local(url));
    await office.getByLabel('新密码', { exact: true }).fill('county-chief-pass-1');
    await office.getByLabel('再次输入新密码').fill('county-chief-pass-1');
    await office.getByRole('button', { name: '保存密码并登录', exact: true }).click();
    await office.waitForURL('**/console/campaigns');
    await office.goto(`${server.origin}/console/campaigns/${id}/publication`);
    await expectNoAxeViolations(office);
    await office.getByLabel('党员').uncheck();
    await office.getByLabel('同时公示整改落实进展').check();
    await office.getByLabel(/同时公布计入统计的评议回执清单/).check();
    await office.getByRole('button', { name: '发布公示', exact: true }).click();
    await office.getByRole('status').filter({ hasText: '公示已发布' }).waitFor();
    publicUrl = (await office.locator('a.url').first().textContent()) ?? '';
    expect(publicUrl).toMatch(/\/g\/[0-9a-f]{8}-/);

    await office
      .locator('tr', { hasText: '县教育和科学技术局党委' })
      .getByRole('button', { name: '签发' })
      .click();
    feedbackUrl = (await office.locator('section.notice .link-box').textContent()) ?? '';
    expect(feedbackUrl).toMatch(/\/f\/[0-9a-f]{8}\./);
    await expectNoAxeViolations(office);
    if (shots) await office.screenshot({ path: `${shots}/console-publication.png`, fullPage: true });
  });

  it('the 公示 page reads on a 390×844 phone: cards, no sideways scrolling, suppression, no comments', async () => {
    const page = await onPhone();
    const response = await page.goto(local(publicUrl));
    // one request, compressed, no script, font or image: small on a weak signal
    expect(response?.headers()['content-encoding']).toBe('gzip');
    const { responseBodySize } = (await response?.request().sizes()) ?? { responseBodySize: Infinity };
    expect(responseBodySize).toBeLessThan(12 * 1024);
    expect(await page.locator('script, link[rel=stylesheet], img').count()).toBe(0);
    expect(await page.locator('h1').first().textContent()).toBe('评议结果公示');
    expect(await scrollsSideways(page)).toBe(false);
    // each subject is a card on the phone, its figures labelled
    const row = page.locator('tr', { hasText: '县教育和科学技术局党委' }).first();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('block');
    const rate = row.locator('td[data-label="满意率"]');
    expect(await rate.textContent()).toBe('77.78%');
    expect(await rate.evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"满意率："');
    expect(await page.locator('tr', { hasText: '县中学党支部' }).first().textContent()).toContain(
      '有效票不足 5 张，不公示比率',
    );
    expect(await page.content()).not.toContain(COMMENT);
    expect(await page.getByText('李xx').count()).toBe(0); // 党员 left out of the scope
    expect(await page.getByText('公示期：').textContent()).toContain('至');
    await expectNoAxeViolations(page, {
      tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    if (shots) await page.screenshot({ path: `${shots}/publication-phone.png`, fullPage: true });
  });

  it('prints on A4: tables again, the links and the search left out, whole pages', async () => {
    const page = await newPage({
      viewport: { width: 794, height: 1123 },
      locale: 'zh-CN',
      deviceScaleFactor: 1,
    });
    await page.goto(local(publicUrl));
    await page.emulateMedia({ media: 'print' });
    const row = page.locator('tr', { hasText: '县教育和科学技术局党委' }).first();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('table-row');
    expect(await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgba(0, 0, 0, 0)',
    );
    const pdf = await PDFDocument.load(await page.pdf({ preferCSSPageSize: true }));
    const [first] = pdf.getPages();
    // A4 in PDF points (595 × 842), from the page's own @page rule
    expect(Math.round(first?.getWidth() ?? 0)).toBe(595);
    expect(Math.round(first?.getHeight() ?? 0)).toBe(842);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getPageCount()).toBeLessThanOrEqual(2);
    if (shots) await page.screenshot({ path: `${shots}/publication-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('an evaluator finds their own receipt in the list', async () => {
    const page = await onPhone();
    await page.goto(local(publicUrl));
    await page.getByRole('link', { name: '查询评议回执' }).click();
    expect(await page.locator('.receipts li').allTextContents()).toEqual([...receipts].sort());
    await page.getByLabel(/输入提交成功时显示的回执码/).fill((receipts[4] ?? '').toLowerCase());
    await page.getByRole('button', { name: '查询' }).click();
    expect(await page.getByRole('status').textContent()).toContain('您的评议表已计入统计');
    expect(await page.locator('.receipts mark').textContent()).toBe(receipts[4]);
    expect(await scrollsSideways(page)).toBe(false);
    await expectNoAxeViolations(page);
    if (shots) await page.screenshot({ path: `${shots}/receipts-phone.png` });
  });

  it('the feedback page shows its subject its own results and comments, and adds a measure', async () => {
    const page = await onPhone();
    await page.goto(local(feedbackUrl));
    expect(await page.locator('h1').first().textContent()).toContain('县教育和科学技术局党委 评议结果反馈');
    expect(await page.locator('.comments li').allTextContents()).toEqual([COMMENT]);
    expect(await page.content()).not.toContain('县中学党支部');
    expect(await scrollsSideways(page)).toBe(false);
    await expectNoAxeViolations(page);
    const add = page.locator('section', { has: page.locator('#add-measure') });
    await add.getByLabel('整改措施').fill('调整食堂采购与菜谱，每月召开伙食委员会');
    await add.getByLabel('针对的问题').selectOption({ label: `意见建议：${COMMENT}` });
    await add.getByLabel('责任人').fill('张主任');
    await add.getByLabel('完成时限').fill('2026-12-31');
    await add.getByLabel('进展').selectOption('in_progress');
    await add.getByRole('button', { name: '新增' }).click();
    await page.getByRole('status').filter({ hasText: '整改措施已保存' }).waitFor();
    expect(await page.getByText('进展：整改中').count()).toBe(1);
    await expectNoAxeViolations(page);
    if (shots) await page.screenshot({ path: `${shots}/feedback-phone.png`, fullPage: true });

    // the organizer sees it on the campaign's 整改落实 page, and the public page shows the progress
    await office.goto(`${server.origin}/console/campaigns/${id}/measures`);
    expect(await office.locator('[data-subject="org-edu"] td').first().textContent()).toContain(
      '调整食堂采购',
    );
    await expectNoAxeViolations(office);
    if (shots) await office.screenshot({ path: `${shots}/console-measures.png` });
    await office.goto(`${server.origin}/console/measures/overdue`);
    await expectNoAxeViolations(office);
    const again = await onPhone();
    await again.goto(local(publicUrl));
    expect(await again.locator('tr', { hasText: '调整食堂采购' }).textContent()).toContain('整改中');
    expect(problems).toEqual([]);
  });
});
