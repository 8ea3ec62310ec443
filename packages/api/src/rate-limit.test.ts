import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { RateLimiter, sourceAddress, sourceKey, sourceOf } from './rate-limit.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 2, 0, 0) + seconds * 1000);

describe('open-link rate limit', () => {
  it('lets a burst through, then one per refill interval, and says when to come back', () => {
    const limiter = new RateLimiter({ burst: 3, perMinute: 6 });
    expect([1, 2, 3].map(() => limiter.take('a', at(0)).ok)).toEqual([true, true, true]);
    expect(limiter.take('a', at(0))).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(limiter.take('a', at(9)).ok).toBe(false);
    expect(limiter.take('a', at(10)).ok).toBe(true);
    expect(limiter.take('a', at(10)).ok).toBe(false);
  });

  it('keeps one bucket per source', () => {
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 });
    expect(limiter.take('a', at(0)).ok).toBe(true);
    expect(limiter.take('a', at(0)).ok).toBe(false);
    expect(limiter.take('b', at(0)).ok).toBe(true);
  });

  it('never refills above the burst after a long pause', () => {
    const limiter = new RateLimiter({ burst: 2, perMinute: 60 });
    limiter.take('a', at(0));
    const after = [1, 2, 3].map(() => limiter.take('a', at(3600)).ok);
    expect(after).toEqual([true, true, false]);
  });

  it('stays bounded in memory under a flood of distinct sources', () => {
    const limiter = new RateLimiter({ burst: 5, perMinute: 5 });
    for (let i = 0; i < 60_000; i++) limiter.take(`source-${i}`, at(0));
    expect(limiter.size).toBeLessThanOrEqual(50_000);
  });
});

describe('request source', () => {
  const contextWith = (env: unknown) => ({ env }) as unknown as Context;

  it('takes the address API Gateway saw, or the TCP peer, and never X-Forwarded-For', () => {
    expect(sourceAddress(contextWith({ requestContext: { http: { sourceIp: '203.0.113.7' } } }))).toBe(
      '203.0.113.7',
    );
    expect(sourceAddress(contextWith({ incoming: { socket: { remoteAddress: '10.1.2.3' } } }))).toBe(
      '10.1.2.3',
    );
    expect(sourceAddress(contextWith(undefined))).toBe('unknown');
  });

  it('keys a source by a keyed digest, per campaign, so memory holds no address', () => {
    const secret = Buffer.from('a-secret-of-at-least-thirty-two-bytes');
    const key = sourceKey(secret, '0a1b2c3d', '203.0.113.7');
    expect(key).not.toContain('203');
    expect(key).toBe(sourceKey(secret, '0a1b2c3d', '203.0.113.7'));
    expect(key).not.toBe(sourceKey(secret, '0a1b2c3e', '203.0.113.7'));
    expect(key).not.toBe(
      sourceKey(Buffer.from('another-secret-another-secret-0000'), '0a1b2c3d', '203.0.113.7'),
    );
  });
});

describe('one source per network', () => {
  it('keeps IPv4 addresses, and counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one source', () => {
    expect(sourceOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('counts 127.0.0.1 and ::1 as one source: the same machine', () => {
    expect(sourceOf('127.0.0.1')).toBe('loopback');
    expect(sourceOf('::1')).toBe('loopback');
    expect(sourceOf('::ffff:127.0.0.1')).toBe('loopback');
  });

  it('passes anything else through unchanged', () => {
    expect(sourceOf('unknown')).toBe('unknown');
  });
});
