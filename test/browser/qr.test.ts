// QR codes on paper and the live dashboard in Chromium at 1366×768 on the whole local stack: 24 codes are printed,
// the print output is rasterized (element screenshots under print media) and every QR code is decoded with jsqr;
// one decoded link votes on a phone and the projector shows that ballot (and its minute) without a reload; a voided code's link is
// refused and the ledger adds up; a torn slip is voided and reissued in one step; 1,000 slips print as one PDF of 84 pages; the poster decodes to the open link.
// With CONSOLE_SCREENSHOTS=<dir> it writes the README's screenshots (qr-slips, qr-poster, qr-dashboard).
import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR } from '@pingyi/data';
import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, OFFICE, phone, rateAll, serveApp, watchedPage } from './harness.ts';

/** Sharper pixels for decoding the printed QR codes. */
const SHARP = { ...OFFICE, deviceScaleFactor: 2 };
const shots = process.env.CONSOLE_SCREENSHOTS;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
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

const newPage = (options: BrowserContextOptions = SHARP) => watchedPage(browser, problems, options);

// page.waitForFunction callbacks run in the browser; the project compiles without the DOM library
// biome-ignore lint/suspicious/noExplicitAny: a browser global
declare const document: any;

const local = (url: string) => `${server.origin}${new URL(url).pathname}`;

/** The text of the QR code an element shows, decoded from its rendered pixels. */
async function decode(element: Locator): Promise<string | undefined> {
  const png = PNG.sync.read(await element.screenshot());
  return jsQR.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

const pdfPages = async (page: Page) =>
  (await PDFDocument.load(await page.pdf({ format: 'A4', preferCSSPageSize: true }))).getPageCount();

describe('QR codes on paper and the live dashboard', () => {
  it('prints, decodes, votes, shows it live, voids, and prints a thousand', async () => {
    const { url } = await createAccountWithLink(
      stack.db,
      { name: 'admin', displayName: '县级管理员', role: 'admin' },
      stack.clock.now,
      SYSTEM_ACTOR,
      server.origin,
    );
    const office = await newPage();
    await office.goto(local(url));
    await office.getByLabel('新密码', { exact: true }).fill('county-chief-pass-1');
    await office.getByLabel('再次输入新密码').fill('county-chief-pass-1');
    await office.getByRole('button', { name: '保存密码并登录', exact: true }).click();
    await office.waitForURL('**/console/campaigns');
    const { id } = await stack.openExample({});
    const base = `${server.origin}/console/campaigns/${id}`;

    // 1. 24 codes for party members, printed: two A4 pages, every QR code decodes to the link printed under it.
    await office.goto(`${base}/slips?group=party`);
    await office.getByLabel('数量').fill('24');
    await office.getByRole('button', { name: '生成并打印', exact: true }).click();
    await office.locator('.slip').first().waitFor();
    await office.waitForLoadState('load'); // a thousand slips arrive after the first one shows
    await office.emulateMedia({ media: 'print' });
    expect(await pdfPages(office)).toBe(2);
    const slips = office.locator('.slip');
    expect(await slips.count()).toBe(24);
    const printed = (await office.locator('.slip .link').allTextContents()).map((t) => t.trim());
    const decoded: string[] = [];
    for (let i = 0; i < 24; i++) decoded.push((await decode(slips.nth(i).locator('svg'))) ?? '');
    expect(decoded).toEqual(printed);
    expect(new Set(decoded).size).toBe(24);
    if (shots)
      await office
        .locator('.sheet')
        .first()
        .screenshot({ path: `${shots}/qr-slips.png` });
    await office.emulateMedia({ media: 'screen' });

    // 2. The projector view is up; one decoded link votes on a phone; the wall shows it without a reload.
    const wall = await newPage(OFFICE);
    await wall.context().addCookies(await office.context().cookies());
    await wall.goto(`${base}/dashboard/projector`);
    expect(await wall.locator('#ballots').textContent()).toBe('0');
    const voter = await phone(browser);
    contexts.push(voter);
    const ballot = await voter.newPage();
    await ballot.goto(local(decoded[0] ?? ''));
    await rateAll(ballot, {});
    await ballot.locator('button[type=submit]').click();
    await ballot
      .locator('main .receipt')
      .filter({ hasText: /^[0-9A-Z]{5}-[0-9A-Z]{5}$/ })
      .waitFor();
    await wall.locator('#ballots', { hasText: /^1$/ }).waitFor({ timeout: 30_000 });
    expect(await wall.locator('td[data-turnout="party"]').textContent()).toBe('1');
    // ballots per minute: the one ballot, in the minute the table recorded it
    expect(await wall.locator('#pace strong').textContent()).toBe('1');
    expect(await wall.locator('#pace').textContent()).toContain('共 1 张');
    expect(await wall.locator('#board-state').textContent()).toContain('实时统计');
    expect(await wall.getByText('有效票不足').count()).toBeGreaterThan(0);
    // every chart (data-URI SVG images, decoded after the board is swapped in) draws
    await wall.waitForFunction(() =>
      // biome-ignore lint/suspicious/noExplicitAny: a DOM image
      [...document.images].every((i: any) => i.complete && i.naturalWidth > 0),
    );
    if (shots) await wall.screenshot({ path: `${shots}/qr-dashboard.png` });

    // 3. Slip 2 is lost: voided in the ledger, its link says so, and the ledger still adds up.
    await office.goto(`${base}/ledger`);
    await office.getByLabel('评议人类别').selectOption('party');
    await office.getByLabel('序号').fill('2');
    await office.getByRole('button', { name: '作废', exact: true }).click();
    expect(await office.getByRole('status').textContent()).toContain('序号 2 的评议码已作废');
    const lost = await voter.newPage();
    await lost.goto(local(decoded[1] ?? ''));
    expect(await lost.locator('h1').textContent()).toContain('评议码已作废');
    const row = office.locator('tr[data-group="party"]');
    const cell = async (name: string) => Number(await row.locator(`[data-cell="${name}"]`).textContent());
    expect([await cell('issued'), await cell('used'), await cell('void'), await cell('unused')]).toEqual([
      24, 1, 1, 22,
    ]);

    // Slip 3 is torn: voided and reissued in one step; the new slip decodes to a new link that votes, the old
    // link is refused, and the ledger counts one more issued code.
    await office.getByLabel('评议人类别').selectOption('party');
    await office.getByLabel('序号').fill('3');
    await office.getByRole('button', { name: '作废并补发', exact: true }).click();
    expect(await office.locator('h1').textContent()).toBe('“党员”序号 3 已作废，补发序号 25');
    await office.emulateMedia({ media: 'print' });
    const replacement = office.locator('.slip');
    expect(await replacement.count()).toBe(1);
    const reissued = (await decode(replacement.locator('svg'))) ?? '';
    expect(reissued).toBe((await replacement.locator('.link').textContent())?.trim());
    expect(decoded).not.toContain(reissued);
    await office.emulateMedia({ media: 'screen' });
    await lost.goto(local(decoded[2] ?? ''));
    expect(await lost.locator('h1').textContent()).toContain('评议码已作废');
    await lost.goto(local(reissued));
    expect(await lost.locator('form').count()).toBe(1);
    await office.goto(`${base}/ledger`);
    expect([await cell('issued'), await cell('used'), await cell('void'), await cell('unused')]).toEqual([
      25, 1, 2, 22,
    ]);

    // 4. A thousand slips for the staff print in one go: 84 A4 pages, 1,000 QR codes.
    await office.goto(`${base}/slips?group=staff`);
    await office.getByLabel('数量').fill('1000');
    await office.getByRole('button', { name: '生成并打印', exact: true }).click();
    await office.locator('.slip').first().waitFor();
    await office.waitForLoadState('load'); // a thousand slips arrive after the first one shows
    await office.emulateMedia({ media: 'print' });
    expect(await office.locator('.slip svg').count()).toBe(1000);
    expect(await pdfPages(office)).toBe(Math.ceil(1000 / 12));
    const last = office.locator('.slip').last();
    expect(await decode(last.locator('svg'))).toBe((await last.locator('.link').textContent())?.trim());
    await office.emulateMedia({ media: 'screen' });

    // 5. The open link's poster decodes to the open link.
    const links = (await stack.organizer('GET', `/api/campaigns/${id}/links`)).json as Record<string, string>;
    await office.goto(`${base}/poster?group=public`);
    await office.emulateMedia({ media: 'print' });
    expect(await decode(office.locator('.poster svg'))).toBe(links.public);
    if (shots) await office.locator('.poster').screenshot({ path: `${shots}/qr-poster.png` });

    expect(problems).toEqual([]);
  });
});
