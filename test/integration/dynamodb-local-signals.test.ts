// DynamoDB Local's JVM and the signals of the process that started it: a process with its own shutdown (npm start:
// the stream poller's last batch, then DynamoDB Local) keeps its database until it stops it, whether the signal
// came from `kill` or from Ctrl-C in a terminal (a signal to the whole process group); a process without one dies
// of the signal and takes the JVM with it.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The fixture in a process group of its own (as a terminal runs a command), with its output as JSON lines. */
function start(mode: 'own' | 'plain') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/signal-owner.ts', mode], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const line = async (key: string) => {
    for (;;) {
      const found = lines.find((l) => key in l);
      if (found) return found[key];
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { child, exited, line };
}

/** Whether anything still answers on the port (the JVM gone: the connection is refused). */
const answers = (port: unknown) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );

async function goneSoon(port: unknown): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!(await answers(port))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('DynamoDB Local and the signals of its process', () => {
  it.each([
    {
      how: 'SIGTERM to the process',
      send: (pid: number) => process.kill(pid, 'SIGTERM'),
    },
    {
      how: 'Ctrl-C in a terminal (SIGINT to the process group)',
      send: (pid: number) => process.kill(-pid, 'SIGINT'),
    },
  ])('stays up after $how until its process stops it, and is gone after it', async ({ send }) => {
    const fixture = start('own');
    const port = await fixture.line('port');
    send(fixture.child.pid as number);
    expect(await fixture.line('afterSignal')).toBe('ok');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(await goneSoon(port)).toBe(true);
  });

  it('ends with a process that has no handler of its own, which dies of the signal', async () => {
    const fixture = start('plain');
    const port = await fixture.line('port');
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await goneSoon(port)).toBe(true);
  });
});
