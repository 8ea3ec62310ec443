// Where an open-link submit comes from, and the per-container flood brake in front of the open channel's quota.
//
// The quota itself (ballots per source per window, exact across every container) lives in the table: see
// packages/data/src/quotas.ts and voting.ts. The brake here is a token bucket per (campaign, source) in this process's
// memory, before any read or parse: it keeps one address from hammering the table, and it is set well above any
// quota so that it never decides for an honest voter. Sources are kept as keyed digests, never as addresses.
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'hono';

export interface RateLimit {
  /** submits a source may make at once */
  burst: number;
  /** sustained submits per minute after the burst */
  perMinute: number;
}

/**
 * Attempts, not ballots: 120 at once, then two a second, per container. A meeting hall behind one address sends
 * a burst when a link is passed around a WeChat group; the campaign's quota, not this, decides how many count.
 */
export const OPEN_LINK_LIMIT: RateLimit = { burst: 120, perMinute: 120 };

const MAX_SOURCES = 50_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #limit: RateLimit;

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** Takes one token; when none is left, says how many seconds until the next one. */
  take(key: string, now: Date): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const t = now.getTime();
    const rate = this.#limit.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, at: t };
    const tokens = Math.min(this.#limit.burst, bucket.tokens + Math.max(0, t - bucket.at) * rate);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: t });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate / 1000)) };
    }
    this.#buckets.delete(key); // re-inserted last: the map's order is least recently used first
    this.#buckets.set(key, { tokens: tokens - 1, at: t });
    if (this.#buckets.size > MAX_SOURCES) this.#evict(t);
    return { ok: true };
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** A bucket that has refilled is the same as no bucket; past that, the least recently used go first. */
  #evict(t: number): void {
    const rate = this.#limit.perMinute / 60_000;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (t - bucket.at) * rate >= this.#limit.burst) this.#buckets.delete(key);
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= MAX_SOURCES * 0.9) break;
      this.#buckets.delete(key);
    }
  }
}

interface SourceBindings {
  /** hono/aws-lambda: API Gateway's view of the caller (HTTP API v2 and Function URLs) */
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
  /** @hono/node-server: the TCP peer */
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The address the platform saw the request come from. X-Forwarded-For is not read: any client can write it.
 * Behind a CDN this is the CDN's address, and the limit would then be shared: configure the CDN to limit instead.
 */
export function sourceAddress(c: Context): string {
  const env = (c.env ?? {}) as SourceBindings;
  return sourceOf(
    env.requestContext?.http?.sourceIp ??
      env.requestContext?.identity?.sourceIp ??
      env.incoming?.socket?.remoteAddress ??
      'unknown',
  );
}

/** The eight 16-bit groups of an IPv6 address (an IPv4 tail becomes the last two); undefined if it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const plain = address.split('%')[0] ?? '';
  if (!isIPv6(plain)) return undefined;
  const part = (text: string) =>
    text === ''
      ? []
      : text.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = plain.split('::');
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * One source per network, as far as an address can tell: IPv4 as it is (an IPv4-mapped IPv6 address is the same
 * IPv4 address); IPv6 by its /64 prefix, since one phone or home gets a whole /64 and picks new addresses in it at
 * will; the loopback addresses of IPv4 and IPv6 as one source (the same machine).
 */
export function sourceOf(address: string): string {
  if (isIPv4(address)) return address.startsWith('127.') ? 'loopback' : address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return sourceOf([groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 0xff]).join('.'));
  }
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** A keyed digest of the source: the limiter's memory never holds an address. */
export function sourceKey(secret: Buffer, campaign: string, address: string): string {
  return createHmac('sha256', secret)
    .update(`pingyi-source-v1|${campaign}|${address}`)
    .digest('base64url')
    .slice(0, 22);
}
