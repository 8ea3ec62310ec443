// The attack: anyone on the LAN talks to DynamoDB Local (no authentication) or the app. Under `npm start`, every
// listening socket of its process tree (the app, DynamoDB Local's JVM, the local S3 server) is on loopback only.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/local/src/dynamodb-local.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'pingyi-sockets-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The process and all its descendants, from /proc (the JVM runs under a shell guard, under node). */
function processTree(root: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** `ss -ltnp`: local address and owning pids of every listening TCP socket. */
function listening(): { local: string; pids: number[] }[] {
  const out = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`ss failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      return {
        local: columns[3] ?? '',
        pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])),
      };
    });
}

const hostOf = (local: string) => local.slice(0, local.lastIndexOf(':'));
const isLoopback = (host: string) => /^127\./.test(host) || host === '[::1]' || /^\[::ffff:127\./.test(host);

describe('npm start listens on this machine only', () => {
  it('has no socket of its process tree on 0.0.0.0, *, [::] or another interface', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        PINGYI_DATA_DIR: dataDir,
        PINGYI_EXPORT_INTERVAL_MS: '0',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // set but empty is the default too, never "every interface"
        HOST: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    await new Promise<void>((ready, failed) => {
      const onLine = (line: string) => {
        output.push(line);
        if (line.includes('Ctrl-C')) ready();
      };
      if (child?.stdout) createInterface({ input: child.stdout }).on('line', onLine);
      if (child?.stderr) createInterface({ input: child.stderr }).on('line', onLine);
      child?.once('exit', () => failed(new Error(`npm start exited:\n${output.join('\n')}`)));
    });
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(healthy.status).toBe(200);

    const tree = processTree(child.pid ?? -1);
    const ours = listening().filter((socket) => socket.pids.some((pid) => tree.has(pid)));
    // the app, DynamoDB Local and the local S3 server
    expect(ours.length, JSON.stringify(ours)).toBeGreaterThanOrEqual(3);
    expect(ours.map((s) => s.local)).toContain(`127.0.0.1:${port}`);
    for (const socket of ours) expect(isLoopback(hostOf(socket.local)), socket.local).toBe(true);
  });
});
