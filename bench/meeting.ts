// Benchmark: a meeting. 500 evaluators scan their codes within 40 s; each opens the ballot page, fetches its script,
// fills it in (5–15 s), and submits. Latency of each step (p50/p95/p99), every error, and every ballot counted.
import { randomUUID } from 'node:crypto';
import { BODY, issue } from './ingest.ts';
import { ADMIN, percentile, startRuntime } from './runtime.ts';

type Step = 'page' | 'script' | 'submit';

export async function benchMeeting(evaluators = 500, arrivalSeconds = 40) {
  const runtime = await startRuntime();
  try {
    const tokens = await issue(runtime, evaluators);
    const times: Record<Step, number[]> = { page: [], script: [], submit: [] };
    const errors: string[] = [];
    const timed = async (step: Step, url: string, init?: RequestInit) => {
      const started = performance.now();
      try {
        const response = await fetch(url, init);
        const body = await response.text();
        times[step].push(performance.now() - started);
        if (!response.ok) errors.push(`${step} ${response.status}`);
        return body;
      } catch (error) {
        errors.push(`${step} ${error instanceof Error ? error.message : String(error)}`);
        return '';
      }
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token, i) => {
        await sleep((i / evaluators) * arrivalSeconds * 1000);
        const url = `${runtime.baseUrl}/b/${token}`;
        const page = await timed('page', url, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
        const script = /<script defer="" src="([^"]+)"/.exec(page)?.[1];
        if (script) await timed('script', `${runtime.baseUrl}${script}`);
        else errors.push('page without its script');
        await sleep(5000 + Math.random() * 10_000);
        await timed('submit', url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...BODY, submissionId: randomUUID() }),
        });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // Every accepted ballot counted: a consistent results answer reaches them all.
    let counted = 0;
    for (let i = 0; i < 600 && counted < evaluators; i++) {
      const response = await fetch(`${runtime.baseUrl}/api/campaigns/${runtime.demo.id}/results`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const body = (await response.json()) as { ballots: number; settled: boolean };
      if (body.settled) counted = body.ballots;
      if (counted < evaluators) await sleep(100);
    }
    const steps = (['page', 'script', 'submit'] as const).map((step) => ({
      step,
      requests: times[step].length,
      p50Ms: Math.round(percentile(times[step], 50)),
      p95Ms: Math.round(percentile(times[step], 95)),
      p99Ms: Math.round(percentile(times[step], 99)),
      maxMs: Math.round(Math.max(...times[step])),
    }));
    return {
      steps,
      summary: { evaluators, seconds: Math.round(seconds), errors: errors.length, counted },
      errors: errors.slice(0, 10),
    };
  } finally {
    await runtime.stop();
  }
}
