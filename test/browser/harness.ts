// Browser harness: the app served on a real port, the pinned Chromium driven by playwright-core, phone contexts.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { chromiumSetup } from './chromium.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WeChat's in-app browser on Android (XWeb), as it announces itself. */
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 ' +
  'MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

/** A 390×844 phone (iPhone 12–15 class), touch, Chinese first. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await chromiumSetup();
  // launch() gives every run a fresh, throw-away user data dir
  return chromium.launch({ executablePath, env, args: CHROMIUM_ARGS, headless: true });
}

export async function serveApp(fetch: (request: Request) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The campaign office's screen: the console at 1366×768, in Chinese. */
export const OFFICE: BrowserContextOptions = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN' };

/**
 * A page in a browser context of its own (closed with the browser) that records in `problems` whatever the browser
 * reports as an error: a CSP violation, a failed script, an uncaught exception. A 4xx answer a test asks for (a
 * wrong password, a hidden campaign, a file with problems) is an answer, not a problem.
 */
export async function watchedPage(
  browser: Browser,
  problems: string[],
  options: BrowserContextOptions = OFFICE,
): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded'))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return page;
}

export const phone = (browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> =>
  browser.newContext({ ...PHONE, ...options });

/** Answers every subject's overall question on the page, skipping some; picks the first option that matches. */
export async function rateAll(page: Page, choices: Record<string, string>, skip: string[] = []) {
  const cards = await page.locator('section.subject').evaluateAll((els) => els.map((el) => el.id.slice(2)));
  for (const subject of cards) {
    if (skip.includes(subject)) continue;
    const value = choices[subject] ?? 'S';
    await page.locator(`#s-${subject} .overall input[value="${value}"]`).check();
  }
  return cards;
}
