// The local runtime (`npm start`) killed with SIGKILL in the middle of a burst of votes, and started again on
// the same data folder: every ballot that got a 201 is still stored, and counted exactly once.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Campaign, type CastBallot, computeResults, tallyOf } from '@pingyi/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { countsOf } from '../support/results.ts';
import {
  ballotBody,
  castOf,
  eventually,
  freePort,
  type Loose,
  parseCampaign,
  pool,
  random,
  report,
  SCALE,
  seconds,
  TEST_TIMEOUT,
} from './support.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_TOKEN = 'reliability-kill-token-0123456789';
/** Polls of the results after the final restart, 100 ms apart: a bound, not a wall-clock assertion. */
const SETTLE_POLLS = 3_000;
/** The results must stay the same over this many consecutive polls to count as settled. */
const STABLE_POLLS = 15;

interface Runtime {
  child: ChildProcess;
  baseUrl: string;
  demoId: string;
  output: string[];
  exited: Promise<void>;
}

interface Voter {
  group: string;
  token: string;
  body: ReturnType<typeof ballotBody>;
  /** pending: never sent; unknown: sent, but the runtime died before it answered; accepted: has a receipt */
  state: 'pending' | 'unknown' | 'accepted';
  /** a request of this voter was cut off by a kill at least once */
  cut?: boolean;
  receipt?: string;
  /** how the final answer came: 201 (stored then), 200 (a retry: it had been stored before the kill) */
  acceptedWith?: 201 | 200;
}

const children = new Set<ChildProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'pingyi-kill-'));

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await eventually(
    'no DynamoDB Local of the test left',
    async () => (jvmsOf(dataDir).length === 0 ? true : undefined),
    {
      attempts: 200,
    },
  ).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

/** DynamoDB Local processes (the JVM and its guard) serving this data folder. */
function jvmsOf(dir: string): string[] {
  const found = spawnSync('pgrep', ['-af', 'DynamoDBLocal'], { encoding: 'utf8' });
  return (found.stdout ?? '')
    .split('\n')
    .filter((line) => line.includes(dir))
    .filter((line) => !line.includes('pgrep'));
}

/** `npm start` as a child process on a free port, read until it names its demo campaign and answers. */
async function startRuntime(): Promise<Runtime> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      PINGYI_DATA_DIR: dataDir,
      PINGYI_ADMIN_TOKEN: ADMIN_TOKEN,
      PINGYI_PUBLIC_URL: baseUrl,
      PINGYI_EXPORT_INTERVAL_MS: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const demoId = await new Promise<string>((found, failed) => {
    const onLine = (line: string) => {
      output.push(line);
      const match = /Demo campaign ([0-9a-f]{8})/.exec(line);
      if (match?.[1]) found(match[1]);
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    void exited.then(() => failed(new Error(`npm start exited before it was ready:\n${output.join('\n')}`)));
  });
  // The banner is printed as the server starts listening: wait until it answers.
  await eventually('the runtime answers /healthz', async () => {
    const response = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
    return response?.ok ? true : undefined;
  });
  return { child, baseUrl, demoId, output, exited };
}

async function stopRuntime(runtime: Runtime, signal: NodeJS.Signals) {
  runtime.child.kill(signal);
  await runtime.exited;
  children.delete(runtime.child);
}

async function call(runtime: Runtime, method: string, path: string, body?: unknown, organizer = false) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (organizer) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    // A bound on a request to a runtime that may be dying; never an assertion on time.
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, json: (await response.json()) as Loose };
}

describe('npm start killed with SIGKILL mid-burst and restarted', () => {
  it(
    'keeps every 201 ballot and counts each exactly once after the restart',
    async () => {
      const started = performance.now();
      let runtime = await startRuntime();
      const demoFile = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as {
        id: string;
        codes: string[];
      };
      expect(demoFile.id).toBe(runtime.demoId);
      const id = runtime.demoId;
      const record = await call(runtime, 'GET', `/api/campaigns/${id}`, undefined, true);
      const campaign: Campaign = parseCampaign(record.json.definition);

      // Codes beyond the demo's own, issued through the organizer API.
      const rnd = random(2026_11_27);
      const voters: Voter[] = [];
      const perGroup = { party: Math.ceil(SCALE.killBallots / 2), staff: Math.floor(SCALE.killBallots / 2) };
      for (const [group, count] of Object.entries(perGroup)) {
        const issued = await call(runtime, 'POST', `/api/campaigns/${id}/codes`, { group, count }, true);
        expect(issued.status).toBe(201);
        const found = campaign.groups.find((g) => g.id === group);
        if (!found) throw new Error(`no group ${group}`);
        for (const { token } of issued.json.codes as { token: string }[])
          voters.push({ group, token, body: ballotBody(campaign, found, rnd), state: 'pending' });
      }

      const rounds: Record<string, unknown>[] = [];
      const unexpected: string[] = [];
      /** 201, or 200 for a voter whose earlier attempt was cut off (it was stored, its answer lost). */
      const accept = (voter: Voter, prior: Voter['state'], status: number, json: Loose) => {
        if (status === 201 || (status === 200 && prior === 'unknown')) {
          voter.receipt = json.receipt;
          voter.acceptedWith = status;
          voter.state = 'accepted';
          return true;
        }
        unexpected.push(`${prior} voter got ${status} ${JSON.stringify(json)}`);
        return false;
      };

      for (let round = 1; round <= SCALE.killRounds; round++) {
        const todo = voters.filter((v) => v.state !== 'accepted');
        const killAfter = Math.max(1, Math.floor(todo.length / (SCALE.killRounds - round + 2)));
        let accepted = 0;
        let killed = false;
        const transportErrors = { count: 0 };
        const burstStarted = performance.now();
        await pool(
          todo,
          SCALE.killConcurrency,
          async (voter) => {
            const prior = voter.state;
            voter.state = 'unknown'; // until an answer comes back
            try {
              const { status, json } = await call(runtime, 'POST', `/b/${voter.token}`, voter.body);
              if (accept(voter, prior, status, json) && ++accepted === killAfter && !killed) {
                killed = true;
                runtime.child.kill('SIGKILL'); // mid-burst: other requests are in flight right now
              }
            } catch {
              transportErrors.count++; // the runtime died under this request: stored or not, we cannot tell
              voter.cut = true;
            }
          },
          () => killed,
        );
        await runtime.exited;
        children.delete(runtime.child);
        const killedAfter = seconds(burstStarted);
        // The JVM must not outlive its parent, however the parent died.
        const jvmPolls = await eventually(
          'DynamoDB Local to exit after its parent was killed',
          async () => (jvmsOf(dataDir).length === 0 ? true : undefined),
          { attempts: 300 },
        );
        expect(jvmPolls).toBe(true);
        rounds.push({
          round,
          'accepted in the round': accepted,
          'requests cut off by the kill': transportErrors.count,
          'burst until kill': killedAfter,
        });
        runtime = await startRuntime();
        expect(runtime.demoId).toBe(id);
      }

      // After the last restart: the rest of the voters, and everyone whose answer was lost retries with the same
      // submission id. A stored ballot answers 200 with its original receipt; one never stored is cast now.
      await pool(
        voters.filter((v) => v.state !== 'accepted'),
        SCALE.killConcurrency,
        async (voter) => {
          const prior = voter.state;
          const { status, json } = await call(runtime, 'POST', `/b/${voter.token}`, voter.body);
          accept(voter, prior, status, json);
        },
      );
      expect(unexpected).toEqual([]);
      expect(voters.every((v) => v.state === 'accepted')).toBe(true);
      const receipts = voters.map((v) => v.receipt);
      expect(new Set(receipts).size).toBe(voters.length);

      // Settled: the results reach every ballot and then stay put.
      const settleStarted = performance.now();
      let last = '';
      let stable = 0;
      let polls = 0;
      const results = await eventually(
        'the results to count every accepted ballot and settle',
        async () => {
          polls++;
          const { json } = await call(runtime, 'GET', `/api/campaigns/${id}/results`, undefined, true);
          const { asOf: _, ...rest } = json;
          const text = JSON.stringify(rest);
          stable = text === last && json.ballots >= voters.length ? stable + 1 : 0;
          last = text;
          return stable >= STABLE_POLLS ? json : undefined;
        },
        { attempts: SETTLE_POLLS },
      );
      const settleTime = seconds(settleStarted);

      // Counted once: the results are the results math over exactly what the voters sent.
      const casts: CastBallot[] = voters.map((v) => castOf(campaign, v.group, v.body));
      const after = await call(runtime, 'GET', `/api/campaigns/${id}`, undefined, true);
      expect(results.ballots).toBe(voters.length);
      expect(countsOf(results)).toEqual({
        // a live answer: one consistent cut, not the closing record
        final: false,
        settled: true,
        ...JSON.parse(
          JSON.stringify(
            computeResults({
              campaignId: id,
              campaign,
              status: after.json.status,
              asOf: results.asOf,
              tally: tallyOf(casts),
              issued: after.json.issued,
            }),
          ),
        ),
      });

      // Stored: every voter's ballot is there under its receipt (a retry is answered from the stored item).
      const mismatches: string[] = [];
      await pool(voters, SCALE.killConcurrency, async (voter) => {
        const { status, json } = await call(runtime, 'POST', `/b/${voter.token}`, voter.body);
        if (status !== 200 || json.receipt !== voter.receipt)
          mismatches.push(`${status} ${JSON.stringify(json)}`);
      });
      expect(mismatches).toEqual([]);

      // A clean stop leaves nothing behind either.
      await stopRuntime(runtime, 'SIGTERM');
      await eventually('DynamoDB Local to exit after a clean stop', async () =>
        jvmsOf(dataDir).length === 0 ? true : undefined,
      );

      report('SIGKILL mid-burst and restart', {
        ballots: voters.length,
        concurrency: SCALE.killConcurrency,
        kills: SCALE.killRounds,
        rounds,
        'voters cut off by a kill, then retried': voters.filter((v) => v.cut).length,
        'of those, already stored (200 with the original receipt)': voters.filter(
          (v) => v.acceptedWith === 200,
        ).length,
        'results.ballots': results.ballots,
        'polls until settled after the last restart': `${polls} (${settleTime})`,
        duration: seconds(started),
      });
    },
    TEST_TIMEOUT,
  );
});
