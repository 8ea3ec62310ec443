// The organizer console on DynamoDB Local through app.request(): roles and sharing, CSRF, sign-in throttling,
// session expiry on an injected clock, one-time links, no password or token in the clear, and the audit log.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountWithLink } from '@pingyi/console';
import { type AuditEntry, listAudit, listCountyAudit, requireCampaign, SYSTEM_ACTOR } from '@pingyi/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, ConsoleClient, campaignIdOf, PASSWORDS } from '../support/console.ts';
import { DURING_WINDOW, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: ConsoleClient;
let org: ConsoleClient;
let other: ConsoleClient;
let viewer: ConsoleClient;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await accountWithPassword(stack, 'admin', 'admin');
  org = await accountWithPassword(stack, 'org', 'organizer');
  other = await accountWithPassword(stack, 'other', 'organizer');
  viewer = await accountWithPassword(stack, 'viewer', 'viewer');
});
afterAll(async () => {
  await stack?.stop();
});

/** The organizer creates the shipped example as a campaign whose window includes the test clock. */
async function createCampaign(client: ConsoleClient, title = '控制台测试活动'): Promise<string> {
  await client.get('/console/campaigns/new');
  const answer = await client.post('/console/campaigns', {
    source: 'template',
    template: 'education-bureau',
    title,
    opensAt: '2026-12-01T08:00',
    closesAt: '2026-12-20T18:00',
  });
  expect(answer.status, answer.text.slice(0, 500)).toBe(303);
  return campaignIdOf(answer.location);
}

async function everything(stackDb = stack.db) {
  const { Items = [] } = await stackDb.client.send(new ScanCommand({ TableName: stackDb.tableName }));
  return JSON.stringify(Items);
}

describe('first admin and one-time links', () => {
  it('a set-up link sets the password once, signs in, and is refused the second time', async () => {
    const { url } = await createAccountWithLink(
      stack.db,
      { name: 'first', displayName: '首位管理员', role: 'admin' },
      stack.clock.now,
      SYSTEM_ACTOR,
      'https://py.example.gov.cn',
    );
    const path = new URL(url).pathname;
    const client = new ConsoleClient(stack);
    expect((await client.get(path)).status).toBe(200);
    const set = await client.post(
      path,
      { password: 'county-head-pass', confirm: 'county-head-pass' },
      { csrf: null },
    );
    expect(set.status).toBe(303);
    expect((await client.get('/console/accounts')).status).toBe(200);

    const again = new ConsoleClient(stack);
    expect((await again.get(path)).status).toBe(410);
    const reuse = await again.post(
      path,
      { password: 'takeover-pass-123', confirm: 'takeover-pass-123' },
      { csrf: null },
    );
    expect(reuse.status).toBe(410);
    expect((await again.signIn('first', 'takeover-pass-123')).status).toBe(401);
    expect((await again.signIn('first', 'county-head-pass')).status).toBe(303);
  });

  it('a reset link issued by the admin works once, replaces the old password and ends old sessions', async () => {
    const person = await accountWithPassword(stack, 'resetme', 'organizer', 'before-reset-pass');
    expect((await person.get('/console/campaigns')).status).toBe(200);
    const page = await admin.submit('/console/accounts', '/console/accounts/resetme/link');
    expect(page.status).toBe(200);
    const link = /<p class="link-box" id="one-time-link">([^<]+)<\/p>/.exec(page.text)?.[1] ?? '';
    const path = new URL(link).pathname;
    // A second reset link replaces the first: the first no longer opens.
    const newer = await admin.submit('/console/accounts', '/console/accounts/resetme/link');
    const newerPath = new URL(/id="one-time-link">([^<]+)</.exec(newer.text)?.[1] ?? '').pathname;
    const anon = new ConsoleClient(stack);
    expect((await anon.get(path)).status).toBe(410);

    stack.clock.now = new Date(stack.clock.now.getTime() + 1000);
    const used = await anon.post(
      newerPath,
      { password: 'after-reset-pass', confirm: 'after-reset-pass' },
      { csrf: null },
    );
    expect(used.status).toBe(303);
    const twice = await new ConsoleClient(stack).post(
      newerPath,
      { password: 'second-try-pass', confirm: 'second-try-pass' },
      { csrf: null },
    );
    expect(twice.status).toBe(410);
    expect((await new ConsoleClient(stack).signIn('resetme', 'before-reset-pass')).status).toBe(401);
    expect((await new ConsoleClient(stack).signIn('resetme', 'after-reset-pass')).status).toBe(303);
    // the session from before the reset is over
    expect((await person.get('/console/campaigns')).status).toBe(303);
  });
});

describe('least privilege', () => {
  it('an organizer neither sees nor touches another organizer’s campaign until it is shared', async () => {
    const id = await createCampaign(org, '组织者甲的活动');
    const list = await other.get('/console/campaigns');
    expect(list.text).not.toContain('组织者甲的活动');
    for (const path of ['', '/definition', '/reports', '/audit', '/share', '/close']) {
      expect((await other.get(`/console/campaigns/${id}${path}`)).status, path).toBe(404);
    }
    await other.get('/console/campaigns');
    expect((await other.post(`/console/campaigns/${id}/open`)).status).toBe(404);
    expect((await other.post(`/console/campaigns/${id}/codes`, { group: 'party', count: '5' })).status).toBe(
      404,
    );
    expect((await other.post(`/console/campaigns/${id}/share`, { share: 'other' })).status).toBe(404);
    const record = await requireCampaign(stack.db, id);
    expect(record.status).toBe('draft');
    expect(record.issued.party).toBe(0);
    expect(record.sharedWith).toEqual([]);

    expect(
      (
        await org.submit(`/console/campaigns/${id}/share`, `/console/campaigns/${id}/share`, {
          share: 'other',
        })
      ).status,
    ).toBe(303);
    expect((await other.get('/console/campaigns')).text).toContain('组织者甲的活动');
    const opened = await other.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/open`);
    expect(opened.status).toBe(303);
    expect((await requireCampaign(stack.db, id)).status).toBe('open');
  });

  it('a viewer reads the results of a shared campaign and cannot change anything', async () => {
    const id = await createCampaign(org, '共享给查看者的活动');
    await org.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/open`);
    await org.submit(`/console/campaigns/${id}/share`, `/console/campaigns/${id}/share`, { share: 'viewer' });
    const before = await requireCampaign(stack.db, id);
    const auditBefore = (await listAudit(stack.db, id)).length;

    const page = await viewer.get(`/console/campaigns/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('评议结果');
    expect(page.text).not.toContain('生成评议码');
    expect(page.text).not.toContain('结束评议');
    expect((await viewer.get('/console/campaigns')).text).toContain('共享给查看者的活动');
    expect((await viewer.get(`/console/campaigns/${id}/reports`)).status).toBe(200);

    const attempts: [string, Record<string, string>][] = [
      [`/console/campaigns/${id}/close`, {}],
      [`/console/campaigns/${id}/open`, {}],
      [`/console/campaigns/${id}/codes`, { group: 'party', count: '3' }],
      [`/console/campaigns/${id}/reports`, { raw: 'on' }],
      [`/console/campaigns/${id}/share`, { share: 'viewer' }],
      [
        '/console/campaigns',
        {
          source: 'template',
          template: 'education-bureau',
          opensAt: '2026-12-01T08:00',
          closesAt: '2026-12-20T18:00',
        },
      ],
      ['/console/accounts', { name: 'sneaky', displayName: '某人', role: 'admin' }],
      ['/console/accounts/org', { role: 'viewer' }],
      ['/console/accounts/org/link', {}],
    ];
    for (const [path, fields] of attempts) {
      await viewer.get(`/console/campaigns/${id}`);
      expect((await viewer.post(path, fields)).status, path).toBe(403);
    }
    for (const path of [
      '/console/campaigns/new',
      '/console/accounts',
      '/console/audit',
      `/console/campaigns/${id}/audit`,
      `/console/campaigns/${id}/close`,
    ]) {
      expect((await viewer.get(path)).status, path).toBe(403);
    }
    const after = await requireCampaign(stack.db, id);
    expect(after).toEqual(before);
    expect((await listAudit(stack.db, id)).length).toBe(auditBefore);
  });

  it('only the county admin manages accounts and reads the county log', async () => {
    for (const client of [org, viewer]) {
      expect((await client.get('/console/accounts')).status).toBe(403);
      expect((await client.get('/console/audit')).status).toBe(403);
    }
    expect((await admin.get('/console/audit')).status).toBe(200);
  });
});

describe('forms are refused without the session token or from another origin', () => {
  it('refuses a post without the token, with a wrong one, from another Origin, or with no Origin at all', async () => {
    const id = await createCampaign(org, 'CSRF 测试活动');
    await org.get(`/console/campaigns/${id}`);
    const path = `/console/campaigns/${id}/open`;
    expect((await org.post(path, {}, { csrf: null })).status).toBe(403);
    expect((await org.post(path, {}, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await org.post(path, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await org.post(path, {}, { origin: null })).status).toBe(403);
    // another session's token does not fit this session
    await other.get('/console/campaigns');
    expect((await org.post(path, {}, { csrf: other.csrf })).status).toBe(403);
    expect((await requireCampaign(stack.db, id)).status).toBe('draft');
    // the same form with both is accepted
    await org.get(`/console/campaigns/${id}`);
    expect((await org.post(path)).status).toBe(303);
    expect((await requireCampaign(stack.db, id)).status).toBe('open');
  });

  it('refuses a sign-in form from another Origin', async () => {
    const client = new ConsoleClient(stack);
    const answer = await client.post(
      '/console/login',
      { name: 'org', password: PASSWORDS.org ?? '' },
      { csrf: null, origin: 'https://evil.example' },
    );
    expect(answer.status).toBe(403);
    expect(client.cookies.size).toBe(0);
  });
});

describe('sign-in throttling', () => {
  it('locks an account after 10 wrong passwords, from any client, until the windows pass', async () => {
    await accountWithPassword(stack, 'target', 'organizer', 'the-right-pass-1');
    for (let i = 0; i < 10; i++) {
      const client = new ConsoleClient(stack, `203.0.113.${i}`);
      expect((await client.signIn('target', `wrong-${i}`)).status).toBe(401);
    }
    const right = new ConsoleClient(stack, '192.0.2.200');
    const locked = await right.signIn('target', 'the-right-pass-1');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('15 分钟');
    expect(right.cookies.size).toBe(0);
    // other accounts are not affected
    expect((await new ConsoleClient(stack, '192.0.2.201').signIn('org')).status).toBe(303);
    stack.clock.now = new Date(stack.clock.now.getTime() + 31 * 60_000);
    expect((await right.signIn('target', 'the-right-pass-1')).status).toBe(303);
  });

  it('locks a client after 30 wrong passwords for any accounts', async () => {
    const guesser = new ConsoleClient(stack, '203.0.113.99');
    for (let i = 0; i < 30; i++) expect((await guesser.signIn(`nobody${i}`, 'guess-pass')).status).toBe(401);
    expect((await guesser.signIn('org')).status).toBe(429);
    expect((await new ConsoleClient(stack, '203.0.113.100').signIn('org')).status).toBe(303);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes, and after 12 hours however active', async () => {
    const client = new ConsoleClient(stack);
    expect((await client.signIn('org')).status).toBe(303);
    expect((await client.get('/console/campaigns')).status).toBe(200);
    stack.clock.now = new Date(stack.clock.now.getTime() + 29 * 60_000);
    expect((await client.get('/console/campaigns')).status).toBe(200);
    stack.clock.now = new Date(stack.clock.now.getTime() + 31 * 60_000);
    const idle = await client.get('/console/campaigns');
    expect(idle.status).toBe(303);
    expect(idle.location).toBe('/console/login?next=%2Fconsole%2Fcampaigns');

    expect((await client.signIn('org')).status).toBe(303);
    for (let hour = 0; hour < 12 * 3; hour++) {
      stack.clock.now = new Date(stack.clock.now.getTime() + 20 * 60_000);
      const answer = await client.get('/console/campaigns');
      expect(answer.status, `after ${(hour + 1) * 20} minutes`).toBe(hour < 35 ? 200 : 303);
    }
  });

  it('end on logout: the old cookie opens nothing', async () => {
    const client = new ConsoleClient(stack);
    await client.signIn('org');
    const cookie = new Map(client.cookies);
    await client.get('/console/campaigns');
    expect((await client.post('/console/logout')).location).toBe('/console/login?done=logout');
    const replay = new ConsoleClient(stack);
    for (const [k, v] of cookie) replay.cookies.set(k, v);
    expect((await replay.get('/console/campaigns')).status).toBe(303);
  });

  it('set the cookie HttpOnly and SameSite, Secure with a __Host- name behind HTTPS', async () => {
    const response = await stack.app.request('https://py.example.gov.cn/console/login', {
      method: 'POST',
      headers: { origin: 'https://py.example.gov.cn', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'org', password: PASSWORDS.org ?? '' }),
    });
    expect(response.status).toBe(303);
    const [cookie = ''] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-pingyi-console=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
  });
});

describe('secrets in the clear', () => {
  it('stores no password, session token or link token in the table, and writes none to the logs', async () => {
    const output: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      return () => {
        stream.write = original;
      };
    };
    const restore = [capture(process.stdout), capture(process.stderr)];
    // the test runs log nothing by default: here every line is written, so a leak would show
    const level = process.env.PINGYI_LOG_LEVEL;
    process.env.PINGYI_LOG_LEVEL = 'debug';
    try {
      const password = 'Clear-Text-Kanarie-31415';
      const { url } = await createAccountWithLink(
        stack.db,
        { name: 'canary', displayName: '金丝雀', role: 'organizer' },
        stack.clock.now,
        SYSTEM_ACTOR,
        'https://py.example.gov.cn',
      );
      const linkToken = url.split('/').at(-1) ?? '';
      const client = new ConsoleClient(stack);
      await client.post(new URL(url).pathname, { password, confirm: password }, { csrf: null });
      const sessionToken = [...client.cookies.values()][0] ?? '';
      expect(sessionToken.length).toBeGreaterThan(30);
      await new ConsoleClient(stack).signIn('canary', `${password}-wrong`);
      await client.get('/console/password');
      const changed = 'Clear-Text-Kanarie-27182';
      await client.post('/console/password', { current: password, password: changed, confirm: changed });
      await client.signIn('canary', changed);

      const table = await everything();
      for (const secret of [password, changed, `${password}-wrong`, linkToken, sessionToken]) {
        expect(table).not.toContain(secret);
        expect(output.join('')).not.toContain(secret);
      }
      expect(table).toMatch(/scrypt\$N=32768,r=8,p=1\$/);
      // the refused sign-in was logged (so the capture works), by account name only
      expect(output.join('')).toMatch(/"message":"console sign-in refused","account":"canary"/);
    } finally {
      process.env.PINGYI_LOG_LEVEL = level;
      for (const r of restore) r();
    }
  });
});

describe('audit log', () => {
  // the sessions above moved the clock by hours: everyone signs in afresh
  beforeAll(async () => {
    for (const [client, name] of [
      [admin, 'admin'],
      [org, 'org'],
      [other, 'other'],
      [viewer, 'viewer'],
    ] as const) {
      expect((await client.signIn(name)).status).toBe(303);
    }
  });
  const byAccount = (name: string) => ({ type: 'account', name });
  const actions = (entries: AuditEntry[]) => entries.map((e) => e.action);

  it('records every change of a campaign with its actor, and shows it per campaign and to the county admin', async () => {
    const id = await createCampaign(org, '审计测试活动');
    await org.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/open`);
    const codes = await org.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/codes`, {
      group: 'party',
      count: '4',
    });
    expect(codes.status).toBe(201);
    expect(codes.text.match(/https:\/\/py\.example\.gov\.cn\/b\/[\w-]+/g)?.length).toBe(4);
    expect(
      (
        await org.submit(`/console/campaigns/${id}/reports`, `/console/campaigns/${id}/reports`, {
          raw: 'on',
        })
      ).status,
    ).toBe(303);
    await stack.exportsSettled();
    await org.submit(`/console/campaigns/${id}/share`, `/console/campaigns/${id}/share`, {
      share: ['other', 'viewer'],
    });
    const confirm = await org.get(`/console/campaigns/${id}/close`);
    expect(confirm.text).toContain('尚未使用的评议码不能再投票');
    expect((await org.post(`/console/campaigns/${id}/close`)).status).toBe(303);
    await stack.exportsSettled();

    const reports = await org.get(`/console/campaigns/${id}/reports`);
    const xlsx =
      /href="(\/console\/campaigns\/[0-9a-f]{8}\/reports\/[\w-]+\/xlsx)"/.exec(reports.text)?.[1] ?? '';
    const download = await org.get(xlsx);
    expect(download.status).toBe(302);
    expect(download.location).toMatch(/X-Amz-Signature=/);
    // the viewer may fetch the 公示 page but not the workbook (it holds comments) or raw ballots
    const seen = await viewer.get(`/console/campaigns/${id}/reports`);
    expect(seen.text).not.toContain('/xlsx"');
    expect(seen.text).not.toContain('/raw-csv"');
    expect((await viewer.get(xlsx)).status).toBe(404);
    expect((await viewer.get(xlsx.replace(/xlsx$/, 'html'))).status).toBe(302);

    const entries = await listAudit(stack.db, id);
    expect(actions(entries)).toEqual([
      'create',
      'open',
      'codes',
      'export',
      'share',
      'closed',
      'download',
      'download',
    ]);
    for (const e of entries.slice(0, 7)) expect(e.actor, e.action).toEqual(byAccount('org'));
    expect(entries[7]?.actor).toEqual(byAccount('viewer'));
    expect(entries.find((e) => e.action === 'codes')?.detail).toMatchObject({
      group: 'party',
      first: 1,
      last: 4,
    });

    const page = await org.get(`/console/campaigns/${id}/audit`);
    for (const label of ['创建活动', '开始评议', '生成评议码', '导出报告', '修改共享', '结束评议'])
      expect(page.text).toContain(label);
    const county = await admin.get('/console/audit');
    expect(county.text).toContain(`/console/campaigns/${id}`);
  });

  it('records account changes, sign-ins and failed sign-ins with their actor', async () => {
    const created = await admin.submit('/console/accounts', '/console/accounts', {
      name: 'clerk',
      displayName: '办事员',
      role: 'viewer',
    });
    expect(created.status).toBe(201);
    const link = new URL(/id="one-time-link">([^<]+)</.exec(created.text)?.[1] ?? '').pathname;
    await admin.submit('/console/accounts', '/console/accounts/clerk', { role: 'organizer' });
    const clerk = new ConsoleClient(stack, '192.0.2.50');
    await clerk.post(link, { password: 'office-pass-2026', confirm: 'office-pass-2026' }, { csrf: null });
    await new ConsoleClient(stack, '192.0.2.51').signIn('clerk', 'not-the-password');
    await clerk.signIn('clerk', 'office-pass-2026');
    await clerk.get('/console/campaigns');
    await clerk.post('/console/logout');

    const { entries } = await listCountyAudit(stack.db, { limit: 50 });
    const about = entries.filter(
      (e) => e.detail.account === 'clerk' || (e.actor?.type === 'account' && e.actor.name === 'clerk'),
    );
    const seen = about.map((e) => [e.action, e.actor?.type === 'account' ? e.actor.name : e.actor?.type]);
    expect(seen.reverse()).toEqual([
      ['account-create', 'admin'],
      ['account-update', 'admin'],
      ['link-used', 'clerk'],
      ['login-failed', 'client'],
      ['login', 'clerk'],
      ['logout', 'clerk'],
    ]);
    expect(about.find((e) => e.action === 'account-update')?.detail).toMatchObject({
      changed: { role: { from: 'viewer', to: 'organizer' } },
    });
    const page = await admin.get('/console/audit');
    for (const label of ['创建账号', '修改账号', '登录失败', '通过链接设置密码'])
      expect(page.text).toContain(label);
  });

  it('lets only a county admin reopen a closed campaign, with a reason, under their own name', async () => {
    const id = await createCampaign(org, '重新开放测试');
    await org.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/open`);
    await org.submit(`/console/campaigns/${id}/close`, `/console/campaigns/${id}/close`);
    await stack.exportsSettled();
    const closed = await org.get(`/console/campaigns/${id}`);
    expect(closed.text).toContain('最终结果：逐票复核 0 张，与实时统计一致');
    expect(closed.text).not.toContain('重新开放评议');
    expect((await org.post(`/console/campaigns/${id}/reopen`, { reason: '组织者想继续' })).status).toBe(403);
    expect((await requireCampaign(stack.db, id)).status).toBe('closed');

    const page = await admin.get(`/console/campaigns/${id}`);
    expect(page.text).toContain('重新开放评议');
    expect((await admin.post(`/console/campaigns/${id}/reopen`, { reason: '' })).status).toBe(400);
    const reopened = await admin.post(`/console/campaigns/${id}/reopen`, { reason: '部分退休党员尚未参评' });
    expect(reopened.status).toBe(303);
    expect((await requireCampaign(stack.db, id)).status).toBe('open');
    const entry = (await listAudit(stack.db, id)).find((e) => e.action === 'reopen');
    expect(entry?.actor).toEqual({ type: 'account', name: 'admin' });
    expect(entry?.detail).toMatchObject({ by: 'admin', reason: '部分退休党员尚未参评' });
  });

  it('keeps the Bearer token working for automation, audited as the service credential', async () => {
    const created = await stack.organizer('POST', '/api/campaigns', exampleCampaign);
    expect(created.status).toBe(201);
    const [entry] = await listAudit(stack.db, created.json.id);
    expect(entry?.actor).toEqual({ type: 'service' });
    // a campaign made with the service credential belongs to no organizer: only the county admin sees it
    expect((await org.get(`/console/campaigns/${created.json.id}`)).status).toBe(404);
    expect((await admin.get(`/console/campaigns/${created.json.id}`)).status).toBe(200);
    expect(DURING_WINDOW.getTime()).toBeLessThanOrEqual(stack.clock.now.getTime());
  });
});

describe('pages', () => {
  it('show export progress until the report is listed, with a script that needs no inline code', async () => {
    await org.signIn('org');
    const id = await createCampaign(org, '导出进度测试');
    const waiting = await org.get(
      `/console/campaigns/${id}/reports?pending=00000000-0000-4000-8000-000000000000&since=${stack.clock.now.getTime()}`,
    );
    expect(waiting.text).toContain('id="export-progress"');
    const src = /<script defer="" src="([^"]+)" integrity="sha384-[^"]+"/.exec(waiting.text)?.[1] ?? '';
    const asset = await org.get(src);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.text).toContain('export-progress');
    // later than the progress window: the page says to look again rather than spin forever
    const since = stack.clock.now.getTime() - 4 * 60_000;
    const late = await org.get(
      `/console/campaigns/${id}/reports?pending=00000000-0000-4000-8000-000000000000&since=${since}`,
    );
    expect(late.text).not.toContain('id="export-progress"');
    expect(late.text).toContain('请再次导出');
  });

  it('refuse an upload larger than any campaign file before reading it', async () => {
    await org.get('/console/campaigns/new');
    const form = new FormData();
    form.append('source', 'file');
    form.append('file', new File(['x'.repeat(600 * 1024)], 'huge.json', { type: 'application/json' }));
    const answer = await org.postMultipart('/console/campaigns', form);
    expect(answer.status).toBe(413);
    expect(answer.text).toContain('内容过大');
  });

  it('create a campaign from an uploaded file, and list what is wrong with a bad one', async () => {
    await org.get('/console/campaigns/new');
    const bad = new FormData();
    bad.append('source', 'file');
    bad.append('file', new File([JSON.stringify({ ...exampleCampaign, groups: [] })], 'bad.json'));
    const refused = await org.postMultipart('/console/campaigns', bad);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<code>groups</code>');
    await org.get('/console/campaigns/new');
    const good = new FormData();
    good.append('source', 'file');
    good.append('file', new File([JSON.stringify({ ...exampleCampaign, title: '上传的方案' })], 'good.json'));
    const created = await org.postMultipart('/console/campaigns', good);
    expect(created.status).toBe(303);
    const record = await requireCampaign(stack.db, campaignIdOf(created.location));
    expect(record.definition.title).toBe('上传的方案');
    expect(record.owner).toBe('org');
  });

  it('carry the security headers, and no inline style or script the CSP would block', async () => {
    const id = await createCampaign(org, '页面头部测试');
    for (const path of [
      '/console/campaigns',
      `/console/campaigns/${id}`,
      `/console/campaigns/${id}/definition`,
      '/console/login',
    ]) {
      const page = await org.get(path);
      expect(page.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(page.headers.get('cache-control'), path).toBe('no-store');
      expect(page.headers.get('x-frame-options'), path).toBe('DENY');
      expect(page.text, path).not.toMatch(/\sstyle="/);
      expect(page.text, path).not.toMatch(/<script(?![^>]*\ssrc=)/);
    }
  });
});
