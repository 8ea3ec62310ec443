// Benchmark: ballots/s through HTTP (POST /b/{token}) ÷ raw conditional PutItem/s of same-size items on the same
// DynamoDB Local at the same concurrency, back-to-back; and the lag from 201 to visible in results under a burst.
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
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
    const rawPut = async () => {
      const item = toBallotItem({
        campaign: 'bench000',
        ballotKey: `t.party.${randomUUID()}`,
        ballot: CAST,
        submissionId: randomUUID(),
        secret: Buffer.from('bench-secret'),
      });
      await db.send(
        new PutCommand({ TableName: 'pingyi', Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    };
    const statuses = new Map<number, number>();
    const vote = voter(runtime, statuses);

    // Warm both paths (JIT, JVM, connection pools) before measuring.
    const warm = await issue(runtime, 300);
    await pool(300, 16, () => rawPut());
    await pool(300, 16, (i) => vote(warm[i] ?? ''));

    const ingest = [];
    for (const concurrency of levels) {
      const tokens = await issue(runtime, perPhase);
      const rawBefore = perPhase / (await pool(perPhase, concurrency, () => rawPut()));
      const http = perPhase / (await pool(perPhase, concurrency, (i) => vote(tokens[i] ?? '')));
      const rawAfter = perPhase / (await pool(perPhase, concurrency, () => rawPut()));
      const raw = (rawBefore + rawAfter) / 2;
      ingest.push({
        concurrency,
        ballots: perPhase,
        httpBallotsPerSecond: Math.round(http),
        rawPutsPerSecond: Math.round(raw),
        ratio: Math.round((http / raw) * 100) / 100,
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
