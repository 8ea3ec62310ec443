// The attacks on the open channel, as the security probe made them, now refused: one client stuffing the open
// link through two API processes (two Lambda containers) and both loopback addresses; submits without a cookie
// or a submission id; a code in another spelling. Real DynamoDB Local; the API processes are real processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BALLOT_SK } from '@pingyi/data';
import { Campaign, type CampaignInput, subjectsFor } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURING_WINDOW, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let stack: TestStack;
const children: ChildProcess[] = [];
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
  await stack?.stop();
});

const withQuota = (perSource: number) =>
  ({ ...exampleCampaign, openChannel: { perSource, windowMinutes: 60 } }) as CampaignInput;

/** A complete ballot of the public group (it rates organisations and cadres). */
function publicBallot(submissionId?: string) {
  const campaign = Campaign.parse(exampleCampaign);
  const group = campaign.groups.find((g) => g.id === 'public');
  if (!group) throw new Error('no public group');
  const answers = Object.fromEntries(subjectsFor(campaign, group).map((s) => [s.id, { overall: 'X' }]));
  for (const s of subjectsFor(campaign, group)) if (s.kind === 'org') answers[s.id] = { overall: 'S' };
  return submissionId ? { answers, submissionId } : { answers };
}

let sid = 0;
const nextSubmissionId = () => `open-channel-attack-${String(++sid).padStart(6, '0')}`;

/** Every stored ballot of a campaign: its key and submission id. */
async function storedBallots(campaign: string) {
  const { Items = [] } = await stack.db.client.send(
    new ScanCommand({
      TableName: stack.db.tableName,
      FilterExpression: 'sk = :sk AND cid = :cid',
      ExpressionAttributeValues: { ':sk': BALLOT_SK, ':cid': campaign },
      ConsistentRead: true,
    }),
  );
  return Items as { pk: string; sd: string }[];
}

/** Whether this machine can listen on ::1 (some containers have no IPv6 loopback). */
const ipv6Loopback = () =>
  new Promise<boolean>((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(0, '::1', () => server.close(() => answer(true)));
  });

/** Two more API processes over the test's table, as two more Lambda containers would be. */
async function apiProcess(host: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/api-process.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PINGYI_TEST_HOST: host,
      PINGYI_TEST_DYNAMODB_ENDPOINT: stack.endpoint,
      PINGYI_TEST_TABLE: stack.db.tableName,
      PINGYI_TEST_CODE_SECRET: stack.deps.codeSecret.toString('base64'),
      PINGYI_TEST_NOW: DURING_WINDOW.toISOString(),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  const port = await new Promise<number>((found, failed) => {
    const onLine = (line: string) => {
      output.push(line);
      const match = /^\{"port":(\d+)\}$/.exec(line);
      if (match) found(Number(match[1]));
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', () => failed(new Error(`API process exited:\n${output.join('\n')}`)));
  });
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as { receipt?: string; error?: { code: string; message: string } },
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('open channel: one source cannot stuff the link', () => {
  it('two API processes together accept no more than the source’s quota, from 127.0.0.1 and ::1 alike', async () => {
    const QUOTA = 10;
    const { id, openTokens } = await stack.openExample({}, withQuota(QUOTA));
    const path = `/b/${openTokens.public}`;
    // The probe got 69 of 300 through one process, then 5 more from ::1 once 127.0.0.1 was refused.
    const bases = [
      await apiProcess('127.0.0.1'),
      await apiProcess((await ipv6Loopback()) ? '::1' : '127.0.0.1'),
    ];
    const bodies = Array.from({ length: 3 * QUOTA }, () => publicBallot(nextSubmissionId()));
    const send = (i: number) => post(bases[i % 2] ?? '', path, bodies[i]);
    // Each process takes a turn first (each would grant a whole quota on its own, as the in-memory limit did),
    // then the rest arrive at both at once.
    const answers = [await send(0), await send(1), await send(2), await send(3)];
    answers.push(...(await Promise.all(bodies.slice(4).map((_, i) => send(i + 4)))));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([201, 201, 201, 201]);

    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(QUOTA);
    expect(refused).toHaveLength(answers.length - QUOTA);
    for (const answer of refused) {
      expect(answer.json.error?.code).toBe('quota_exceeded');
      expect(answer.json.error?.message).toContain('已达上限');
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    expect(await storedBallots(id)).toHaveLength(QUOTA);

    // A retry of a stored ballot is still answered, with its receipt, however full the quota is.
    const first = answers.findIndex((a) => a.status === 201);
    const retry = await post(bases[(first + 1) % 2] ?? '', path, bodies[first]);
    expect(retry).toMatchObject({ status: 200, json: { receipt: answers[first]?.json.receipt } });

    // The organizer sees one source with every ballot and every refusal, and nothing that names a ballot.
    const spread = await stack.organizer('GET', `/api/campaigns/${id}/open-channel`);
    expect(spread.status).toBe(200);
    expect(spread.json).toMatchObject({
      perSource: QUOTA,
      windowMinutes: 60,
      ballots: QUOTA,
      refused: answers.length - QUOTA,
      sources: 1,
      sourcesRefused: 1,
      top: [{ ballots: QUOTA, refused: answers.length - QUOTA, windows: 1 }],
      windows: [{ start: '2026-12-02T02:00:00.000Z', ballots: QUOTA, sources: 1 }],
    });
    expect(spread.json.distribution).toContainEqual({ ballots: '6–20', sources: 1 });
    const stored = await storedBallots(id);
    expect(JSON.stringify(stored)).not.toContain(spread.json.top[0].source);
  });

  it('counts each source apart, and a new window gives a source its quota again', async () => {
    const { id, openTokens } = await stack.openExample({}, withQuota(2));
    const path = `/b/${openTokens.public}`;
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const send = async (address: string) =>
      (
        await stack.app.request(
          path,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(publicBallot(nextSubmissionId())),
          },
          from(address),
        )
      ).status;
    // one phone picks new IPv6 addresses in its /64 at will: still one source
    expect(await Promise.all(['2001:db8:7:1::a', '2001:db8:7:1::b', '2001:db8:7:1::c'].map(send))).toEqual(
      expect.arrayContaining([201, 201, 429]),
    );
    expect(await send('198.51.100.20')).toBe(201);
    stack.clock.now = new Date(DURING_WINDOW.getTime() + 3_600_000);
    try {
      expect(await send('2001:db8:7:1::d')).toBe(201);
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
    const spread = await stack.organizer('GET', `/api/campaigns/${id}/open-channel`);
    expect(spread.json).toMatchObject({ ballots: 4, refused: 1, sources: 2 });
    expect(spread.json.windows).toHaveLength(2);
  });
});

describe('open channel: one ballot per device', () => {
  it('no cookie and no submission id: the first ballot marks the device, the next ones are refused', async () => {
    const { id, openTokens } = await stack.openExample({});
    const path = `/b/${openTokens.public}`;
    const first = await stack.call('POST', path, publicBallot());
    expect(first.status).toBe(201);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^pingyi_voted=[\w-]+\.[\w-]+$/);

    // The probe: 201, 201, 201 with the cookie sent and no id. Now: the device has voted.
    for (const body of [publicBallot(), publicBallot(), publicBallot(nextSubmissionId())]) {
      const again = await stack.call('POST', path, body, { cookie });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('code_used');
    }
    const form = await stack.call('POST', path, 'a.org-edu=S&a.org-school=S&a.c-chen=X&a.c-zhao=X', {
      cookie,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(409);
    const page = await stack.call('GET', path, undefined, { cookie });
    expect(page.status).toBe(409);

    // One ballot stored, under a submission id the server made for it (the cookie is bound to that id); the ballot
    // keeps only a keyed hash of it, which is also its key.
    const stored = await storedBallots(id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.sd).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored[0]?.pk).toContain(`o.public.${stored[0]?.sd}`);
  });

  it('a client that drops the cookie is held by the source’s quota instead', async () => {
    const { id, openTokens } = await stack.openExample({}, withQuota(3));
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await stack.call('POST', `/b/${openTokens.public}`, publicBallot())).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    expect(await storedBallots(id)).toHaveLength(3);
  });
});

describe('codes: one spelling each', () => {
  /** The four tokens that decode to the same 20 bytes: the last character has 2 unused bits. */
  const spellings = (token: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) ?? '');
    return [0, 1, 2, 3].map((bits) => `${token.slice(0, -1)}${alphabet[(last & ~3) | bits]}`);
  };
  const partyBallot = () => {
    const campaign = Campaign.parse(exampleCampaign);
    return {
      answers: Object.fromEntries(campaign.subjects.map((s) => [s.id, { overall: 'X' }])),
      submissionId: nextSubmissionId(),
    };
  };

  it('accepts one of the four spellings of a code, and refuses the others as forged', async () => {
    const { id, tokens } = await stack.openExample({ party: 1 });
    const token = tokens.party?.[0] ?? '';
    const all = spellings(token);
    const answers = await Promise.all(all.map((t) => stack.call('POST', `/b/${t}`, partyBallot())));
    expect(answers.map((a) => a.status)).toEqual(all.map((t) => (t === token ? 201 : 403)));
    expect(await storedBallots(id)).toHaveLength(1);
    for (const t of all.filter((t) => t !== token))
      expect((await stack.call('GET', `/b/${t}`)).status).toBe(403);
  });

  it('serves the open link only as printed: other spellings and percent-encoded paths are refused', async () => {
    const { openTokens } = await stack.openExample({});
    const token = openTokens.public ?? '';
    for (const t of spellings(token).filter((t) => t !== token)) {
      expect((await stack.call('GET', `/b/${t}`)).status).toBe(403);
      expect((await stack.call('POST', `/b/${t}`, publicBallot(nextSubmissionId()))).status).toBe(403);
    }
    const encoded = `%${token.charCodeAt(0).toString(16).toUpperCase()}${token.slice(1)}`;
    expect((await stack.call('GET', `/b/${encoded}`)).status).toBe(403);
    expect((await stack.call('GET', `/b/${token}`)).status).toBe(200);
  });
});
