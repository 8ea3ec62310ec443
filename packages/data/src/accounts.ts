// Console accounts: county admin, organizer, viewer. Passwords arrive here already hashed (the console owns the
// hashing); set-up and reset links are stored as digests, one live link per account, used at most once.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, auditedUpdate, auditItem } from './audit.ts';
import type { Db } from './client.ts';
import { AccountExistsError, AccountNotFoundError, LinkInvalidError } from './errors.ts';
import { ACCOUNTS_PK, accountKey, accountListing, CAMPAIGNS_INDEX, linkKey } from './keys.ts';
import { TIME_TO_LIVE_ATTRIBUTE } from './table.ts';

export type Role = 'admin' | 'organizer' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'organizer', 'viewer'];

/** Login names: short, lower-case ASCII, safe in a key and a URL. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface Account {
  name: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** the stored password hash (algorithm, parameters, salt, hash); absent until the set-up link is used */
  passwordHash?: string;
  createdAt: string;
  updatedAt: string;
  /** sessions that started before this are no longer valid (password change, reset, role change, disabling) */
  sessionsValidFrom: string;
}

function toAccount(item: Record<string, unknown>): Account {
  const account: Account = {
    name: String(item.name),
    displayName: String(item.displayName),
    role: item.role as Role,
    disabled: item.disabled === true,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    sessionsValidFrom: String(item.sessionsValidFrom),
  };
  if (typeof item.passwordHash === 'string') account.passwordHash = item.passwordHash;
  return account;
}

/** What the audit log says about an account: never a hash, never a link. */
const summary = (a: Pick<Account, 'name' | 'displayName' | 'role'>) => ({
  account: a.name,
  displayName: a.displayName,
  role: a.role,
});

export interface NewLink {
  /** SHA-256 of the link's token, hex: the token itself is shown once and never stored */
  digest: string;
  purpose: 'setup' | 'reset';
  expiresAt: Date;
}

function linkPut(db: Db, name: string, link: NewLink, at: string) {
  return {
    Put: {
      TableName: db.tableName,
      Item: {
        ...linkKey(link.digest),
        account: name,
        purpose: link.purpose,
        createdAt: at,
        validUntil: link.expiresAt.toISOString(),
        [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil(link.expiresAt.getTime() / 1000),
      },
    },
  };
}

/** Creates an account without a password, with its set-up link, atomically with the audit entry. */
export async function createAccount(
  db: Db,
  input: { name: string; displayName: string; role: Role },
  link: NewLink,
  now: Date,
  actor: Actor,
): Promise<Account> {
  const at = now.toISOString();
  const account: Account = {
    ...input,
    disabled: false,
    createdAt: at,
    updatedAt: at,
    sessionsValidFrom: at,
  };
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...accountKey(input.name),
                ...accountListing(input.name),
                ...account,
                link: link.digest,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          linkPut(db, input.name, link, at),
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(undefined, at, 'account-create', summary(input), actor),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      throw new AccountExistsError(input.name);
    throw error;
  }
  return account;
}

export async function getAccount(db: Db, name: string): Promise<Account | undefined> {
  if (!ACCOUNT_NAME.test(name)) return undefined;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: accountKey(name), ConsistentRead: true }),
  );
  return Item ? toAccount(Item) : undefined;
}

export async function requireAccount(db: Db, name: string): Promise<Account> {
  const account = await getAccount(db, name);
  if (!account) throw new AccountNotFoundError(name);
  return account;
}

/** Every account, by name (a county has tens, not thousands). */
export async function listAccounts(db: Db): Promise<Account[]> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: CAMPAIGNS_INDEX,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ACCOUNTS_PK },
    }),
  );
  return Items.map(toAccount);
}

/**
 * Changes role, display name or the disabled flag. Any change of role or access ends the account's sessions,
 * so a demoted or disabled person is out on their next request.
 */
export async function updateAccount(
  db: Db,
  name: string,
  change: { displayName?: string; role?: Role; disabled?: boolean },
  now: Date,
  actor: Actor,
): Promise<Account> {
  const before = await requireAccount(db, name);
  const at = now.toISOString();
  const after: Account = { ...before, ...change, updatedAt: at };
  const endsSessions = after.role !== before.role || (after.disabled && !before.disabled);
  if (endsSessions) after.sessionsValidFrom = at;
  const changed = Object.fromEntries(
    (['displayName', 'role', 'disabled'] as const)
      .filter((k) => before[k] !== after[k])
      .map((k) => [k, { from: before[k], to: after[k] }]),
  );
  await auditedUpdate(
    db,
    {
      Key: accountKey(name),
      UpdateExpression:
        'SET displayName = :d, #role = :r, disabled = :x, updatedAt = :at, sessionsValidFrom = :v',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: {
        ':d': after.displayName,
        ':r': after.role,
        ':x': after.disabled,
        ':at': at,
        ':v': after.sessionsValidFrom,
      },
    },
    auditItem(undefined, at, 'account-update', { account: name, changed }, actor),
  );
  return after;
}

/** A person changes their own password: every other session of theirs ends. */
export async function setPassword(
  db: Db,
  name: string,
  passwordHash: string,
  now: Date,
  actor: Actor,
): Promise<void> {
  const at = now.toISOString();
  try {
    await auditedUpdate(
      db,
      {
        Key: accountKey(name),
        UpdateExpression: 'SET passwordHash = :h, updatedAt = :at, sessionsValidFrom = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':h': passwordHash, ':at': at },
      },
      auditItem(undefined, at, 'password-change', { account: name }, actor),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new AccountNotFoundError(name);
    throw error;
  }
}

/**
 * A new set-up or reset link for an account: the previous one stops working (the account names its one live
 * link). The password stays as it is until the link is used.
 */
export async function issueLink(db: Db, name: string, link: NewLink, now: Date, actor: Actor): Promise<void> {
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: accountKey(name),
              UpdateExpression: 'SET link = :l, updatedAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':l': link.digest, ':at': at },
            },
          },
          linkPut(db, name, link, at),
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(undefined, at, `link-${link.purpose}`, { account: name }, actor),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new AccountNotFoundError(name);
    throw error;
  }
}

/** The account a live link belongs to, for the page that asks for the new password; throws if it cannot be used. */
export async function accountOfLink(db: Db, digest: string, now: Date): Promise<Account> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: linkKey(digest), ConsistentRead: true }),
  );
  if (!Item || String(Item.validUntil) <= now.toISOString()) throw new LinkInvalidError('link not usable');
  const { Item: raw } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: accountKey(String(Item.account)), ConsistentRead: true }),
  );
  // the account names its one live link: an older link, or one of a disabled account, opens nothing
  if (!raw || raw.disabled === true || raw.link !== digest) throw new LinkInvalidError('link replaced');
  return toAccount(raw);
}

/**
 * Uses a link: sets the password and deletes the link in one transaction whose conditions make it work once
 * (the link item must still exist, be in time, and be the account's live link). Ends the account's sessions.
 */
export async function useLink(db: Db, digest: string, passwordHash: string, now: Date): Promise<Account> {
  const account = await accountOfLink(db, digest, now);
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.tableName,
              Key: linkKey(digest),
              ConditionExpression: 'attribute_exists(pk) AND validUntil > :at',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: accountKey(account.name),
              UpdateExpression: 'SET passwordHash = :h, updatedAt = :at, sessionsValidFrom = :at REMOVE link',
              ConditionExpression: 'link = :digest AND disabled = :no',
              ExpressionAttributeValues: { ':h': passwordHash, ':at': at, ':digest': digest, ':no': false },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(
                undefined,
                at,
                'link-used',
                { account: account.name },
                {
                  type: 'account',
                  name: account.name,
                },
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
      throw new LinkInvalidError('link already used', { cause: error });
    throw error;
  }
  return { ...account, passwordHash, updatedAt: at, sessionsValidFrom: at };
}
