// Handing requests to a lazily imported app: one load for concurrent first requests, a failed load tried again.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { toLazyApp } from './lazy-app.ts';

/** An app in front of a lazily loaded one whose first `failures` loads fail; counts the loads. */
function front(failures: number) {
  let loads = 0;
  const inner = new Hono().get('/x', (c) => c.text(`inner ${String((c.env as { tag?: string }).tag)}`));
  const app = new Hono().all(
    '*',
    toLazyApp(async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (loads <= failures) throw new Error('chunk missing');
      return inner;
    }),
  );
  app.onError((error, c) => c.text(error.message, 500));
  return { app, loads: () => loads };
}

describe('toLazyApp', () => {
  it('loads the app once for concurrent first requests and hands each request over with its environment', async () => {
    const { app, loads } = front(0);
    const answers = await Promise.all([1, 2, 3].map(() => app.request('/x', {}, { tag: 'env' })));
    expect(await Promise.all(answers.map((r) => r.text()))).toEqual(['inner env', 'inner env', 'inner env']);
    expect(loads()).toBe(1);
    expect((await app.request('/nowhere')).status).toBe(404);
    expect(loads()).toBe(1);
  });

  it('forgets a failed load, so the next request loads again', async () => {
    const { app, loads } = front(1);
    const first = await app.request('/x');
    expect([first.status, await first.text()]).toEqual([500, 'chunk missing']);
    const second = await app.request('/x', {}, { tag: 'again' });
    expect([second.status, await second.text()]).toEqual([200, 'inner again']);
    expect(loads()).toBe(2);
  });
});
