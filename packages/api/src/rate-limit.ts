// Per-source rate limit of open-link submits: a token bucket per (campaign, source), in this process's memory.
//
// On Lambda each warm container keeps its own buckets, so the effective limit is this one times the number of
// containers serving a burst; it slows a flood from one address, it is not an exact quota. Sources are kept as
// keyed digests, never as addresses.
import { createHmac } from 'node:crypto';
import type { Context } from 'hono';

export interface RateLimit {
  /** submits a source may make at once */
  burst: number;
  /** sustained submits per minute after the burst */
  perMinute: number;
}

/**
 * A whole office or village behind one NAT address, or a carrier-grade NAT shared by thousands, must still get
 * through when a link is passed around a WeChat group: 60 at once, then one every two seconds.
 */
export const OPEN_LINK_LIMIT: RateLimit = { burst: 60, perMinute: 30 };

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
  return (
    env.requestContext?.http?.sourceIp ??
    env.requestContext?.identity?.sourceIp ??
    env.incoming?.socket?.remoteAddress ??
    'unknown'
  );
}

/** A keyed digest of the source: the limiter's memory never holds an address. */
export function sourceKey(secret: Buffer, campaign: string, address: string): string {
  return createHmac('sha256', secret)
    .update(`pingyi-source-v1|${campaign}|${address}`)
    .digest('base64url')
    .slice(0, 22);
}
