// Load with faults: ballots at concurrency 64 through a real HTTP port while the aggregate handler throws on
// every 7th batch and, once, dies after writing half its updates. Nothing is lost, nothing counted twice.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { serve } from '@hono/node-server';
import { type AppDeps, createApp } from '@pingyi/api';
import {
  aggregateKey,
  aggregatesOfTally,
  ballotsOf,
  countedFromStream,
  createDocumentClient,
  type Db,
  ensureTable,
  isCountedInsert,
  listComments,
  readTally,
  recountTally,
} from '@pingyi/data';
import { type CastBallot, computeResults, tallyOf } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AggregateEvent, createAggregateHandler } from '../../functions/aggregate/handler.ts';
import { type StreamBatchEvent, startStreamPoller } from '../../packages/local/src/stream-poller.ts';
import { countsOf } from '../support/results.ts';
import { ADMIN_TOKEN, DURING_WINDOW, exampleCampaign } from '../support/stack.ts';
import {
  ballotBody,
  castOf,
  type Loose,
  newSubmissionId,
  parseCampaign,
  pool,
  random,
  report,
  SCALE,
  seconds,
  storedReceipts,
  TEST_TIMEOUT,
} from './support.ts';

const clientConfig = {
  region: 'cn-north-1',
  endpoint: inject('dynamoEndpoint'),
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

/** Poller retries per failing sequence number: injected faults fail a record at most twice in a row. */
const MAX_RETRIES = 5;
const EVERY_NTH_BATCH_THROWS = 7;
/** At most this many open-link ballots: one source address, below any per-source limit of open links. */
const OPEN_LINK_BALLOTS = 40;

interface Voter {
  group: string;
  token: string;
  body: ReturnType<typeof ballotBody>;
  /** retry the same submission after the answer (a lost response): must be 200 with the same receipt */
  retry: boolean;
  /** a second ballot on the same code under another submission id: must be 409 */
  second: boolean;
}

describe('10,000 ballots at concurrency 64 with a failing aggregate handler (CI: 1,000)', () => {
  let db: Db;
  let baseUrl: string;
  let server: ReturnType<typeof serve>;
  let stopPoller: () => Promise<void>;
  let pollerIdle: () => Promise<void>;
  const faults = {
    invocations: 0,
    thrownBeforeHandler: 0,
    halfWrite: undefined as
      | undefined
      | {
          invocation: number;
          ballots: number;
          items: number;
          allowed: number;
          blocked: number;
          failed: boolean;
        },
    batchFailures: 0,
    maxAttempt: 0,
    deadLetters: 0,
    ballotsDelivered: 0,
  };

  beforeAll(async () => {
    const tableName = `reliability-load-${randomUUID()}`;
    const streamArn = await ensureTable(new DynamoDBClient(clientConfig), tableName);
    db = { client: createDocumentClient(clientConfig), tableName };

    // The fault injection sits around the real handler module; the poller is the one `npm start` runs.
    const handler = createAggregateHandler(db);
    const flaky = createDocumentClient(clientConfig);
    let updatesAllowed = Number.POSITIVE_INFINITY;
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand' && updatesAllowed-- <= 0) {
          if (faults.halfWrite) faults.halfWrite.blocked++;
          throw new Error('injected: the aggregate function died after writing half its updates');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failAfterHalfTheUpdates' },
    );
    const halfWriting = createAggregateHandler({ client: flaky, tableName });

    const faulty = async (event: StreamBatchEvent) => {
      const n = ++faults.invocations;
      if (n % EVERY_NTH_BATCH_THROWS === 0) {
        faults.thrownBeforeHandler++;
        throw new Error(`injected: batch ${n} fails before the handler runs`);
      }
      if (!faults.halfWrite && n >= 3 && event.Records.length >= 2) {
        const items = distinctAggregateItems(event);
        const allowed = Math.floor(items / 2);
        faults.halfWrite = {
          invocation: n,
          ballots: event.Records.length,
          items,
          allowed,
          blocked: 0,
          failed: false,
        };
        updatesAllowed = allowed;
        try {
          const response = await halfWriting(event as AggregateEvent);
          faults.halfWrite.failed = response.batchItemFailures.length > 0;
          return response;
        } finally {
          updatesAllowed = Number.POSITIVE_INFINITY;
        }
      }
      const response = await handler(event as AggregateEvent);
      if (response.batchItemFailures.length === 0) faults.ballotsDelivered += event.Records.length;
      return response;
    };

    const poller = startStreamPoller({
      streams: new DynamoDBStreamsClient(clientConfig),
      streamArn,
      handler: faulty,
      filter: isCountedInsert,
      intervalMs: 20,
      // small pages, so that even the CI scale makes enough batches for every 7th to fail
      batchSize: 100,
      maxRetries: MAX_RETRIES,
      onDeadLetter: () => {
        faults.deadLetters++;
      },
      log: (msg, extra) => {
        if (msg !== 'stream batch failed') return;
        faults.batchFailures++;
        const attempt = (extra as { attempt?: number }).attempt ?? 0;
        faults.maxAttempt = Math.max(faults.maxAttempt, attempt);
      },
    });
    stopPoller = () => poller.stop();
    pollerIdle = () => poller.idle();

    const deps: AppDeps = {
      db,
      codeSecret: Buffer.from(`secret-${randomUUID()}`),
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://127.0.0.1',
      now: () => DURING_WINDOW,
    };
    const app = createApp(deps);
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await stopPoller?.();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const organizer = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Loose;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** A voter's POST; a transport error (never expected on loopback) is retried with the same submission. */
  async function vote(token: string, body: unknown, outcome: { transportRetries: number }) {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${baseUrl}/b/${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, json: (await response.json()) as Loose, attempt };
      } catch (error) {
        if (attempt >= 3) throw error;
        outcome.transportRetries++;
      }
    }
  }

  it(
    'stores exactly the 201s, counts each once, and the results API equals a recount',
    async () => {
      const started = performance.now();
      const campaign = parseCampaign(exampleCampaign);
      const { id } = await organizer('POST', '/api/campaigns', exampleCampaign);
      await organizer('POST', `/api/campaigns/${id}/open`);

      const total = SCALE.loadBallots;
      const open = Math.min(OPEN_LINK_BALLOTS, Math.floor(total / 20));
      const perGroup = { party: Math.ceil((total - open) / 2), staff: Math.floor((total - open) / 2) };
      const voters: Voter[] = [];
      const rnd = random(641_000);
      const voter = (group: string, token: string): Voter => {
        const found = campaign.groups.find((g) => g.id === group);
        if (!found) throw new Error(`no group ${group}`);
        return { group, token, body: ballotBody(campaign, found, rnd), retry: false, second: false };
      };
      for (const [group, count] of Object.entries(perGroup)) {
        for (let from = 0; from < count; from += 5000) {
          const issued = await organizer('POST', `/api/campaigns/${id}/codes`, {
            group,
            count: Math.min(5000, count - from),
          });
          for (const { token } of issued.codes as { token: string }[]) voters.push(voter(group, token));
        }
      }
      const links = (await organizer('GET', `/api/campaigns/${id}/links`)) as Record<string, string>;
      const openToken = links.public?.split('/b/')[1];
      if (!openToken) throw new Error('no open link');
      for (let i = 0; i < open; i++) voters.push(voter('public', openToken));
      // Interleave the groups, and mark the voters who retry or try to vote twice.
      for (let i = voters.length - 1; i > 0; i--) {
        const j = rnd.int(i + 1);
        [voters[i], voters[j]] = [voters[j] as Voter, voters[i] as Voter];
      }
      voters.forEach((voter, i) => {
        voter.retry = i % 50 === 7;
        voter.second = voter.group !== 'public' && i % 97 === 3;
      });
      const setupTime = seconds(started);

      const accepted: { receipt: string; cast: CastBallot }[] = [];
      const unexpected: string[] = [];
      const counts = { 201: 0, 200: 0, 409: 0, transportRetries: 0, acceptedOnRetry: 0 };
      const burstStarted = performance.now();
      // A second ballot on a used code: valid for its group, so only the code's use can refuse it.
      const secondBody = (group: string) => voters.find((v) => v.group === group)?.body;
      await pool(voters, SCALE.loadConcurrency, async (voter) => {
        const { body } = voter;
        const first = await vote(voter.token, body, counts);
        let receipt: string | undefined;
        if (first.status === 201) {
          counts[201]++;
          receipt = first.json.receipt;
        } else if (first.status === 200 && first.attempt > 1) {
          counts.acceptedOnRetry++; // the first attempt was stored, its answer lost: the retry says so
          receipt = first.json.receipt;
        } else {
          unexpected.push(`first ${first.status} ${JSON.stringify(first.json)}`);
          return;
        }
        if (typeof receipt !== 'string') throw new Error('no receipt');
        accepted.push({ receipt, cast: castOf(campaign, voter.group, body) });
        if (voter.retry) {
          const again = await vote(voter.token, body, counts);
          if (again.status === 200 && again.json.receipt === receipt) counts[200]++;
          else unexpected.push(`retry ${again.status} ${JSON.stringify(again.json)}`);
        }
        if (voter.second) {
          const again = await vote(
            voter.token,
            { ...secondBody(voter.group), submissionId: newSubmissionId() },
            counts,
          );
          if (again.status === 409 && again.json.error?.message) counts[409]++;
          else unexpected.push(`second ${again.status} ${JSON.stringify(again.json)}`);
        }
      });
      const burstTime = seconds(burstStarted);
      const requests = voters.length + counts[200] + counts[409];

      const drainStarted = performance.now();
      await pollerIdle();
      const drainTime = seconds(drainStarted);

      expect(unexpected).toEqual([]);
      expect(counts[201] + counts.acceptedOnRetry).toBe(voters.length);
      expect(counts[200]).toBe(voters.filter((v) => v.retry).length);
      expect(counts[409]).toBe(voters.filter((v) => v.second).length);

      // Stored: exactly the accepted receipts, each once.
      const receipts = accepted.map((a) => a.receipt).sort();
      expect(new Set(receipts).size).toBe(receipts.length);
      expect(await storedReceipts(db, id)).toEqual(receipts);
      let scanned = 0;
      for await (const _ of ballotsOf(db, id)) scanned++;
      expect(scanned).toBe(counts[201] + counts.acceptedOnRetry);

      // Counted: the live aggregates equal a recount, which equals what the voters sent.
      const recount = await recountTally(db, id);
      const expected = tallyOf(accepted.map((a) => a.cast));
      expect(recount).toEqual(expected);
      expect(await readTally(db, id)).toEqual(recount);

      // The results API, over HTTP, equals the results math over the recount.
      const record = await organizer('GET', `/api/campaigns/${id}`);
      const results = await organizer('GET', `/api/campaigns/${id}/results`);
      expect(countsOf(results)).toEqual({
        // a live answer: one consistent cut, not the closing record
        final: false,
        settled: true,
        ...JSON.parse(
          JSON.stringify(
            computeResults({
              campaignId: id,
              campaign,
              status: record.status,
              asOf: DURING_WINDOW.toISOString(),
              tally: recount,
              issued: record.issued,
            }),
          ),
        ),
      });
      expect(results.ballots).toBe(voters.length);

      // Comments: stored apart, one per commented subject of an accepted ballot, none from rejected requests.
      for (const subject of campaign.subjects) {
        const want = accepted.filter((a) => a.cast.commented.includes(subject.id)).length;
        expect((await listComments(db, id, subject.id)).length).toBe(want);
      }

      // The faults really happened, were retried, and never exhausted the retries.
      expect(faults.thrownBeforeHandler).toBeGreaterThan(0);
      expect(faults.halfWrite).toMatchObject({ failed: true });
      expect(faults.halfWrite?.allowed).toBeGreaterThan(0);
      expect(faults.halfWrite?.blocked).toBeGreaterThan(0);
      expect(faults.batchFailures).toBe(faults.thrownBeforeHandler + 1);
      expect(faults.deadLetters).toBe(0);
      expect(faults.maxAttempt).toBeLessThanOrEqual(MAX_RETRIES);

      report('load with aggregate faults', {
        ballots: voters.length,
        concurrency: SCALE.loadConcurrency,
        requests,
        'responses 201 / 200 (retry) / 409 (second vote)': `${counts[201]} / ${counts[200]} / ${counts[409]}`,
        'transport retries (accepted on retry)': `${counts.transportRetries} (${counts.acceptedOnRetry})`,
        'stored ballots (scan)': scanned,
        'results.ballots': results.ballots,
        'handler invocations': faults.invocations,
        'batches thrown before the handler (every 7th)': faults.thrownBeforeHandler,
        'half-write fault': faults.halfWrite,
        'failed batches retried by the poller': faults.batchFailures,
        'max attempts on one record': faults.maxAttempt,
        'dead letters': faults.deadLetters,
        'mean ballots per successful batch': (
          faults.ballotsDelivered / Math.max(1, faults.invocations - faults.batchFailures)
        ).toFixed(1),
        'setup / burst / drain after burst': `${setupTime} / ${burstTime} / ${drainTime}`,
        'burst throughput (requests/s, reported only)': (
          requests /
          ((performance.now() - burstStarted) / 1000)
        ).toFixed(0),
      });
    },
    TEST_TIMEOUT,
  );
});

/** Distinct aggregate items a batch touches: what "half its updates" is half of. */
function distinctAggregateItems(event: StreamBatchEvent): number {
  const keys = new Set<string>();
  for (const record of event.Records) {
    const { campaign, tally } = countedFromStream(
      record.dynamodb?.NewImage as Record<string, AttributeValue>,
    );
    for (const aggregate of aggregatesOfTally(tally)) keys.add(aggregateKey(campaign, aggregate.scope).sk);
  }
  return keys.size;
}
