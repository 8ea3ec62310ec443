// Benchmark: ballots/s through HTTP (POST /b/{token}) ÷ raw conditional PutItem/s of same-size items on the same
// DynamoDB Local at the same concurrency, back-to-back: raw phases with the runtime's process stopped (nothing else
// running), beside it as recorded before, and raw transactions of the API's shape; and the lag from 201 to
// visible in a consistent results answer under a burst.
import { randomUUID } from 'node:crypto';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, toBallotItem } from '@pingyi/data';
import type { CastBallot } from '@pingyi/domain';
import { ADMIN, percentile, pool, type Runtime, startRuntime } from './runtime.ts';

/** A full ballot of the party group: every subject rated, two items, one matter. */
export const BODY = {
  answers: {
    'org-edu': { overall: 'S', items: { p1: 'S', p2: 'B' } },
    'org-school': { overall: 'B' },
    'm-li': { overall: 'S' },
    'm-wang': { overall: 'X' },
    'c-chen': { overall: 'A' },
    'c-zhao': { overall: 'N' },
  },
  matters: { best: ['营养午餐改善'], worst: ['校车安全管理'], otherBest: '', otherWorst: '' },
};
const CAST: CastBallot = {
  group: 'party',
  ratings: Object.fromEntries(
    Object.entries(BODY.answers).map(([s, a]) => [
      s,
      { overall: a.overall, ...('items' in a ? a.items : {}) },
    ]),
  ),
  commented: [],
  best: BODY.matters.best,
  worst: BODY.matters.worst,
};

export async function issue(runtime: Runtime, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = Math.min(5000, count - tokens.length);
    const { codes } = await runtime.organizer<{ codes: { token: string }[] }>(
      'POST',
      `/api/campaigns/${runtime.demo.id}/codes`,
      { group: 'party', count: batch },
    );
    tokens.push(...codes.map((c) => c.token));
  }
  return tokens;
}

/** Submits the full ballot with one token over HTTP and counts the answer's status. */
export function voter(runtime: Runtime, statuses: Map<number, number>) {
  return async (token: string) => {
    const response = await fetch(`${runtime.baseUrl}/b/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...BODY, submissionId: randomUUID() }),
    });
    await response.arrayBuffer();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  };
}

export async function benchIngest(levels = [16, 64], perPhase = 1500) {
  const runtime = await startRuntime();
  try {
    const db = createDocumentClient({
      region: 'cn-north-1',
      endpoint: runtime.dynamoEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const ballotItem = () =>
      toBallotItem({
        campaign: 'bench000',
        ballotKey: `t.party.${randomUUID()}`,
        ballot: CAST,
        submissionId: randomUUID(),
        secret: Buffer.from('bench-secret'),
      });
    const rawPut = async () => {
      await db.send(
        new PutCommand({
          TableName: 'pingyi',
          Item: ballotItem(),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    };
    // The shape the API writes: the ballot (conditional) and its receipt, in one transaction.
    const rawTransaction = async () => {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: 'pingyi',
                Item: ballotItem(),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: 'pingyi', Item: { pk: 'RC#bench000#x', sk: randomUUID() } } },
          ],
        }),
      );
    };
    /** Raw phases with the runtime's process stopped (SIGSTOP): nothing but DynamoDB Local and this load. */
    const alone = async <T>(work: () => Promise<T>): Promise<T> => {
      process.kill(runtime.pid, 'SIGSTOP');
      try {
        return await work();
      } finally {
        process.kill(runtime.pid, 'SIGCONT');
      }
    };
    const statuses = new Map<number, number>();
    const vote = voter(runtime, statuses);

    // Warm both paths (JIT, JVM, connection pools) before measuring.
    const warm = await issue(runtime, 300);
    await pool(300, 16, () => rawPut());
    await pool(300, 16, (i) => vote(warm[i] ?? ''));

    const ingest = [];
    const rate = async (concurrency: number, task: (i: number) => Promise<void>) =>
      perPhase / (await pool(perPhase, concurrency, task));
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    for (const concurrency of levels) {
      const tokens = await issue(runtime, perPhase);
      // Beside the runtime (its API idle, its poller polling), as recorded before: the earlier figure.
      const besideBefore = await rate(concurrency, () => rawPut());
      const aloneBefore = await alone(() => rate(concurrency, () => rawPut()));
      const transactions = await alone(() => rate(concurrency, () => rawTransaction()));
      const http = await rate(concurrency, (i) => vote(tokens[i] ?? ''));
      const aloneAfter = await alone(() => rate(concurrency, () => rawPut()));
      const besideAfter = await rate(concurrency, () => rawPut());
      const beside = (besideBefore + besideAfter) / 2;
      const raw = (aloneBefore + aloneAfter) / 2;
      ingest.push({
        concurrency,
        ballots: perPhase,
        httpBallotsPerSecond: Math.round(http),
        rawPutsAlonePerSecond: Math.round(raw),
        ratio: ratio(http, raw),
        rawTransactionsAlonePerSecond: Math.round(transactions),
        ratioToTransactions: ratio(http, transactions),
        rawPutsBesideRuntimePerSecond: Math.round(beside),
        ratioBesideRuntime: ratio(http, beside),
      });
    }

    return { ingest, statuses: Object.fromEntries(statuses) };
  } finally {
    await runtime.stop();
  }
}

/**
 * Aggregation lag: a burst at concurrency 64; the k-th accepted ballot is visible once a consistent results answer
 * (settled, and every subject's counts adding up to its groups' turnout) counts k.
 */
export async function benchLag(burst = 2000) {
  const runtime = await startRuntime();
  try {
    const statuses = new Map<number, number>();
    const vote = voter(runtime, statuses);
    // Warm the paths (JIT, JVM, connection pools) before measuring.
    const warm = await issue(runtime, 300);
    await pool(300, 16, (i) => vote(warm[i] ?? ''));
    const tokens = await issue(runtime, burst);
    const answers = { polled: 0, consistent: 0, unsettled: 0, torn: 0, unavailable: 0 };
    const results = async (): Promise<number | undefined> => {
      answers.polled++;
      const response = await fetch(`${runtime.baseUrl}/api/campaigns/${runtime.demo.id}/results`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      if (response.status === 503) {
        answers.unavailable++;
        return undefined;
      }
      const body = (await response.json()) as ResultsShape;
      if (tornParts(body).length > 0) {
        answers.torn++;
        return undefined;
      }
      if (!body.settled) {
        answers.unsettled++;
        return undefined;
      }
      answers.consistent++;
      return body.ballots;
    };
    const baseline = (await results()) ?? 0;
    const accepted: number[] = [];
    const seen: { at: number; count: number }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const count = await results();
        if (count !== undefined) seen.push({ at: performance.now(), count: count - baseline });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await pool(burst, 64, async (i) => {
      await vote(tokens[i] ?? '');
      accepted.push(performance.now());
    });
    for (let i = 0; i < 2400; i++) {
      if ((seen.at(-1)?.count ?? 0) >= burst) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    polling = false;
    await poller;
    accepted.sort((a, b) => a - b);
    const lags = accepted.map((at, k) => {
      const visible = seen.find((s) => s.count >= k + 1 && s.at >= at);
      return visible ? visible.at - at : Number.NaN;
    });
    const lag = {
      burst,
      p50Ms: Math.round(percentile(lags, 50)),
      p95Ms: Math.round(percentile(lags, 95)),
      maxMs: Math.round(Math.max(...lags)),
      notVisible: lags.filter(Number.isNaN).length,
      ...answers,
    };
    return { lag, statuses: Object.fromEntries(statuses) };
  } finally {
    await runtime.stop();
  }
}

interface ResultsShape {
  ballots: number;
  settled: boolean;
  turnout: Record<string, { ballots: number }>;
  subjects: { id: string; overall: { byGroup: Record<string, { counts: Record<string, number> }> } }[];
}

/** Parts of an answer that are not one count: a subject whose counts for a group differ from its turnout. */
function tornParts(results: ResultsShape): string[] {
  const torn: string[] = [];
  for (const subject of results.subjects) {
    for (const [group, { counts }] of Object.entries(subject.overall.byGroup)) {
      const sum = Object.values(counts).reduce((a, b) => a + b, 0);
      if (sum !== (results.turnout[group]?.ballots ?? 0)) torn.push(`${subject.id}/${group}`);
    }
  }
  return torn;
}
