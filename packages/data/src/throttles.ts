// Failed sign-in counters per account and per client, in fixed windows, in the table: every Lambda container
// sees the same counts, so running more containers grants an attacker no more tries.
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { throttleKey } from './keys.ts';
import { TIME_TO_LIVE_ATTRIBUTE } from './table.ts';

export type ThrottleScope = 'account' | 'client';

/** The window a moment falls in, for windows of `seconds`. */
export const windowOf = (now: Date, seconds: number) => Math.floor(now.getTime() / 1000 / seconds);

export async function failuresIn(
  db: Db,
  scope: ThrottleScope,
  subject: string,
  window: number,
): Promise<number> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.tableName,
      Key: throttleKey(scope, subject, window),
      ConsistentRead: true,
    }),
  );
  return typeof Item?.failures === 'number' ? Item.failures : 0;
}

/** Counts one failure atomically and returns the window's count; the item expires after the window. */
export async function countFailure(
  db: Db,
  scope: ThrottleScope,
  subject: string,
  window: number,
  windowSeconds: number,
): Promise<number> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: throttleKey(scope, subject, window),
      UpdateExpression: 'ADD failures :one SET #exp = :exp',
      ExpressionAttributeNames: { '#exp': TIME_TO_LIVE_ATTRIBUTE },
      ExpressionAttributeValues: { ':one': 1, ':exp': (window + 2) * windowSeconds },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.failures ?? 1);
}

/** A successful sign-in clears its account's count (the client's stays: it may be guessing other accounts). */
export async function clearFailures(
  db: Db,
  scope: ThrottleScope,
  subject: string,
  window: number,
): Promise<void> {
  await db.client.send(
    new DeleteCommand({ TableName: db.tableName, Key: throttleKey(scope, subject, window) }),
  );
}
