// `npm run profile`: a V8 CPU profile of the runtime's Node process while it accepts ballots over HTTP, and the
// top of it by self time. PROFILE_AGGREGATION=on profiles the whole runtime (API, poller and aggregation);
// by default the API alone (its poller stopped), as it runs on its own Lambda. The .cpuprofile file is kept
// (open it in Chrome DevTools → Performance, or speedscope).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue, voter } from './ingest.ts';
import { pool, startRuntime } from './runtime.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ballots = Number(process.env.PROFILE_BALLOTS ?? 1200);
const aggregation = process.env.PROFILE_AGGREGATION === 'on';
const dir = mkdtempSync(join(tmpdir(), 'pingyi-profile-'));
const runtime = await startRuntime({
  aggregation,
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'],
});
const statuses = new Map<number, number>();
const window = { start: 0, end: 0 };
try {
  const vote = voter(runtime, statuses);
  const warm = await issue(runtime, 300);
  await pool(warm.length, 16, (i) => vote(warm[i] ?? ''));
  const tokens = await issue(runtime, ballots);
  // V8 stamps samples with the system's monotonic clock in µs, as process.hrtime does in ns: the window is the
  // ballots alone (start-up, warm-up and code issue left out).
  window.start = Number(process.hrtime.bigint() / 1000n);
  await pool(ballots, 16, (i) => vote(tokens[i] ?? ''));
  window.end = Number(process.hrtime.bigint() / 1000n);
} finally {
  await runtime.stop();
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
writeFileSync(join(dir, 'window.json'), JSON.stringify(window));

// Self time per node, then per function (name + file + line) and per package.
const self = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= window.start && at <= window.end) self.set(id, (self.get(id) ?? 0) + delta);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
  const name = idle.has(functionName)
    ? functionName
    : `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const pkg = idle.has(functionName) ? functionName : packageOf(where);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const busy = total - (byFunction.get('(idle)') ?? 0);

/** The npm package or workspace package a script belongs to; Node's own code and native frames as one. */
function packageOf(where: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1];
  if (dependency) return dependency;
  const workspace = /packages\/([^/]+)/.exec(where)?.[1];
  if (workspace) return `@pingyi/${workspace}`;
  return where.startsWith('node:') || where === '' ? '(node internals)' : where;
}
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({
      name: name.length > 110 ? `…${name.slice(-109)}` : name,
      msPerBallot: Math.round((us / 1000 / ballots) * 1000) / 1000,
      percentOfBusy: Math.round((us / busy) * 1000) / 10,
    }));
console.log(
  `\n${aggregation ? 'whole runtime' : 'API alone'}: ${ballots} ballots (${JSON.stringify(Object.fromEntries(statuses))}), ` +
    `${((window.end - window.start) / 1e6).toFixed(1)} s; busy (sampled, not idle) ${(busy / 1000 / ballots).toFixed(2)} ms per ballot\nprofile: ${join(dir, file)}`,
);
console.log('\nTop functions by self time');
console.table(top(byFunction, Number(process.env.PROFILE_TOP ?? 25)));
console.log('\nSelf time by package');
console.table(top(byPackage, 15));
