import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type AttributeValue, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { TransactWriteItemsDirectCommand } from '@pingyi/data/direct-write';
import { Campaign } from '@pingyi/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.tsx';
import { scriptPath } from '../assets/index.ts';
import { clearCampaignCache } from '../campaign-cache.ts';
import { signCode } from '../codes.ts';
import { OPEN_LINK_LIMIT } from '../rate-limit.ts';

const definition = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);
const codeSecret = Buffer.from('ballot-routes-test-secret-0123456789');
const mock = mockClient(DynamoDBDocumentClient);
const app = () =>
  createApp({
    db: {
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
      tableName: 'pingyi',
    },
    codeSecret,
    adminToken: 'unit-test-admin-token',
    publicUrl: 'https://py.example.gov.cn',
    now: () => new Date('2026-12-02T10:00:00+08:00'),
  });
const openLink = signCode(codeSecret, { campaign: '0a1b2c3d', groupIndex: 2, serial: 0 });
const partyCode = signCode(codeSecret, { campaign: '0a1b2c3d', groupIndex: 0, serial: 1 });

/** A complete public ballot (the public group rates organisations and cadres). */
const publicBallot = (submissionId: string) => ({
  answers: {
    'org-edu': { overall: 'S' },
    'org-school': { overall: 'B' },
    'c-chen': { overall: 'A' },
    'c-zhao': { overall: 'X' },
  },
  submissionId,
});
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const postJson = (
  server: ReturnType<typeof app>,
  token: string,
  body: unknown,
  address = '198.51.100.1',
  headers: Record<string, string> = {},
) =>
  server.request(
    `/b/${token}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    from(address),
  );

beforeEach(() => {
  mock.reset();
  clearCampaignCache();
  mock.on(GetCommand).resolves({}); // no ballot under any code yet
  mock.on(GetCommand, { Key: { pk: 'C#0a1b2c3d', sk: 'META' } }).resolves({
    Item: {
      id: '0a1b2c3d',
      definition: JSON.stringify(definition),
      status: 'open',
      createdAt: '2026-11-27T00:00:00.000Z',
      updatedAt: '2026-11-27T00:00:00.000Z',
      issued: { party: 5, staff: 0, public: 0 },
    },
  });
  mock.on(TransactWriteItemsDirectCommand).resolves({});
});

describe('open link: per-container flood brake', () => {
  it('refuses a submit beyond the burst from one source with 429 and Retry-After, before reading anything', async () => {
    const server = app();
    for (let i = 0; i < OPEN_LINK_LIMIT.burst; i++)
      expect((await postJson(server, openLink, {})).status).toBe(400);
    clearCampaignCache();
    const reads = mock.commandCalls(GetCommand).length;
    const refused = await postJson(server, openLink, {});
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(mock.commandCalls(GetCommand)).toHaveLength(reads);

    // another source, and a single-use code from the same source, are not held back
    expect((await postJson(server, openLink, {}, '198.51.100.2')).status).toBe(400);
    expect((await postJson(server, partyCode, {})).status).toBe(400);
  });

  it('shows a page, not JSON, to a form post that was held back', async () => {
    const server = app();
    for (let i = 0; i < OPEN_LINK_LIMIT.burst; i++) await postJson(server, openLink, {});
    const refused = await server.request(
      `/b/${openLink}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a.org-edu=S',
      },
      from('198.51.100.1'),
    );
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('操作太频繁');
  });
});

describe('open link: one ballot per device', () => {
  it('marks the device with a signed cookie scoped to the link, and refuses its second ballot', async () => {
    const server = app();
    const first = await postJson(server, openLink, publicBallot('device-submission-0001'));
    expect(first.status).toBe(201);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      new RegExp(
        `^pingyi_voted=[\\w-]+\\.[\\w-]+; Max-Age=\\d+; Path=/b/${openLink}; HttpOnly; SameSite=Lax$`,
      ),
    );
    const cookie = setCookie.split(';')[0] ?? '';

    const second = await postJson(server, openLink, publicBallot('device-submission-0002'), undefined, {
      cookie,
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'code_used',
      message: expect.stringContaining('本设备'),
    });
    expect(mock).toHaveReceivedCommandTimes(TransactWriteItemsDirectCommand, 1);

    const page = await server.request(`/b/${openLink}`, { headers: { cookie } });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('本设备已提交过评议');
  });

  it('answers the device’s own retry (same submission id) with the original receipt', async () => {
    const stored: Record<string, unknown>[] = [];
    mock
      .on(TransactWriteItemsDirectCommand)
      .callsFake((input: { TransactItems: { Put: { Item: Record<string, AttributeValue> } }[] }) => {
        // the ballot's write arrives marshalled (castBallot sends its own direct command)
        const ballot = unmarshall(input.TransactItems[0]?.Put.Item ?? {});
        const existing = stored.find((item) => item.pk === ballot.pk);
        if (existing) {
          throw new TransactionCanceledException({
            message: 'exists',
            $metadata: {},
            CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall(existing) }],
          });
        }
        stored.push(ballot);
        return {};
      });
    const server = app();
    const first = await postJson(server, openLink, publicBallot('device-submission-0003'));
    expect(first.status).toBe(201);
    const { receipt } = (await first.json()) as { receipt: string };
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const retry = await postJson(server, openLink, publicBallot('device-submission-0003'), undefined, {
      cookie,
    });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ receipt });
    expect(stored).toHaveLength(1);
  });

  it('does not let a forged or another link’s cookie stand in for a vote', async () => {
    const server = app();
    const forged = 'pingyi_voted=AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA';
    expect((await server.request(`/b/${openLink}`, { headers: { cookie: forged } })).status).toBe(200);
  });
});

describe('ballot page', () => {
  it('sends a CSP without inline script, its inline style allowed by hash, and no referrer or framing', async () => {
    const response = await app().request(`/b/${partyCode}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(html).toMatch(
      new RegExp(`<script defer="" src="${scriptPath}" integrity="sha384-[\\w+/=]+"></script>`),
    );
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/); // no inline script at all
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).not.toMatch(/(src|href|action)="(https?:)?\/\//); // nothing from another origin
  });

  it('is served compressed to a browser that accepts gzip', async () => {
    const response = await app().request(`/b/${partyCode}`, {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const html = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(html).toContain('县教育和科学技术局党委');
  });

  it('answers a submit uncompressed (a few hundred bytes), with the evaluator headers still on', async () => {
    const response = await postJson(app(), openLink, publicBallot('uncompressed-submission-01'), undefined, {
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.json()).toHaveProperty('receipt');
  });

  it('speaks English when the browser prefers it, keeping the campaign’s own words', async () => {
    const response = await app().request(`/b/${partyCode}`, {
      headers: { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' },
    });
    const html = await response.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
    expect(html).toContain('>Submit</button>');
    expect(html).toContain('Please give an overall rating to each of the 6 subjects');
    expect(html).toContain(definition.title);
    expect(html).toContain('基本满意');
    expect(html).not.toContain('提交评议');
  });

  it('tells an English reader when voting is open, in the offset the organizer wrote', async () => {
    mock.on(GetCommand, { Key: { pk: 'C#0a1b2c3d', sk: 'META' } }).resolves({
      Item: {
        id: '0a1b2c3d',
        definition: JSON.stringify(definition),
        status: 'closed',
        createdAt: '2026-11-27T00:00:00.000Z',
        updatedAt: '2026-11-27T00:00:00.000Z',
        issued: { party: 5 },
      },
    });
    const response = await app().request(`/b/${partyCode}`, { headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(410);
    const html = await response.text();
    expect(html).toContain('Voting is not open');
    expect(html).toContain('1 Dec 2026, 08:00 (UTC+8) to 30 Dec 2026, 18:00 (UTC+8)');
  });

  it('gives a forged code a plain page with 403 and no technical words', async () => {
    const forged = `${partyCode.slice(0, -2)}AA`;
    const response = await app().request(`/b/${forged}`);
    expect(response.status).toBe(403);
    const visible = (await response.text()).replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]+>/g, ' ');
    expect(visible).toContain('评议码无效');
    expect(visible).not.toMatch(/403|error|HMAC|token|forged/i);
  });
});
