// Every results answer is one consistent count during a burst (with aggregate faults), and the report made on
// closing counts exactly the ballots that got a 201, including one a second API process accepted after the close.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type AppDeps, createApp } from '@pingyi/api';
import {
  createDocumentClient,
  type Db,
  ensureTable,
  hasVoted,
  isCountedInsert,
  readTally,
  recountTally,
} from '@pingyi/data';
import { type Campaign, groupEvaluates } from '@pingyi/domain';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type AggregateEvent, createAggregateHandler } from '../../functions/aggregate/handler.ts';
import { type StreamBatchEvent, startStreamPoller } from '../../packages/local/src/stream-poller.ts';
import { ballotBody, delay, type Loose, parseCampaign, pool, random } from '../reliability/support.ts';
import { ADMIN_TOKEN, DURING_WINDOW, exampleCampaign, startTestStack } from '../support/stack.ts';

const clientConfig = {
  region: 'cn-north-1',
  endpoint: inject('dynamoEndpoint'),
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const BALLOTS = 400;
/** a burst of 400 through the app plus a closing report's wait: minutes on a busy 2-core machine */
const BURST_TIMEOUT = 300_000;
const CONCURRENCY = 32;
const campaign = parseCampaign(exampleCampaign);

/** Why an answer is not one count: a subject whose counts for a group differ from that group's turnout. */
function tornParts(campaign: Campaign, results: Loose): string[] {
  const torn: string[] = [];
  for (const subject of results.subjects) {
    for (const group of campaign.groups.filter((g) => groupEvaluates(g, subject.kind))) {
      const counts = subject.overall.byGroup[group.id]?.counts ?? {};
      const sum = Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0);
      const turnout = results.turnout[group.id]?.ballots ?? 0;
      if (sum !== turnout) torn.push(`${subject.id}/${group.id}: ${sum} of ${turnout}`);
    }
  }
  const total = Object.values(results.turnout as Record<string, { ballots: number }>).reduce(
    (a, t) => a + t.ballots,
    0,
  );
  if (total !== results.ballots) torn.push(`turnout ${total} vs ballots ${results.ballots}`);
  return torn;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('results during a burst', () => {
  it(
    'are a consistent cut in every answer while 400 ballots arrive at concurrency 32 under aggregate faults',
    async () => {
      const tableName = `cut-${randomUUID()}`;
      const streamArn = await ensureTable(new DynamoDBClient(clientConfig), tableName);
      const db: Db = { client: createDocumentClient(clientConfig), tableName };
      // Faults around the real handler: every 5th batch dies after half its aggregate writes, every 7th throws.
      const flaky = createDocumentClient(clientConfig);
      let writesLeft = Number.POSITIVE_INFINITY;
      flaky.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'UpdateItemCommand' && writesLeft-- <= 0) throw new Error('injected');
          return next(args);
        },
        { step: 'initialize', name: 'dieHalfWay' },
      );
      const handler = createAggregateHandler({ client: flaky, tableName });
      const faults = { halfWritten: 0, thrown: 0, invocations: 0 };
      const poller = startStreamPoller({
        streams: new DynamoDBStreamsClient(clientConfig),
        streamArn,
        filter: isCountedInsert,
        intervalMs: 20,
        batchSize: 25,
        maxRetries: 10,
        handler: async (event: StreamBatchEvent) => {
          const n = ++faults.invocations;
          if (n % 7 === 0) {
            faults.thrown++;
            throw new Error('injected: batch fails before the handler runs');
          }
          writesLeft = n % 5 === 0 ? 6 : Number.POSITIVE_INFINITY;
          try {
            const response = await handler(event as AggregateEvent);
            if (response.batchItemFailures.length > 0) faults.halfWritten++;
            return response;
          } finally {
            writesLeft = Number.POSITIVE_INFINITY;
          }
        },
      });
      cleanups.push(() => poller.stop());
      const deps: AppDeps = {
        db,
        codeSecret: Buffer.from(`secret-${randomUUID()}`),
        adminToken: ADMIN_TOKEN,
        publicUrl: 'http://127.0.0.1',
        now: () => DURING_WINDOW,
      };
      const app = createApp(deps);
      const call = async (method: string, path: string, body?: unknown, organizer = true) => {
        const response = await app.request(path, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(organizer ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, json: (await response.json()) as Loose };
      };
      const { id } = (await call('POST', '/api/campaigns', exampleCampaign)).json;
      await call('POST', `/api/campaigns/${id}/open`);
      const voters: { group: string; token: string }[] = [];
      for (const group of ['party', 'staff']) {
        const issued = await call('POST', `/api/campaigns/${id}/codes`, { group, count: BALLOTS / 2 });
        for (const { token } of issued.json.codes) voters.push({ group, token });
      }

      let done = false;
      const answers: Loose[] = [];
      const reader = (async () => {
        while (!done) {
          const response = await call('GET', `/api/campaigns/${id}/results`);
          if (response.status === 200) answers.push(response.json);
          else expect(response.status).toBe(503);
          await delay(20);
        }
      })();
      const rnd = random(9_400);
      let accepted = 0;
      await pool(voters, CONCURRENCY, async ({ group, token }) => {
        const found = campaign.groups.find((g) => g.id === group);
        if (!found) throw new Error(group);
        const response = await call('POST', `/b/${token}`, ballotBody(campaign, found, rnd), false);
        expect(response.status).toBe(201);
        accepted++;
      });
      await poller.idle();
      // and a little longer, so the reader sees the last batches land
      await delay(300);
      done = true;
      await reader;

      const torn = answers.map((a) => tornParts(campaign, a)).filter((t) => t.length > 0);
      expect(torn).toEqual([]);
      const during = answers.filter((a) => a.ballots > 0 && a.ballots < BALLOTS);
      expect(during.length).toBeGreaterThan(5);
      // the ballot counts a reader saw never went back
      const seen = answers.filter((a) => a.settled).map((a) => a.ballots);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(faults.halfWritten).toBeGreaterThan(0);
      expect(faults.thrown).toBeGreaterThan(0);
      expect(accepted).toBe(BALLOTS);
      const recount = await recountTally(db, id);
      expect(await readTally(db, id)).toEqual(recount);
      const last = (await call('GET', `/api/campaigns/${id}/results`)).json;
      expect(last).toMatchObject({ ballots: BALLOTS, final: false, settled: true });
    },
    BURST_TIMEOUT,
  );
});

/**
 * A second API process on the same table (test/support/api-process.ts), with its own campaign cache, as another
 * Lambda container would be. It prints its port when it listens.
 */
async function secondApiProcess(
  env: Record<string, string>,
): Promise<{ origin: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('../support/api-process.ts', import.meta.url).pathname],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

describe('the report made on closing', () => {
  it(
    'counts exactly the 201s, including one a second process accepted in its cache window after the close',
    async () => {
      const stack = await startTestStack();
      cleanups.push(() => stack.stop());
      const { id, tokens } = await stack.openExample({ party: BALLOTS / 2 + 10, staff: BALLOTS / 2 });
      const second = await secondApiProcess({
        PINGYI_TEST_DYNAMODB_ENDPOINT: stack.endpoint,
        PINGYI_TEST_TABLE: stack.db.tableName,
        PINGYI_TEST_CODE_SECRET: stack.deps.codeSecret.toString('base64'),
        PINGYI_TEST_NOW: DURING_WINDOW.toISOString(),
      });
      cleanups.push(() => second.stop());
      const party = tokens.party ?? [];
      const staff = tokens.staff ?? [];
      const burst = [
        ...party.slice(0, BALLOTS / 2).map((token) => ({ group: 'party', token })),
        ...staff.map((token) => ({ group: 'staff', token })),
      ];
      const rnd = random(7_700);
      const body = (group: string) => {
        const found = campaign.groups.find((g) => g.id === group);
        if (!found) throw new Error(group);
        return ballotBody(campaign, found, rnd);
      };
      const accepted = { party: 0, staff: 0 } as Record<string, number>;
      // 503: the request ran past the ballot routes' time limit (a very busy machine). It is not an acceptance, but
      // its write may still land after the answer: it then counts as stored, never as accepted.
      const timedOut = { party: 0, staff: 0 } as Record<string, number>;
      const post = async (origin: string | undefined, group: string, token: string) => {
        const init = {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body(group)),
        };
        const response = origin
          ? await fetch(`${origin}/b/${token}`, init)
          : await stack.app.request(`/b/${token}`, init);
        if (response.status === 201) accepted[group] = (accepted[group] ?? 0) + 1;
        if (response.status === 503) timedOut[group] = (timedOut[group] ?? 0) + 1;
        return response.status;
      };

      // The burst, spread over both processes.
      await pool(burst, CONCURRENCY, async ({ group, token }, i) => {
        expect([201, 503]).toContain(await post(i % 4 === 0 ? second.origin : undefined, group, token));
      });
      // A code issued just now makes the second process read the campaign afresh: its cache says "open" for 2 s.
      const fresh = await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group: 'party', count: 1 });
      const freshToken = fresh.json.codes[0].token as string;
      expect((await fetch(`${second.origin}/b/${freshToken}`)).status).toBe(200);
      expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
      // At once: this process knows it is closed; the other still accepts within its cache window.
      expect(await post(undefined, 'party', party[BALLOTS / 2] ?? '')).toBe(410);
      expect(await post(second.origin, 'party', party[BALLOTS / 2 + 1] ?? '')).toBe(201);
      await delay(2500);
      expect(await post(second.origin, 'party', party[BALLOTS / 2 + 2] ?? '')).toBe(410);

      const slow = (timedOut.party ?? 0) + (timedOut.staff ?? 0);
      expect((accepted.party ?? 0) + (accepted.staff ?? 0) + slow).toBe(BALLOTS + 1);
      expect(slow).toBeLessThan(BALLOTS / 10);
      await stack.exportsSettled();
      // What is stored: every 201, and at most the timed-out requests besides; the late ballot is among them.
      const recount = await recountTally(stack.db, id);
      for (const group of ['party', 'staff']) {
        expect(recount.ballots[group] ?? 0).toBeGreaterThanOrEqual(accepted[group] ?? 0);
        expect(recount.ballots[group] ?? 0).toBeLessThanOrEqual(
          (accepted[group] ?? 0) + (timedOut[group] ?? 0),
        );
      }
      expect(await hasVoted(stack.db, id, `t.party.${BALLOTS / 2 + 2}`)).toBe(true);
      const stored = { party: recount.ballots.party ?? 0, staff: recount.ballots.staff ?? 0 } as Record<
        string,
        number
      >;
      const total = (stored.party ?? 0) + (stored.staff ?? 0);
      const reports = (await stack.organizer('GET', `/api/campaigns/${id}/reports`)).json as Loose[];
      const closing = reports.find((r) => r.trigger === 'close');
      expect(closing?.verification).toMatchObject({
        ballots: total,
        live: total,
        differences: 0,
        agreed: true,
      });
      const url = (format: string) => closing.files.find((f: Loose) => f.format === format).url as string;

      // The workbook's cover: ballots received, turnout per group, and the count check.
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await (await fetch(url('xlsx'))).arrayBuffer()) as ArrayBuffer);
      const cover = workbook.getWorksheet('封面');
      const rows = new Map<string, unknown>();
      cover?.eachRow((row) => rows.set(String(row.getCell(1).value), row.getCell(2).value));
      expect(rows.get('收回评议表')).toBe(total);
      expect(rows.get('计票核对')).toBe(`逐票复核 ${total} 张，与实时统计一致`);

      // The CSV: every subject's overall counts add up to the ballots of the groups that evaluate it.
      const csv = (await (await fetch(url('csv'))).text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const header = csv[0]?.split(',') ?? [];
      const validColumn = header.indexOf('有效票');
      const firstCount = header.indexOf('单位') + 1;
      for (const line of csv.slice(1)) {
        const cells = line.split(',');
        const subject = campaign.subjects.find((s) => s.id === cells[2]);
        if (!subject) throw new Error(`unknown subject row ${line}`);
        const counted = cells
          .slice(firstCount, validColumn)
          .reduce((sum, c) => sum + (c === '' ? 0 : Number(c)), 0);
        const expected = campaign.groups
          .filter((g) => groupEvaluates(g, subject.kind))
          .reduce((sum, g) => sum + (stored[g.id] ?? 0), 0);
        expect(counted, subject.id).toBe(expected);
      }

      // The notice says so too, and results are final from now on: the verified tally, equal to a recount.
      expect(await (await fetch(url('html'))).text()).toContain(
        `计票核对：逐票复核 ${total} 张，与实时统计一致`,
      );
      const results = (await stack.organizer('GET', `/api/campaigns/${id}/results`)).json;
      expect(results).toMatchObject({ final: true, settled: true, ballots: total, status: 'closed' });
      expect(results.turnout.party.ballots).toBe(stored.party);
    },
    BURST_TIMEOUT,
  );
});
