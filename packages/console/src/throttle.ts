// Sign-in throttling per account and per client, counted in the table so that it holds across Lambda containers.
// A window is 15 minutes and the last two windows count, so a lock lasts 15 to 30 minutes after the last failure
// that reached the limit, and a burst across a window boundary gains nothing.
import { createHmac } from 'node:crypto';
import { clearFailures, countFailure, failuresIn, type ThrottleScope, windowOf } from '@pingyi/data';
import type { ConsoleDeps } from './deps.ts';

export const WINDOW_SECONDS = 15 * 60;
/** wrong passwords for one account, from anywhere, before it is locked */
export const ACCOUNT_LIMIT = 10;
/** wrong passwords from one client address, for any accounts: an office shares one address, so higher */
export const CLIENT_LIMIT = 30;

export interface Subjects {
  account: string;
  client: string;
}

/** A keyed digest of the client address: the table never holds an address. */
export function clientSubject(deps: ConsoleDeps, address: string): string {
  return createHmac('sha256', deps.clientKey)
    .update(`pingyi-signin-v1|${address}`)
    .digest('base64url')
    .slice(0, 22);
}

async function recent(deps: ConsoleDeps, scope: ThrottleScope, subject: string): Promise<number> {
  const window = windowOf(deps.now(), WINDOW_SECONDS);
  const [current, previous] = await Promise.all([
    failuresIn(deps.db, scope, subject, window),
    failuresIn(deps.db, scope, subject, window - 1),
  ]);
  return current + previous;
}

/** Which limit, if any, this attempt is over; checked before the password is even hashed. */
export async function throttled(deps: ConsoleDeps, s: Subjects): Promise<ThrottleScope | undefined> {
  const [account, client] = await Promise.all([
    recent(deps, 'account', s.account),
    recent(deps, 'client', s.client),
  ]);
  if (account >= ACCOUNT_LIMIT) return 'account';
  if (client >= CLIENT_LIMIT) return 'client';
  return undefined;
}

export async function recordFailure(deps: ConsoleDeps, s: Subjects): Promise<void> {
  const window = windowOf(deps.now(), WINDOW_SECONDS);
  await Promise.all([
    countFailure(deps.db, 'account', s.account, window, WINDOW_SECONDS),
    countFailure(deps.db, 'client', s.client, window, WINDOW_SECONDS),
  ]);
}

export async function recordSuccess(deps: ConsoleDeps, s: Subjects): Promise<void> {
  const window = windowOf(deps.now(), WINDOW_SECONDS);
  await Promise.all([
    clearFailures(deps.db, 'account', s.account, window),
    clearFailures(deps.db, 'account', s.account, window - 1),
  ]);
}
