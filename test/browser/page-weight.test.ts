// What the ballot page costs and what it may do: bytes on the wire, requests, CSP, referrer, life without script.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, phone, rateAll, serveApp, WECHAT_UA } from './harness.ts';

// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed only where they run
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare function getComputedStyle(element: unknown): any;

const BUDGET = 50 * 1024;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function partyLink(definition = exampleCampaign) {
  const { tokens } = await stack.openExample({ party: 1 }, definition);
  return `${server.origin}/b/${tokens.party?.[0]}`;
}

/** Loads a page on a cold phone and adds up what came over the wire (headers and compressed bodies). */
async function measure(page: Page, url: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  const response = await page.goto(url, { waitUntil: 'networkidle' });
  await cdp.detach();
  const total = [...bytes.values()].reduce((sum, n) => sum + n, 0);
  return { total, urls: [...urls.values()], encoding: await response?.headerValue('content-encoding') };
}

/** A campaign the size of a whole county bureau: 60 subjects, each with its items and comment box. */
function largeCampaign() {
  const kinds = ['org', 'member', 'cadre'];
  const subjects = Array.from({ length: 60 }, (_, i) => ({
    id: `s${i}`,
    kind: kinds[i % 3],
    name: `评议对象${i + 1}号`,
    title: '县直单位',
  }));
  return { ...exampleCampaign, title: `大型评议活动 ${randomUUID().slice(0, 8)}`, subjects };
}

describe('page weight', () => {
  it('transfers the ballot page and everything it loads in at most 50 KB compressed, all from its own origin', async () => {
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    const { total, urls, encoding } = await measure(page, await partyLink());
    console.info(`ballot page, 6 subjects: ${total} bytes transferred in ${urls.length} requests`);
    expect(total).toBeLessThanOrEqual(BUDGET);
    expect(encoding).toBe('gzip');
    expect(urls).toHaveLength(2); // the page and its one script: no fonts, no CSS file, no CDN
    for (const url of urls) expect(new URL(url).origin).toBe(server.origin);
    expect(await page.locator('#progress').isVisible()).toBe(true); // and the script ran
    await context.close();
  });

  it('stays within the budget for a county-sized ballot of 60 subjects', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const { total } = await measure(page, await partyLink(largeCampaign()));
    console.info(`ballot page, 60 subjects: ${total} bytes transferred`);
    expect(total).toBeLessThanOrEqual(BUDGET);
    expect(await page.locator('section.subject').count()).toBe(60);
    await context.close();
  });
});

describe('what the page may do', () => {
  it('runs its script under the CSP without a single violation and sends no referrer anywhere', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string }) =>
        seen.push(e.violatedDirective),
      );
    });
    const referers: (string | undefined)[] = [];
    page.on('request', (r) => referers.push(r.headers().referer));
    const url = await partyLink();
    const response = await page.goto(url);
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    await rateAll(page, {});
    await page.locator('button[type=submit]').click();
    await page.locator('main .receipt').filter({ hasText: /-/ }).waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    expect(referers.length).toBeGreaterThanOrEqual(3); // page, script, submit
    expect(referers.filter(Boolean)).toEqual([]);
    await context.close();
  });

  it('renders and submits as a plain form when its script never arrives', async () => {
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    await page.route('**/assets/**', (route) => route.abort('timedout'));
    await page.goto(await partyLink());
    expect(await page.locator('section.subject').count()).toBe(6);
    expect(await page.locator('button[type=submit]').isVisible()).toBe(true);
    expect(
      await page
        .locator('#s-org-edu .opt')
        .first()
        .evaluate((el) => getComputedStyle(el).minHeight),
    ).toBe(
      '48px', // the inline stylesheet applied: 3rem
    );
    await rateAll(page, {});
    await page.locator('button[type=submit]').click();
    await page.locator('main .receipt').filter({ hasText: /-/ }).waitFor();
    expect(await page.locator('main h1').textContent()).toBe('提交成功');
    await context.close();
  });

  it('refuses a tampered script (subresource integrity) and still works without it', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.route('**/assets/**', async (route) => {
      const original = await route.fetch();
      await route.fulfill({ response: original, body: `${await original.text()};document.title='pwned'` });
    });
    await page.goto(await partyLink());
    await page.waitForLoadState('networkidle');
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('#progress').isVisible()).toBe(false);
    expect(await page.locator('section.subject').count()).toBe(6);
    await context.close();
  });

  it('cannot be framed by another site', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const url = await partyLink();
    // the parent's load event waits for its frame, blocked or not
    await page.setContent(`<iframe src="${url}" width="390" height="400"></iframe>`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    const framed = await frame
      ?.evaluate(() => document.querySelectorAll('section.subject').length)
      .catch(() => 0);
    expect(framed).toBe(0);
    await context.close();
  });
});
