import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitBody } from './body-limit.ts';

function app() {
  const hono = new Hono();
  hono.post('/', limitBody({ maxSize: 10, onError: (c) => c.text('too large', 413) }), async (c) =>
    c.text(`got ${(await c.req.text()).length}`),
  );
  return hono;
}

/** A body sent chunked: no Content-Length, so only counting it can tell its size. */
const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of text.match(/.{1,4}/g) ?? []) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });

describe('limitBody', () => {
  it('decides a declared length by its header, and the route still reads the body', async () => {
    const small = await app().request('/', { method: 'POST', body: '0123456789' });
    expect([small.status, await small.text()]).toEqual([200, 'got 10']);
    const large = await app().request('/', { method: 'POST', body: '0123456789a' });
    expect([large.status, await large.text()]).toEqual([413, 'too large']);
  });

  it('counts a body without a declared length as it arrives', async () => {
    const send = (text: string) =>
      app().request('/', { method: 'POST', body: chunked(text), duplex: 'half' } as RequestInit);
    const small = await send('0123456789');
    expect([small.status, await small.text()]).toEqual([200, 'got 10']);
    const large = await send('0123456789abcdef');
    expect([large.status, await large.text()]).toEqual([413, 'too large']);
  });

  it('refuses a declared length even when the body sent is shorter', async () => {
    const answer = await app().request('/', {
      method: 'POST',
      headers: { 'content-length': '11' },
      body: 'short',
    });
    expect(answer.status).toBe(413);
  });
});
