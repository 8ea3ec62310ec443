// Test harness: the local stack on the shared DynamoDB Local, one fresh table per call, a settable clock.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startLocalStack } from '../../packages/local/src/stack.ts';

export const ADMIN_TOKEN = 'test-organizer-token-0123456789';
export const exampleCampaign = JSON.parse(
  readFileSync(new URL('../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** Inside the example campaign's window (2026-12-01 08:00 to 2026-12-30 18:00, +08:00). */
export const DURING_WINDOW = new Date('2026-12-02T10:00:00+08:00');

export async function startTestStack() {
  const clock = { now: DURING_WINDOW };
  // The integration project provides a shared local S3; other projects get one of their own per stack.
  const s3Endpoint = inject('s3Endpoint');
  const stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoEndpoint'),
    ...(s3Endpoint ? { s3Endpoint } : { s3Dir: mkdtempSync(join(tmpdir(), 'pingyi-s3-')) }),
    tableName: `pingyi-${randomUUID()}`,
    codeSecret: Buffer.from(`secret-${randomUUID()}`),
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://py.example.gov.cn',
    now: () => clock.now,
    pollIntervalMs: 20,
    // a closing report whose recount the aggregates never reach (drift made by hand) gives up sooner
    closingWaitMs: 5000,
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await stack.app.request(path, init);
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  }
  const organizer = (method: string, path: string, body?: unknown) =>
    call(method, path, body, { authorization: `Bearer ${ADMIN_TOKEN}` });

  /** Creates the example campaign, opens it, and issues codes: returns its id and the codes' tokens. */
  async function openExample(
    codes: Record<string, number> = { party: 10, staff: 10 },
    definition = exampleCampaign,
  ) {
    const created = await organizer('POST', '/api/campaigns', definition);
    if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
    const id = created.json.id as string;
    const opened = await organizer('POST', `/api/campaigns/${id}/open`);
    if (opened.status !== 200) throw new Error(`open failed: ${opened.text}`);
    const tokens: Record<string, string[]> = {};
    for (const [group, count] of Object.entries(codes)) {
      const issued = await organizer('POST', `/api/campaigns/${id}/codes`, { group, count });
      if (issued.status !== 201) throw new Error(`codes failed: ${issued.text}`);
      tokens[group] = issued.json.codes.map((c: { token: string }) => c.token);
    }
    const links = await organizer('GET', `/api/campaigns/${id}/links`);
    const openTokens = Object.fromEntries(
      Object.entries(links.json as Record<string, string>).map(([g, url]) => [g, url.split('/b/')[1] ?? '']),
    );
    return { id, tokens, openTokens };
  }

  return { ...stack, clock, call, organizer, openExample };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
