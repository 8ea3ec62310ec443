// Organizer authentication and what every organizer answer carries: a bearer token compared in constant time,
// answers never cached and never sniffed, and a bound on what a request may send.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError, UnauthorizedError } from './errors.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The largest organizer request: a campaign definition is at most 350 KB as compact JSON (CAMPAIGN_JSON_MAX), and a
 * file written by hand is indented; nothing else an organizer sends comes near it.
 */
export const ORGANIZER_BODY_MAX = 1024 * 1024;

/**
 * Who the organizer token stands for. Today it is the only organizer credential, so it also acts as the county
 * admin's (reopening a closed campaign): the seam where a county's own admin sign-in would name the person.
 */
export const COUNTY_ADMIN = 'county-admin (organizer token)';

const headers = {
  // codes, results and comments: never kept by a proxy or the browser's cache
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function organizerAuth(adminToken: string): MiddlewareHandler {
  const expected = digest(adminToken);
  const limit = bodyLimit({
    maxSize: ORGANIZER_BODY_MAX,
    onError: () => {
      throw new PayloadTooLargeError(`请求内容过大（上限 ${ORGANIZER_BODY_MAX / 1024 / 1024} MB）`);
    },
  });
  return async (c, next) => {
    // set before anything can fail, so error answers carry them too
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new UnauthorizedError('需要组织者令牌：Authorization: Bearer <token>');
    }
    await limit(c, next);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
