// Organizer authentication: the service credential (a bearer token compared in constant time), or a console
// account whose request the console hands to this app in-process. Either way the route learns its actor.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Actor, SERVICE_ACTOR } from '@pingyi/data';
import type { Context, MiddlewareHandler } from 'hono';
import { UnauthorizedError } from './errors.ts';

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

export function organizerAuth(adminToken: string): MiddlewareHandler {
  const expected = digest(adminToken);
  return async (c, next) => {
    const consoleActor = (c.env as Partial<ConsoleCall> | undefined)?.consoleActor;
    if (consoleActor) {
      c.set('actor', consoleActor);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new UnauthorizedError('需要组织者令牌：Authorization: Bearer <token>');
    }
    c.set('actor', SERVICE_ACTOR);
    await next();
  };
}

/** The actor of an organizer route (set by the auth above). */
export const actorOf = (c: Context): Actor => c.get('actor') ?? SERVICE_ACTOR;
