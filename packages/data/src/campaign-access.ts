// Who may see a campaign in the console: its owner and the accounts it is shared with, kept on the campaign item.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type Actor, auditedUpdate, auditItem } from './audit.ts';
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
    await auditedUpdate(
      db,
      {
        Key: campaignKey(id),
        UpdateExpression: 'SET sharedWith = :list, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':list': list, ':at': at },
      },
      auditItem(id, at, 'share', { added, removed }, actor),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new CampaignNotFoundError(id);
    throw error;
  }
}
