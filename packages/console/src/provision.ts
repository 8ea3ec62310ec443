// Accounts with their one-time links, for the console's admin pages, `npm start` and `npm run admin`.
import { type Account, type Actor, createAccount, type Db, issueLink, type Role } from '@pingyi/data';
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
