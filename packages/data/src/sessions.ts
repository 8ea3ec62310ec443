// Console sessions, found by the digest of their token (the token lives only in the person's cookie). Expiry is
// checked by the console on every request; the TTL attribute only clears old items away.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { sessionKey } from './keys.ts';
import { TIME_TO_LIVE_ATTRIBUTE } from './table.ts';

export interface Session {
  account: string;
  createdAt: string;
  lastSeenAt: string;
}

const epochSeconds = (date: Date) => Math.ceil(date.getTime() / 1000);

export async function createSession(
  db: Db,
  digest: string,
  session: Session,
  expiresAt: Date,
): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...sessionKey(digest), ...session, [TIME_TO_LIVE_ATTRIBUTE]: epochSeconds(expiresAt) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getSession(db: Db, digest: string): Promise<Session | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: sessionKey(digest), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return {
    account: String(Item.account),
    createdAt: String(Item.createdAt),
    lastSeenAt: String(Item.lastSeenAt),
  };
}

/** Moves the idle deadline on; only if the session still exists (a logout wins over a late touch). */
export async function touchSession(db: Db, digest: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: sessionKey(digest),
        UpdateExpression: 'SET lastSeenAt = :seen, #exp = :exp',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#exp': TIME_TO_LIVE_ATTRIBUTE },
        ExpressionAttributeValues: { ':seen': lastSeenAt.toISOString(), ':exp': epochSeconds(expiresAt) },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

export async function deleteSession(db: Db, digest: string): Promise<void> {
  await db.client.send(new DeleteCommand({ TableName: db.tableName, Key: sessionKey(digest) }));
}
