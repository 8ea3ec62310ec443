// Organizer authentication: a bearer token compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from './errors.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function organizerAuth(adminToken: string): MiddlewareHandler {
  const expected = digest(adminToken);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new UnauthorizedError('需要组织者令牌：Authorization: Bearer <token>');
    }
    await next();
  };
}
