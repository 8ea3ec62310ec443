// Organizer authentication and what every organizer answer carries: the service credential (a bearer token
// compared in constant time) or a console account whose request the console hands to this app in-process (either
// way the route learns its actor), answers never cached and never sniffed, and a bound on what a request may send.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Actor, SERVICE_ACTOR } from '@pingyi/data';
import type { Context, MiddlewareHandler } from 'hono';
import { limitBody } from './body-limit.ts';
import { PayloadTooLargeError, UnauthorizedError } from './errors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** who is making this change, for the audit log */
    actor: Actor;
  }
}

/**
 * What the console passes as the request's environment when it calls the API in-process. Requests from the
 * network never carry it: node-server's and the Lambda adapter's environments hold other fields.
 */
export interface ConsoleCall {
  consoleActor: Actor;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The largest organizer request: a campaign definition is at most 350 KB as compact JSON (CAMPAIGN_JSON_MAX), and a
 * file written by hand is indented; nothing else an organizer sends comes near it.
 */
export const ORGANIZER_BODY_MAX = 1024 * 1024;

/**
 * Who the organizer token stands for when it reopens a closed campaign: it can do everything a county admin can.
 * A console account reopens under its own name, and the console lets only county admins do it.
 */
export const COUNTY_ADMIN = 'county-admin (organizer token)';

const headers = {
  // codes, results and comments: never kept by a proxy or the browser's cache
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function organizerAuth(adminToken: string): MiddlewareHandler {
  const expected = digest(adminToken);
  const limit = limitBody({
    maxSize: ORGANIZER_BODY_MAX,
    onError: () => {
      throw new PayloadTooLargeError(`请求内容过大（上限 ${ORGANIZER_BODY_MAX / 1024 / 1024} MB）`);
    },
  });
  return async (c, next) => {
    // set before anything can fail, so error answers carry them too
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    const consoleActor = (c.env as Partial<ConsoleCall> | undefined)?.consoleActor;
    if (consoleActor) {
      c.set('actor', consoleActor);
    } else {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
        throw new UnauthorizedError('需要组织者令牌：Authorization: Bearer <token>');
      }
      c.set('actor', SERVICE_ACTOR);
    }
    await limit(c, next);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/** The actor of an organizer route (set by the auth above). */
export const actorOf = (c: Context): Actor => c.get('actor') ?? SERVICE_ACTOR;
