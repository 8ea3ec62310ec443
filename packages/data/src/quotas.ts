// Open-channel quotas: one atomic counter per (campaign, window, source digest) in the table, shared by every API
// container, so a burst served by many containers gets no more than one source's quota in total.
//
// An item holds `n` (ballots accepted from the source in the window), `x` (ballots refused by the quota) and the time
// DynamoDB's TTL may delete it. Nothing in it names a ballot, and no ballot names it: the source is a keyed digest
// made by the API (see rate-limit.ts), never an address.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, queryAll } from './client.ts';
import { parseQuotaKey, quotaKey, quotasOf } from './keys.ts';
import { TIME_TO_LIVE_ATTRIBUTE } from './table.ts';

export interface QuotaSlot {
  campaign: string;
  /** ISO start of the quota window */
  windowStart: string;
  /** keyed digest of the network source */
  source: string;
  /** ballots the source may have accepted in the window */
  limit: number;
  /** epoch seconds after which the counter may be deleted */
  expiresAt: number;
}

const names = { '#ttl': TIME_TO_LIVE_ATTRIBUTE };

/** Takes one of the source's ballots in this window, atomically: true if one was free. */
export async function takeQuotaSlot(db: Db, slot: QuotaSlot): Promise<boolean> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: quotaKey(slot.campaign, slot.windowStart, slot.source),
        UpdateExpression: 'ADD n :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1, ':limit': slot.limit, ':ttl': slot.expiresAt },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Counts a ballot the quota refused, for the organizer's view of the open channel. */
export async function countQuotaRefusal(db: Db, slot: QuotaSlot): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: quotaKey(slot.campaign, slot.windowStart, slot.source),
      UpdateExpression: 'ADD x :one SET #ttl = :ttl',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':one': 1, ':ttl': slot.expiresAt },
    }),
  );
}

/** Gives a taken slot back: the submit stored no new ballot (a retry of one already stored, or a failure). */
export async function releaseQuotaSlot(db: Db, slot: QuotaSlot): Promise<void> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: quotaKey(slot.campaign, slot.windowStart, slot.source),
        UpdateExpression: 'ADD n :minus',
        ConditionExpression: 'n > :zero',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export interface SourceCounts {
  /** keyed digest of the source, shortened for people: it tells sources apart and names none */
  source: string;
  /** open-channel ballots accepted from it */
  ballots: number;
  /** ballots it sent that the quota refused */
  refused: number;
  /** quota windows in which it sent anything */
  windows: number;
}

export interface WindowCounts {
  start: string;
  ballots: number;
  refused: number;
  sources: number;
}

/** Every counter of a campaign (access pattern 10), summed per source and per window. */
export async function openChannelCounts(
  db: Db,
  campaign: string,
): Promise<{ sources: SourceCounts[]; windows: WindowCounts[] }> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': quotasOf(campaign).pk },
    ConsistentRead: true,
  });
  const sources = new Map<string, SourceCounts>();
  const windows = new Map<string, WindowCounts>();
  for (const item of items) {
    const { windowStart, source } = parseQuotaKey(String(item.sk));
    const ballots = Number(item.n ?? 0);
    const refused = Number(item.x ?? 0);
    const bySource = sources.get(source) ?? { source, ballots: 0, refused: 0, windows: 0 };
    bySource.ballots += ballots;
    bySource.refused += refused;
    bySource.windows += 1;
    sources.set(source, bySource);
    const byWindow = windows.get(windowStart) ?? { start: windowStart, ballots: 0, refused: 0, sources: 0 };
    byWindow.ballots += ballots;
    byWindow.refused += refused;
    byWindow.sources += 1;
    windows.set(windowStart, byWindow);
  }
  return { sources: [...sources.values()], windows: [...windows.values()] };
}
