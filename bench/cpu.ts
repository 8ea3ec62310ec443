// Benchmark: Node.js CPU time per accepted ballot, read from /proc/<pid>/stat before and after a run of ballots over
// HTTP: the API alone (its poller stopped, as the API is its own Lambda), then the whole local runtime with the
// aggregation (counted once the results include every ballot). Goals (issue 15): ≤ 1.5 ms and ≤ 3 ms. The main
// thread's share is given apart from the other threads' (V8's garbage collector and compiler helpers).
import { issue, voter } from './ingest.ts';
import { ADMIN, cpuMs, pool, type Runtime, startRuntime, threadCpuMs } from './runtime.ts';

async function counted(runtime: Runtime): Promise<number> {
  const response = await fetch(`${runtime.baseUrl}/api/campaigns/${runtime.demo.id}/results`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  if (!response.ok) return -1;
  const body = (await response.json()) as { ballots: number; settled: boolean };
  return body.settled ? body.ballots : -1;
}

async function countedReaches(runtime: Runtime, target: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if ((await counted(runtime)) >= target) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`results never reached ${target} ballots`);
}

/**
 * Two measured windows of `ballots` each in one runtime: right after a warm-up of 300 ballots (V8's optimizing
 * compiler is still at work on its helper threads), and after 3,000 (steady state, as a container that has served a
 * meeting's first minutes). Ballots between the windows are cast unmeasured.
 */
const WINDOWS = [
  { after: 300, label: 'after 300 ballots' },
  { after: 3000, label: 'after 3,000 (steady)' },
];

export async function benchCpu(ballots = 1200, concurrency = 16) {
  const rows = [];
  // BENCH_CPU=api or BENCH_CPU=whole measures one of the two (while trying a change)
  const only = process.env.BENCH_CPU;
  for (const aggregation of [false, true].filter((a) => !only || only === (a ? 'whole' : 'api'))) {
    const runtime = await startRuntime({ aggregation });
    try {
      const statuses = new Map<number, number>();
      const vote = voter(runtime, statuses);
      let cast = 0;
      const castUnmeasured = async (count: number) => {
        const tokens = await issue(runtime, count);
        await pool(tokens.length, concurrency, (i) => vote(tokens[i] ?? ''));
        cast += count;
      };
      for (const window of WINDOWS) {
        // Warm up (JIT, connection pools, the campaign cache) outside the measured window.
        await castUnmeasured(window.after - cast);
        const tokens = await issue(runtime, ballots);
        // the earlier ballots' aggregation is done before the window opens
        if (aggregation) await countedReaches(runtime, cast);
        const before = cpuMs(runtime.pid);
        const threadsBefore = threadCpuMs(runtime.pid);
        const seconds = await pool(ballots, concurrency, (i) => vote(tokens[i] ?? ''));
        cast += ballots;
        if (aggregation) await countedReaches(runtime, cast);
        const after = cpuMs(runtime.pid);
        const threadsAfter = threadCpuMs(runtime.pid);
        const perBallot = (ms: number) => Math.round((ms / ballots) * 100) / 100;
        const user = after.user - before.user;
        const system = after.system - before.system;
        rows.push({
          process: aggregation ? 'whole runtime (API + poller + aggregation)' : 'API alone (poller stopped)',
          window: window.label,
          concurrency,
          ballots,
          ballotsPerSecond: Math.round(ballots / seconds),
          cpuMsPerBallot: perBallot(user + system),
          userMs: perBallot(user),
          systemMs: perBallot(system),
          mainThreadMs: perBallot(threadsAfter.main - threadsBefore.main),
          otherThreadsMs: perBallot(threadsAfter.others - threadsBefore.others),
          goalMs: aggregation ? 3 : 1.5,
        });
      }
      // every ballot of the run, windows and warm-ups alike, was accepted
      if ((statuses.get(201) ?? 0) !== cast)
        throw new Error(`not every ballot accepted: ${JSON.stringify([...statuses])}`);
    } finally {
      await runtime.stop();
    }
  }
  return rows;
}
