// Console sessions: a random token in an HttpOnly, SameSite cookie; the table keeps only its digest. Sessions end
// after 30 idle minutes or 12 hours at most, on logout, and when the account's password, role or access changes.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type Account,
  createSession,
  deleteSession,
  getAccount,
  getSession,
  touchSession,
} from '@pingyi/data';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ConsoleDeps } from './deps.ts';

export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3_600_000;
/** A session's idle deadline is moved on at most once a minute: one write per minute of use, not per page. */
const TOUCH_EVERY_MS = 60_000;

export interface SignedIn {
  account: Account;
  /** the digest that keys the session item */
  digest: string;
  /** the token every state-changing form of this session carries */
  csrf: string;
}

export const tokenDigest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

/** Derived from the session token, so it needs no storage and dies with the session. */
const csrfOf = (token: string) =>
  createHmac('sha256', token).update('pingyi-console-csrf-v1').digest('base64url');

/**
 * `__Host-` (Secure, path /, no domain: no subdomain can set or read it) behind HTTPS; a plain name on
 * http://localhost, where browsers refuse Secure cookies from plain HTTP on other hosts.
 */
const cookieName = (secure: boolean) => (secure ? '__Host-pingyi-console' : 'pingyi-console');
const isSecure = (c: Context) => new URL(c.req.url).protocol === 'https:';

const expiry = (createdAt: Date, lastSeen: Date) =>
  new Date(Math.min(createdAt.getTime() + ABSOLUTE_MS, lastSeen.getTime() + IDLE_MS));

export async function startSession(c: Context, deps: ConsoleDeps, account: Account): Promise<void> {
  const token = newToken();
  const now = deps.now();
  await createSession(
    deps.db,
    tokenDigest(token),
    { account: account.name, createdAt: now.toISOString(), lastSeenAt: now.toISOString() },
    expiry(now, now),
  );
  const secure = isSecure(c);
  // SameSite=Lax, not Strict: a link to the console from a chat or a mail should open it signed in; forms are
  // protected by the Origin check and the per-session token, not by the cookie's SameSite alone.
  setCookie(c, cookieName(secure), token, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
}

/** The signed-in account of this request, or undefined when there is no live session. */
export async function currentSession(c: Context, deps: ConsoleDeps): Promise<SignedIn | undefined> {
  const token = getCookie(c, cookieName(isSecure(c)));
  if (!token || token.length > 100) return undefined;
  const digest = tokenDigest(token);
  const session = await getSession(deps.db, digest);
  if (!session) return undefined;
  const now = deps.now();
  const createdAt = new Date(session.createdAt);
  const lastSeen = new Date(session.lastSeenAt);
  if (now >= expiry(createdAt, lastSeen)) {
    await deleteSession(deps.db, digest);
    return undefined;
  }
  const account = await getAccount(deps.db, session.account);
  if (!account || account.disabled || session.createdAt < account.sessionsValidFrom) {
    await deleteSession(deps.db, digest);
    return undefined;
  }
  if (now.getTime() - lastSeen.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(deps.db, digest, now, expiry(createdAt, now));
  }
  return { account, digest, csrf: csrfOf(token) };
}

export async function endSession(
  c: Context,
  deps: ConsoleDeps,
  signedIn: SignedIn | undefined,
): Promise<void> {
  if (signedIn) await deleteSession(deps.db, signedIn.digest);
  const secure = isSecure(c);
  deleteCookie(c, cookieName(secure), { path: '/', secure });
}

/** Compares a form's token with the session's in constant time. */
export function csrfMatches(signedIn: SignedIn, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(signedIn.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
