// The README's screenshots of the evaluator pages, on the whole local stack in a WeChat-like phone browser.
//   npx tsx test/browser/screenshots.ts     starts its own DynamoDB Local, writes docs/images/*.png
//   (SCREENSHOTS_DIR=/tmp/shots to look before replacing them)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../packages/local/src/stack.ts';
import { launchChromium, phone, rateAll, serveApp, WECHAT_UA } from './harness.ts';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library
// biome-ignore lint/suspicious/noExplicitAny: a browser global
declare const window: any;

const root = new URL('../../', import.meta.url);
const example = JSON.parse(readFileSync(new URL('examples/education-bureau.campaign.json', root), 'utf8'));
const adminToken = randomBytes(16).toString('hex');
const stack = await startLocalStack({
  tableName: 'pingyi-screenshots',
  s3Dir: mkdtempSync(join(tmpdir(), 'pingyi-shots-s3-')),
  codeSecret: randomBytes(32),
  adminToken,
  publicUrl: 'https://py.example.gov.cn',
  now: () => new Date('2026-12-02T10:00:00+08:00'),
});
const server = await serveApp(stack.app.fetch);
const browser = await launchChromium();

async function organizer<T>(path: string, body?: unknown): Promise<T> {
  const response = await stack.app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

try {
  const { id } = await organizer<{ id: string }>('/api/campaigns', example);
  await organizer(`/api/campaigns/${id}/open`);
  const { codes } = await organizer<{ codes: { token: string }[] }>(`/api/campaigns/${id}/codes`, {
    group: 'party',
    count: 2,
  });
  const [first, second] = codes.map((c) => `${server.origin}/b/${c.token}`);
  const dir = process.env.SCREENSHOTS_DIR ?? new URL('docs/images', root).pathname;
  const shot = (name: string) => `${dir}/${name}`;

  const context = await phone(browser, { userAgent: WECHAT_UA });
  const page = await context.newPage();
  await page.goto(first ?? '');
  await page.locator('#s-org-edu .overall input[value="S"]').check();
  await page.screenshot({ path: shot('ballot.png') });

  await page.locator('#s-org-edu details summary').click();
  await page.locator('#s-org-edu input[name="a.org-edu.p1"][value="B"]').check();
  await page.locator('#c-org-edu').fill('希望多下基层，听取一线教师意见。');
  await page.locator('#s-org-edu').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -60));
  await page.screenshot({ path: shot('ballot-items.png') });

  await page.locator('button[type=submit]').click();
  await page.locator('#issues').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot('ballot-missing.png') });

  await rateAll(page, { 'org-school': 'B', 'c-chen': 'A', 'm-wang': 'X' });
  await page.locator('#matters input[name="best"][value="营养午餐改善"]').check();
  await page.locator('button[type=submit]').click();
  await page.locator('.receipt').filter({ hasText: /-/ }).waitFor();
  await page.screenshot({ path: shot('success.png') });

  const stranger = await phone(browser, { userAgent: WECHAT_UA });
  const used = await stranger.newPage();
  await used.goto(first ?? '');
  await used.screenshot({ path: shot('used.png') });

  const english = await phone(browser, { locale: 'en-US' });
  const en = await english.newPage();
  await en.goto(second ?? '');
  await en.locator('#s-org-edu .overall input[value="B"]').check();
  await en.screenshot({ path: shot('ballot-en.png') });
  console.log('wrote docs/images/{ballot,ballot-items,ballot-missing,ballot-en,success,used}.png');
} finally {
  await browser.close();
  await server.close();
  await stack.stop();
}
