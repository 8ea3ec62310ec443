// The paper entry form (书面评议) in Chromium at 1366×768, driven by the keyboard only: the serial, Enter, one key
// per answer with the next field following, a key the scale lacks refused, Backspace clearing and going back, Enter
// saving; a second account's blind pass, the mismatch side by side, its resolution and the commit. axe on every page.
// A rehearsal's ballot page (phone) and campaign page (office) say it is a test, and pass axe.
// With CONSOLE_SCREENSHOTS=<dir> it writes the README's screenshots (paper-entry, paper-mismatch, rehearsal-*).
import { Campaign, paperFields } from '@pingyi/domain';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, PASSWORDS } from '../support/console.ts';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';
import { expectNoAxeViolations } from './axe.ts';
import { launchChromium, PHONE, serveApp, WECHAT_UA, watchedPage } from './harness.ts';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library
// biome-ignore lint/suspicious/noExplicitAny: a browser global
declare const document: any;

const shots = process.env.CONSOLE_SCREENSHOTS;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
  await accountWithPassword(stack, 'admin', 'admin');
  await accountWithPassword(stack, 'other', 'admin');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

/** A signed-in office page: the sign-in form too is filled from the keyboard. */
async function signedInPage(name: string): Promise<Page> {
  const page = await watchedPage(browser, problems);
  await page.goto(`${server.origin}/console/login`);
  await page.getByLabel('用户名').focus();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORDS[name] ?? '');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/console/campaigns');
  return page;
}

const campaign = Campaign.parse(exampleCampaign);
const party = campaign.groups.find((g) => g.id === 'party');
if (!party) throw new Error('the example has a party group');
const fields = paperFields(campaign, party);
const focused = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');
const fieldValue = (page: Page, id: string): Promise<string> =>
  page.evaluate((i: string) => document.getElementById(i)?.value ?? '', id);

/** Types one slip from the keyboard: serial, Enter, then one key per field (overall `overall`, items 0). */
async function typeSlip(page: Page, serial: number, overall: string, first = overall) {
  expect(await focused(page)).toBe('serial');
  await page.keyboard.type(String(serial));
  await page.keyboard.press('Enter');
  for (const [i, f] of fields.entries()) {
    expect(await focused(page)).toBe(`k${i + 1}`);
    await page.keyboard.press(i === 0 ? first : f.required ? overall : '0');
  }
  expect(await focused(page)).toBe('paper-save');
  await page.keyboard.press('Enter');
  await page.getByText(`序号 ${serial} 已保存，请录入下一张。`).waitFor();
}

describe('paper entry form (keyboard only)', () => {
  it('enters two blind passes from the keyboard, shows the mismatch side by side, resolves and commits', async () => {
    const { id } = await stack.openExample({ party: 5 });
    const base = `${server.origin}/console/campaigns/${id}/paper`;
    const clerk = await signedInPage('admin');

    // a batch, from the keyboard
    await clerk.goto(base);
    await expectNoAxeViolations(clerk);
    await clerk.getByLabel('批次名称').focus();
    await clerk.keyboard.type('退休支部 第1袋');
    await clerk.keyboard.press('Enter');
    await clerk.waitForURL(/\/paper\/[0-9a-f]{8}$/);
    const batchUrl = clerk.url();
    await expectNoAxeViolations(clerk);

    await clerk.goto(`${batchUrl}/entry/1`);
    await expectNoAxeViolations(clerk);
    // the serial has the focus; Enter goes to the first answer; a key the scale lacks is refused in place
    expect(await focused(clerk)).toBe('serial');
    await clerk.keyboard.type('1');
    await clerk.keyboard.press('Enter');
    expect(await focused(clerk)).toBe('k1');
    await clerk.keyboard.press('9');
    expect(await fieldValue(clerk, 'k1')).toBe('');
    expect(await clerk.getAttribute('#k1', 'aria-invalid')).toBe('true');
    expect(await focused(clerk)).toBe('k1');
    // 0 is refused on an overall question (it must be answered) but leaves an item blank
    await clerk.keyboard.press('0');
    expect(await fieldValue(clerk, 'k1')).toBe('');
    await clerk.keyboard.press('1');
    expect(await fieldValue(clerk, 'k1')).toBe('1');
    expect(await clerk.locator('#k1-shown').textContent()).toBe(fields[0]?.options[0]?.label);
    expect(await focused(clerk)).toBe('k2');
    await clerk.keyboard.press('0');
    expect(await focused(clerk)).toBe('k3');
    // Backspace on an empty field goes back and clears the one before; on a filled one it clears it
    await clerk.keyboard.press('Backspace');
    expect(await focused(clerk)).toBe('k2');
    expect(await fieldValue(clerk, 'k2')).toBe('');
    await clerk.keyboard.press('2');
    expect(await fieldValue(clerk, 'k2')).toBe('2');
    await clerk.keyboard.press('Backspace');
    expect(await focused(clerk)).toBe('k2');
    expect(await fieldValue(clerk, 'k2')).toBe('');
    // Enter with required answers missing goes to the first missing one instead of saving
    await clerk.keyboard.press('Enter');
    const firstMissing = fields.findIndex((f, i) => i > 0 && f.required) + 1;
    expect(await focused(clerk)).toBe(`k${firstMissing}`);
    if (shots) await clerk.screenshot({ path: `${shots}/paper-entry.png` });

    // start the slip again from the serial and type it whole; then slip 2
    await clerk.goto(`${batchUrl}/entry/1`);
    await typeSlip(clerk, 1, '1');
    await expectNoAxeViolations(clerk);
    await typeSlip(clerk, 2, '1', '3');
    expect(await clerk.getByRole('heading', { name: '本遍已录入 2 张' }).count()).toBe(1);
    await clerk.getByRole('button', { name: '本遍录入完成' }).focus();
    await clerk.keyboard.press('Enter');
    await clerk.waitForURL(/done=pass/);

    // the second clerk, blind: pass 2 starts empty; slip 2's first answer typed differently
    const checker = await signedInPage('other');
    await checker.goto(`${batchUrl}/entry/2`);
    expect(await checker.getByRole('heading', { name: '本遍已录入 0 张' }).count()).toBe(1);
    await typeSlip(checker, 1, '1');
    await typeSlip(checker, 2, '1', '1');
    await checker.getByRole('button', { name: '本遍录入完成' }).focus();
    await checker.keyboard.press('Enter');
    await checker.waitForURL(/done=pass/);

    // side by side; the commit is disabled until it is resolved
    const mismatch = checker.locator('section.mismatch[data-serial="2"]');
    await expect(mismatch.textContent()).resolves.toContain('3 不满意');
    await expect(mismatch.textContent()).resolves.toContain('1 满意');
    expect(await checker.getByRole('button', { name: /计入本批次/ }).isDisabled()).toBe(true);
    await expectNoAxeViolations(checker);
    if (shots) await checker.screenshot({ path: `${shots}/paper-mismatch.png`, fullPage: true });

    await mismatch.getByRole('button', { name: '按纸质表核实：采用第一遍' }).focus();
    await checker.keyboard.press('Enter');
    await checker.waitForURL(/done=resolved/);
    const commit = checker.getByRole('button', { name: '计入本批次 2 张' });
    expect(await commit.isDisabled()).toBe(false);
    await commit.focus();
    await checker.keyboard.press('Enter');
    await checker.waitForURL(/done=committed/);
    await expect(checker.locator('#paper-result').textContent()).resolves.toContain('已计入的序号：1、2');
    await expectNoAxeViolations(checker);
    expect(problems).toEqual([]);
  });

  it("shows a rehearsal as a test on the evaluator's phone and on the campaign page", async () => {
    const created = await stack.organizer('POST', '/api/campaigns', exampleCampaign);
    const id = created.json.id as string;
    expect((await stack.organizer('POST', `/api/campaigns/${id}/open?rehearsal=true`)).status).toBe(200);
    const codes = await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 1 });
    const voter = await watchedPage(browser, problems, { ...PHONE, userAgent: WECHAT_UA });
    await voter.goto(`${server.origin}/b/${codes.json.codes[0].token}`);
    const banner = voter.locator('#rehearsal');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('试运行（测试）');
    await expectNoAxeViolations(voter);
    if (shots) await voter.screenshot({ path: `${shots}/rehearsal-ballot.png` });

    const office = await signedInPage('admin');
    await office.goto(`${server.origin}/console/campaigns/${id}`);
    expect(await office.locator('#rehearsal-notice').isVisible()).toBe(true);
    expect(await office.locator('.status.rehearsal').textContent()).toBe('试运行');
    await expectNoAxeViolations(office);
    if (shots) await office.screenshot({ path: `${shots}/rehearsal-campaign.png` });
    expect(problems).toEqual([]);
  });
});
