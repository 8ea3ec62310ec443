// axe on every page of the organizer console, in every state a person meets it (signed out, draft, open, closed,
// a form sent back with problems, the printed slips, the projector), at 1366×768: WCAG 2.x A and AA, no violation.
// The pages' behaviour is tested in console/qr/editor.test.ts; this file only walks them with axe.
import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR, shareCampaign } from '@pingyi/data';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { expectNoAxeViolations } from './axe.ts';
import { launchChromium, serveApp, watchedPage } from './harness.ts';

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const problems: string[] = [];

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

const office = () => watchedPage(browser, problems);

/** An account of `role`, signed in through its set-up link; the set-up page itself is checked on the way. */
async function signedIn(name: string, role: 'admin' | 'organizer'): Promise<Page> {
  const { url } = await createAccountWithLink(
    stack.db,
    { name, displayName: name === 'admin' ? '县级管理员' : '张三', role },
    stack.clock.now,
    SYSTEM_ACTOR,
    server.origin,
  );
  const page = await office();
  await page.goto(`${server.origin}${new URL(url).pathname}`);
  await expectNoAxeViolations(page);
  await page.getByLabel('新密码', { exact: true }).fill('county-office-pass-7');
  await page.getByLabel('再次输入新密码').fill('county-office-pass-7');
  await page.getByRole('button', { name: '保存密码并登录', exact: true }).click();
  await page.waitForURL('**/console/campaigns', { timeout: 5000 }).catch(async () => {
    throw new Error(`set-up: ${await page.locator('main').textContent()}`);
  });
  return page;
}

describe('axe on every console page', () => {
  it('finds no WCAG A/AA violation on any page in any state', async () => {
    const checked: string[] = [];
    const visit = async (page: Page, path: string, status = 200) => {
      expect((await page.goto(`${server.origin}/console${path}`))?.status(), path).toBe(status);
      await expectNoAxeViolations(page);
      checked.push(path);
    };

    // signed out: the sign-in page, and its answer to a wrong password
    const visitor = await office();
    await visit(visitor, '/login');
    await visitor.getByLabel('用户名').fill('nobody');
    await visitor.getByLabel('密码').fill('wrong-password-1');
    await visitor.getByRole('button', { name: '登录', exact: true }).click();
    await visitor.getByRole('alert').waitFor();
    await expectNoAxeViolations(visitor);

    const admin = await signedIn('admin', 'admin');
    await visit(admin, '/accounts');
    await visit(admin, '/audit');
    await visit(admin, '/password');
    await visit(admin, '/no-such-page', 404);

    const org = await signedIn('zhangsan', 'organizer');
    await visit(org, '/campaigns/new');

    // a draft: its page, the editor (and the editor sent back with a problem), the subjects page (and a file with
    // problems), the preview of the ballot
    await org.getByLabel('示例方案').selectOption('education-bureau');
    await org.getByLabel('活动名称').fill('2026年县教育局群众评议（无障碍检查）');
    await org.getByRole('button', { name: '创建（草稿）', exact: true }).click();
    await org.waitForURL(/\/console\/campaigns\/[0-9a-f]{8}\?done=created/);
    const id = /campaigns\/([0-9a-f]{8})/.exec(org.url())?.[1] ?? '';
    await expectNoAxeViolations(org);
    await visit(org, '/campaigns');
    await visit(org, `/campaigns/${id}/edit`);
    await org.getByLabel('评议人类别 1 权重').fill('-1');
    await org.getByRole('button', { name: '检查并保存', exact: true }).click();
    await org.locator('#editor-problems').waitFor();
    await expectNoAxeViolations(org);
    await visit(org, `/campaigns/${id}/preview/party`);
    await visit(org, `/campaigns/${id}/subjects`);
    await org.getByLabel(/评议对象名单/).setInputFiles({
      name: '名单.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('类别,名称,职务,单位,排序\n党小组,王五,,,1\n', 'utf8'),
    });
    await org.getByRole('button', { name: '检查并导入', exact: true }).click();
    await org.locator('#import-problems').waitFor();
    await expectNoAxeViolations(org);
    await visit(org, `/campaigns/${id}/definition`);
    await visit(org, `/campaigns/${id}/share`);

    // open, with ballots: the campaign page, the frozen editor, the ledger, slips (form and printed), the poster,
    // the dashboard and the projector
    await visit(org, `/campaigns/${id}`);
    await org.getByRole('button', { name: '开始评议', exact: true }).click();
    await org.getByRole('status').waitFor();
    await expectNoAxeViolations(org);
    await visit(org, `/campaigns/${id}/edit`);
    await visit(org, `/campaigns/${id}/slips?group=party`);
    await org.getByLabel('数量').fill('12');
    await org.getByRole('button', { name: '生成并打印', exact: true }).click();
    await org.locator('.slip').first().waitFor();
    await expectNoAxeViolations(org);
    // a campaign with six ballots (opened by the service, shared with the organizer), so the campaign page, the
    // dashboard and the projector have rates and ranks to show
    const { id: voted, tokens } = await stack.openExample({ party: 6 });
    const ballot = {
      answers: Object.fromEntries(
        ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'].map((s) => [s, { overall: 'S' }]),
      ),
    };
    for (const token of tokens.party ?? [])
      expect((await stack.call('POST', `/b/${token}`, ballot)).status).toBe(201);
    await stack.poller.idle();
    await shareCampaign(stack.db, voted, ['zhangsan'], [], stack.clock.now, SYSTEM_ACTOR);
    for (const page of [
      '',
      '/ledger',
      '/poster?group=public',
      '/dashboard',
      '/dashboard/projector',
      '/close',
      '/audit',
    ])
      await visit(org, `/campaigns/${voted}${page}`);
    await org.goto(`${server.origin}/console/campaigns/${id}/ledger`);
    await org.getByLabel('评议人类别').selectOption('party');
    await org.getByLabel('序号').fill('2');
    await org.getByRole('button', { name: '作废', exact: true }).click();
    await org.getByRole('status').waitFor();
    await expectNoAxeViolations(org);

    // closed: the campaign page and its reports
    await visit(org, `/campaigns/${id}/close`);
    await org.getByRole('button', { name: '确认结束评议', exact: true }).click();
    await org.getByRole('status').waitFor();
    await expectNoAxeViolations(org);
    await stack.exportsSettled();
    await visit(org, `/campaigns/${id}/reports`);
    expect(checked.length).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});
