// The evaluator's ballot page in Chromium on a 390×844 phone, against the whole local stack on DynamoDB Local.
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, phone, rateAll, serveApp, WECHAT_UA } from './harness.ts';

// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed only where they run
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare const localStorage: any;

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

const RECEIPT = /^[0-9A-Z]{5}-[0-9A-Z]{5}$/;
const link = (token: string) => `${server.origin}/b/${token}`;

async function oneCode() {
  const { id, tokens } = await stack.openExample({ party: 1 });
  return { id, token: tokens.party?.[0] ?? '' };
}

async function results(id: string) {
  await stack.poller.idle();
  return (await stack.organizer('GET', `/api/campaigns/${id}/results`)).json;
}

const submit = (page: Page) => page.locator('button[type=submit]').click();
const shownReceipt = async (page: Page) => {
  await page.locator('main .receipt').filter({ hasText: RECEIPT }).waitFor();
  return (await page.locator('main .receipt').textContent()) ?? '';
};

describe('filling and submitting', () => {
  it('fills and submits a full ballot inside a WeChat-like browser, and every answer is counted', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    await page.goto(link(token));
    expect(await page.locator('#progress span').textContent()).toBe('已评 0 / 6');

    await rateAll(page, { 'org-school': 'B', 'c-chen': 'A', 'm-wang': 'X' });
    expect(await page.locator('#progress span').textContent()).toBe('已评 6 / 6');
    await page.locator('#s-org-edu summary').click();
    await page.locator('input[name="a.org-edu.p1"][value="B"]').check();
    await page.locator('#c-org-edu').fill('希望多下基层😀');
    expect(await page.locator('#c-org-edu-count').textContent()).toBe('7 / 500 字');
    await page.locator('#matters input[name=best][value="营养午餐改善"]').check();
    await page.locator('#matters input[name=best][value="教师培训"]').check();
    // maxPicks is 2: the rest of that list cannot be picked now
    expect(await page.locator('#matters input[name=best][value="校车安全管理"]').isDisabled()).toBe(true);
    expect(await page.locator('#matters input[name=worst][value="校车安全管理"]').isDisabled()).toBe(false);
    await page.locator('#o-worst').fill('食堂排队');
    await submit(page);

    expect(await shownReceipt(page)).toMatch(RECEIPT);
    expect(await page.locator('main h1').textContent()).toBe('提交成功');
    const counted = await results(id);
    expect(counted.ballots).toBe(1);
    const orgEdu = counted.subjects.find((s: { id: string }) => s.id === 'org-edu');
    expect(orgEdu.overall.counts).toMatchObject({ S: 1 });
    expect(orgEdu.items.p1.counts).toMatchObject({ B: 1 });
    expect(orgEdu.comments).toBe(1);
    expect(counted.matters.best).toEqual(
      expect.arrayContaining([
        { option: '营养午餐改善', count: 1 },
        { option: '教师培训', count: 1 },
      ]),
    );
    expect(counted.matters.otherWorst).toEqual([{ text: '食堂排队', count: 1 }]);
    await context.close();
  });

  it('lists what is still missing on submit, links each to its card, and sends nothing', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser);
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.goto(link(token));
    await rateAll(page, {}, ['org-school', 'c-zhao']);
    await submit(page);

    await page.locator('#issues li').first().waitFor();
    expect(await page.locator('#issues strong').textContent()).toBe('还有 2 处需要处理：');
    expect(await page.locator('#issues li').allTextContents()).toEqual([
      '请对“县中学党支部”作出总体评价',
      '请对“赵xx”作出总体评价',
    ]);
    expect(await page.locator('#issues a').first().getAttribute('href')).toBe('#s-org-school');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('issues');
    expect(await page.locator('#s-org-school .miss').isVisible()).toBe(true);
    expect(await page.locator('#s-org-edu .miss').isVisible()).toBe(false);
    expect(posts).toEqual([]);

    // the list follows the answers
    await page.locator('#s-org-school .overall input[value="N"]').check();
    expect(await page.locator('#issues li').allTextContents()).toEqual(['请对“赵xx”作出总体评价']);
    await page.locator('#s-c-zhao .overall input[value="S"]').check();
    expect(await page.locator('#issues').isVisible()).toBe(false);
    await submit(page);
    expect(await shownReceipt(page)).toMatch(RECEIPT);
    expect((await results(id)).ballots).toBe(1);
    await context.close();
  });

  it('keeps the draft and its submission id across a reload and an accidental back', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    await page.goto(link(token));
    await page.locator('#s-org-edu .overall input[value="S"]').check();
    await page.locator('#s-m-li .overall input[value="B"]').check();
    await page.locator('#s-org-edu summary').click();
    await page.locator('input[name="a.org-edu.p2"][value="N"]').check();
    await page.locator('#c-c-chen').fill('工作很扎实');
    await page.locator('#matters input[name=worst][value="招生入学办理"]').check();
    await page.locator('#o-best').fill('课后服务');
    const submissionId = await page.inputValue('input[name=submissionId]');

    const expectDraft = async () => {
      expect(await page.locator('#s-org-edu .overall input[value="S"]').isChecked()).toBe(true);
      expect(await page.locator('#s-m-li .overall input[value="B"]').isChecked()).toBe(true);
      expect(await page.locator('#s-org-edu details').getAttribute('open')).not.toBeNull();
      expect(await page.locator('input[name="a.org-edu.p2"][value="N"]').isChecked()).toBe(true);
      expect(await page.inputValue('#c-c-chen')).toBe('工作很扎实');
      expect(await page.locator('#c-c-chen-count').textContent()).toBe('5 / 500 字');
      expect(await page.locator('#matters input[name=worst][value="招生入学办理"]').isChecked()).toBe(true);
      expect(await page.inputValue('#o-best')).toBe('课后服务');
      expect(await page.locator('#progress span').textContent()).toBe('已评 2 / 6');
      expect(await page.inputValue('input[name=submissionId]')).toBe(submissionId);
    };
    await page.reload();
    await expectDraft();
    await page.goto('about:blank');
    await page.goBack();
    await expectDraft();

    await rateAll(page, { 'org-edu': 'S', 'm-li': 'B' });
    const sent = page.waitForRequest((r) => r.method() === 'POST');
    await submit(page);
    expect((await sent).postDataJSON().submissionId).toBe(submissionId);
    expect(await shownReceipt(page)).toMatch(RECEIPT);
    expect((await results(id)).ballots).toBe(1);
    // the answers do not linger on the phone once they are counted
    const left = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(left).not.toContain('工作很扎实');
    await context.close();
  });

  it('works as a plain form with JavaScript disabled: the server lists what is missing, then shows the receipt', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser, { javaScriptEnabled: false, userAgent: WECHAT_UA });
    const page = await context.newPage();
    await page.goto(link(token));
    expect(await page.locator('#progress').isVisible()).toBe(false);
    await rateAll(page, { 'c-chen': 'N' }, ['m-li']);
    await page.locator('#c-org-edu').fill('没有脚本也能提交');
    await submit(page);

    await page.locator('#issues li').first().waitFor();
    expect(await page.locator('#issues li').allTextContents()).toEqual(['请对“李xx”作出总体评价']);
    expect(await page.locator('#s-m-li').getAttribute('class')).toContain('missing');
    expect(await page.locator('#s-c-chen .overall input[value="N"]').isChecked()).toBe(true);
    expect(await page.inputValue('#c-org-edu')).toBe('没有脚本也能提交');
    await page.locator('#s-m-li .overall input[value="S"]').check();
    await submit(page);
    expect(await shownReceipt(page)).toMatch(RECEIPT);
    const counted = await results(id);
    expect(counted.ballots).toBe(1);
    expect(counted.subjects.find((s: { id: string }) => s.id === 'c-chen').overall.counts).toMatchObject({
      N: 1,
    });
    await context.close();
  });
});

describe('a code votes once', () => {
  it('shows the used page to a second submit of the same code, with and without JavaScript', async () => {
    const { id, token } = await oneCode();
    const first = await phone(browser, { userAgent: WECHAT_UA });
    const second = await phone(browser, { userAgent: WECHAT_UA });
    const third = await phone(browser, { javaScriptEnabled: false });
    const [a, b, c] = await Promise.all([first.newPage(), second.newPage(), third.newPage()]);
    for (const page of [a, b, c]) {
      await page.goto(link(token));
      await rateAll(page, {});
    }
    await submit(a);
    const receipt = await shownReceipt(a);

    await submit(b);
    await b.locator('main h1', { hasText: '该评议码已使用' }).waitFor();
    expect(await b.locator('#used-page').textContent()).toContain('已经投过票');
    expect(await b.locator('#mine').isVisible()).toBe(false);

    await submit(c);
    await c.locator('main h1', { hasText: '该评议码已使用' }).waitFor();

    // the phone that voted is told so, with its own receipt
    await a.goto(link(token));
    await a.locator('#mine').waitFor();
    expect(await a.locator('#mine .receipt').textContent()).toBe(receipt);
    expect((await results(id)).ballots).toBe(1);
    await Promise.all([first.close(), second.close(), third.close()]);
  });
});

describe('a dropped connection', () => {
  /** Lets the first submit reach the server and store the ballot, then cuts the connection before the answer. */
  async function loseFirstAnswer(page: Page, after: (route: Route) => Promise<void>) {
    const sent: { submissionId: string }[] = [];
    let stored: string | undefined;
    await page.route('**/b/*', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      sent.push(route.request().postDataJSON());
      if (sent.length === 1) {
        stored = (await (await route.fetch()).json()).receipt;
        return route.abort('connectionreset');
      }
      return after(route);
    });
    return { sent, stored: () => stored };
  }

  it('retries with the same submission id and shows the original receipt, never "used"', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    const lost = await loseFirstAnswer(page, (route) => route.continue());
    await page.goto(link(token));
    await rateAll(page, {});
    await submit(page);

    await page.locator('#status', { hasText: '正在重新提交' }).waitFor();
    expect(await shownReceipt(page)).toBe(lost.stored());
    expect(lost.sent).toHaveLength(2);
    expect(lost.sent[1]?.submissionId).toBe(lost.sent[0]?.submissionId);
    expect((await results(id)).ballots).toBe(1);
    await context.close();
  });

  it('finishes after a reload: the used page recognises this phone’s own ballot and shows its receipt', async () => {
    const { id, token } = await oneCode();
    const context = await phone(browser, { userAgent: WECHAT_UA });
    const page = await context.newPage();
    let online = false;
    const lost = await loseFirstAnswer(page, (route) =>
      online ? route.continue() : route.abort('internetdisconnected'),
    );
    await page.goto(link(token));
    await rateAll(page, {});
    await submit(page);
    await page.locator('#status', { hasText: '（第 2 次）' }).waitFor();
    await expect.poll(() => lost.sent.length).toBeGreaterThanOrEqual(2);

    online = true;
    await page.reload();
    expect(await shownReceipt(page)).toBe(lost.stored());
    expect(await page.locator('main h1').textContent()).toBe('提交成功');
    expect(new Set(lost.sent.map((s) => s.submissionId)).size).toBe(1);
    expect((await results(id)).ballots).toBe(1);
    await context.close();
  });
});

describe('the open link', () => {
  it('accepts one ballot per device', async () => {
    const { id, openTokens } = await stack.openExample({});
    const url = link(openTokens.public ?? '');
    const phoneA = await phone(browser, { userAgent: WECHAT_UA });
    const a = await phoneA.newPage();
    await a.goto(url);
    expect(await a.locator('section.subject').count()).toBe(4); // the public rates organisations and cadres
    await rateAll(a, { 'c-zhao': 'N' });
    await submit(a);
    const receipt = await shownReceipt(a);

    await a.goto(url);
    expect(await a.locator('main h1').textContent()).toBe('本设备已提交过评议');
    await a.locator('#mine').waitFor();
    expect(await a.locator('#mine .receipt').textContent()).toBe(receipt);
    const again = await phoneA.request.post(url, {
      data: { answers: { 'org-edu': { overall: 'S' } }, submissionId: 'a-second-ballot-from-a' },
    });
    expect(again.status()).toBe(409);

    const phoneB = await phone(browser, { userAgent: WECHAT_UA });
    const b = await phoneB.newPage();
    await b.goto(url);
    await rateAll(b, {});
    await submit(b);
    expect(await shownReceipt(b)).toMatch(RECEIPT);
    expect((await results(id)).turnout.public).toEqual({ ballots: 2, issued: null });
    await Promise.all([phoneA.close(), phoneB.close()]);
  });
});

describe('language', () => {
  it('renders English chrome when the browser prefers English, keeping the campaign’s own texts', async () => {
    const { token } = await oneCode();
    const context = await phone(browser, { locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(link(token));
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('header h1').textContent()).toBe(
      '2026年县教育和科学技术局群众评议创先争优活动',
    );
    expect(await page.locator('button[type=submit]').textContent()).toBe('Submit');
    expect(await page.locator('#progress span').textContent()).toBe('Rated 0 of 6');
    expect(await page.locator('#s-org-edu .overall label').allTextContents()).toEqual([
      '满意',
      '基本满意',
      '不满意',
      '不了解',
    ]);
    await rateAll(page, {}, ['m-wang']);
    await submit(page);
    await page.locator('#issues li').first().waitFor();
    expect(await page.locator('#issues').textContent()).toBe('Still to do (1):Please rate “王xx” overall');
    await page.locator('#s-m-wang .overall input[value="S"]').check();
    await submit(page);
    await shownReceipt(page);
    expect(await page.locator('main h1').textContent()).toBe('Submitted');
    await context.close();
  });
});
