// Starts `npm start`'s runtime (packages/local/src/start.ts) as its own process, as the API runs on its own
// Lambda: load is generated from the benchmark process, so client and server do not share an event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../packages/local/src/dynamodb-local.ts';

export const ADMIN = 'bench-organizer-token-0123456789';

export interface Runtime {
  baseUrl: string;
  /** the runtime's Node process (DynamoDB Local's JVM is a child of it, with its own pid) */
  pid: number;
  dynamoEndpoint: string;
  demo: { id: string };
  organizer<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** false: the API alone, its stream poller stopped (PINGYI_AGGREGATION=off), as the API runs on its own Lambda */
  aggregation?: boolean;
  /** extra Node.js flags, e.g. --cpu-prof */
  nodeArgs?: string[];
}

export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  // BENCH_DATA_ROOT=/dev/shm puts DynamoDB Local's files in memory: how much of a figure is this machine's disk
  const dataDir = mkdtempSync(join(process.env.BENCH_DATA_ROOT ?? tmpdir(), 'pingyi-bench-runtime-'));
  const port = await freePort();
  // BENCH_RUNTIME_LOG=file keeps the runtime's debug log (the stream poller's per-batch timings) for analysis.
  const logFile = process.env.BENCH_RUNTIME_LOG;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'packages/local/src/start.ts'],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        PORT: String(port),
        PINGYI_DATA_DIR: dataDir,
        PINGYI_ADMIN_TOKEN: ADMIN,
        PINGYI_EXPORT_INTERVAL_MS: '0',
        PINGYI_LOG_LEVEL: logFile ? 'debug' : 'warn',
        ...(options.aggregation === false ? { PINGYI_AGGREGATION: 'off' } : {}),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', logFile ? openSync(logFile, 'w') : 'ignore', 'inherit'],
    },
  );
  const demoFile = join(dataDir, 'demo.json');
  // demo.json is written last, after the server is listening; a file that exists may still be half-written
  const written = (file: string) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  let demo: { id: string } | undefined;
  for (let i = 0; i < 600 && demo === undefined; i++) {
    if (child.exitCode !== null) throw new Error(`runtime exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
    demo = existsSync(demoFile) ? written(demoFile) : undefined;
  }
  const runtime = written(join(dataDir, 'runtime.json'));
  if (!demo || !runtime) {
    child.kill('SIGTERM'); // never leave a runtime behind
    throw new Error('the runtime did not start within 60 s');
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    pid: child.pid ?? 0,
    dynamoEndpoint: runtime.dynamoEndpoint,
    demo,
    async organizer<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `count` tasks with at most `concurrency` in flight; returns how long it took in seconds. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** User and system CPU in milliseconds from a /proc stat line (Linux; USER_HZ is 100 on every Linux this runs on). */
function statMs(stat: string): { user: number; system: number } {
  // the command name (field 2) may contain spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** CPU time a process has used so far, in milliseconds, from /proc/<pid>/stat: user and system, every thread. */
export function cpuMs(pid: number): { user: number; system: number } {
  return statMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU time so far of a Node process's main thread (its thread id is its pid) and of its other threads together: V8's
 * garbage collection and compiler helpers, libuv's pool. A thread that ended is no longer listed.
 */
export function threadCpuMs(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let ms: number;
    try {
      const { user, system } = statMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      ms = user + system;
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (Number(tid) === pid) main = ms;
    else others += ms;
  }
  return { main, others };
}

/** The SDK client settings for a benchmark's own DynamoDB Local (fixed region and credentials, as the local stack). */
export const localClientConfig = (endpoint: string) => ({
  region: 'cn-north-1',
  endpoint,
  credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
});
