// Accounts with their one-time links, for the console's admin pages, `npm start` and `npm run admin`.
import {
  type Account,
  type Actor,
  createAccount,
  type Db,
  issueLink,
  listAccounts,
  type Role,
  SYSTEM_ACTOR,
} from '@pingyi/data';
import { newToken, tokenDigest } from './session.ts';

/** A set-up link waits a week for its person; a reset link a day. */
export const SETUP_LINK_MS = 7 * 24 * 3_600_000;
export const RESET_LINK_MS = 24 * 3_600_000;

const linkUrl = (publicUrl: string, token: string) => `${publicUrl}/console/link/${token}`;

/** Creates an account without a password; the returned link sets it (once). The token is never stored. */
export async function createAccountWithLink(
  db: Db,
  input: { name: string; displayName: string; role: Role },
  now: Date,
  actor: Actor,
  publicUrl: string,
): Promise<{ account: Account; url: string; validUntil: Date }> {
  const token = newToken();
  const validUntil = new Date(now.getTime() + SETUP_LINK_MS);
  const account = await createAccount(
    db,
    input,
    { digest: tokenDigest(token), purpose: 'setup', expiresAt: validUntil },
    now,
    actor,
  );
  return { account, url: linkUrl(publicUrl, token), validUntil };
}

/** A new link for an existing account (any older link stops working); its password stays until the link is used. */
export async function newAccountLink(
  db: Db,
  name: string,
  purpose: 'setup' | 'reset',
  now: Date,
  actor: Actor,
  publicUrl: string,
): Promise<{ url: string; validUntil: Date }> {
  const token = newToken();
  const validUntil = new Date(now.getTime() + (purpose === 'setup' ? SETUP_LINK_MS : RESET_LINK_MS));
  await issueLink(db, name, { digest: tokenDigest(token), purpose, expiresAt: validUntil }, now, actor);
  return { url: linkUrl(publicUrl, token), validUntil };
}

/**
 * A fresh stack has no account: make the county admin `admin` and return its set-up link. While no admin has
 * set a password yet, each call returns a new link (the previous one stops working), so a lost link is no
 * dead end. Once an admin has signed in, nothing happens here: admins manage accounts in the console.
 */
export async function ensureFirstAdmin(
  db: Db,
  now: Date,
  publicUrl: string,
): Promise<{ name: string; url: string; validUntil: Date } | undefined> {
  const admins = (await listAccounts(db)).filter((a) => a.role === 'admin' && !a.disabled);
  if (admins.some((a) => a.passwordHash)) return undefined;
  const pending = admins[0];
  if (pending)
    return {
      name: pending.name,
      ...(await newAccountLink(db, pending.name, 'setup', now, SYSTEM_ACTOR, publicUrl)),
    };
  const created = await createAccountWithLink(
    db,
    { name: 'admin', displayName: '县级管理员', role: 'admin' },
    now,
    SYSTEM_ACTOR,
    publicUrl,
  );
  return { name: 'admin', url: created.url, validUntil: created.validUntil };
}
