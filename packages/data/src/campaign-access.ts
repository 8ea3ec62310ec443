// Who may see a campaign in the console: its owner and the accounts it is shared with, kept on the campaign item.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, auditItem } from './audit.ts';
import type { Db } from './client.ts';
import { CampaignNotFoundError } from './errors.ts';
import { campaignKey } from './keys.ts';

/** Replaces the list of accounts a campaign is shared with, atomically with its audit entry. */
export async function shareCampaign(
  db: Db,
  id: string,
  sharedWith: string[],
  before: string[],
  now: Date,
  actor: Actor,
): Promise<void> {
  const at = now.toISOString();
  const list = [...new Set(sharedWith)].sort();
  const added = list.filter((n) => !before.includes(n));
  const removed = before.filter((n) => !list.includes(n));
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(id),
              UpdateExpression: 'SET sharedWith = :list, updatedAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':list': list, ':at': at },
            },
          },
          { Put: { TableName: db.tableName, Item: auditItem(id, at, 'share', { added, removed }, actor) } },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
      throw new CampaignNotFoundError(id);
    throw error;
  }
}
