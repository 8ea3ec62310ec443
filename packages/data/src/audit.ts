// The audit log: who changed what, when, in which campaign. Entries are written with the change they record
// (in the same transaction where there is one) and never updated or deleted.
import { randomBytes } from 'node:crypto';
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Db, queryAll } from './client.ts';
import { AUDIT_INDEX_PK, AUDIT_PREFIX, auditKey, CAMPAIGNS_INDEX, COUNTY_PK, campaignKey } from './keys.ts';

/**
 * Who made a change: a console account, the service credential (the Bearer token), the platform itself (ops
 * commands), a client that is not signed in (failed sign-ins), known only by a keyed digest of its address, or a
 * subject's feedback link (rectification measures).
 */
export type Actor =
  | { type: 'account'; name: string }
  | { type: 'service' }
  | { type: 'system' }
  | { type: 'client'; digest: string }
  /** the holder of a subject's feedback link (反馈链接): the link is their only credential */
  | { type: 'feedback'; subject: string };

export const SERVICE_ACTOR: Actor = { type: 'service' };
export const SYSTEM_ACTOR: Actor = { type: 'system' };

export interface AuditEntry {
  at: string;
  action: string;
  detail: Record<string, unknown>;
  /** absent on entries written before actors were recorded */
  actor?: Actor;
  /** the campaign the entry is about, if any */
  campaign?: string;
}

/** Orders entries written within the same millisecond (or under a test clock) as they happened. */
const nonce = () =>
  `${process.hrtime.bigint().toString().padStart(20, '0')}${randomBytes(2).toString('hex')}`;

/** The item of one entry, for a Put of its own or inside the transaction of the change it records. */
export function auditItem(
  campaign: string | undefined,
  at: string,
  action: string,
  detail: Record<string, unknown>,
  actor: Actor,
) {
  return {
    ...auditKey(campaign, at, nonce()),
    at,
    action,
    detail,
    actor,
    ...(campaign === undefined ? {} : { campaign }),
  };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Update = NonNullable<TransactItem['Update']>;
type Put = NonNullable<TransactItem['Put']>;

/** One update and the audit entry that records it, in one transaction: either both are stored or neither. */
export async function auditedUpdate(
  db: Db,
  update: Omit<Update, 'TableName'>,
  entry: ReturnType<typeof auditItem>,
): Promise<void> {
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        { Update: { ...update, TableName: db.tableName } },
        { Put: { TableName: db.tableName, Item: entry } },
      ],
    }),
  );
}

/** An audited update whose refused condition becomes the caller's error (a state it can name in words). */
export async function auditedUpdateOrRefuse(
  db: Db,
  update: Omit<Update, 'TableName'>,
  entry: ReturnType<typeof auditItem>,
  refused: () => Error,
): Promise<void> {
  try {
    await auditedUpdate(db, update, entry);
  } catch (error) {
    if (firstConditionFailed(error)) throw refused();
    throw error;
  }
}

/** One new item and the audit entry that records it, in one transaction: either both are stored or neither. */
export async function auditedPut(
  db: Db,
  put: Omit<Put, 'TableName'>,
  entry: ReturnType<typeof auditItem>,
): Promise<void> {
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { ...put, TableName: db.tableName } },
        { Put: { TableName: db.tableName, Item: entry } },
      ],
    }),
  );
}

/** Whether a transaction was refused because the condition of its first item failed (the others have none). */
export const firstConditionFailed = (error: unknown) =>
  (error as Error).name === 'TransactionCanceledException' &&
  (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code ===
    'ConditionalCheckFailed';

/** Writes one entry on its own: for changes that are not a single DynamoDB write (exports, sign-ins). */
export async function writeAudit(
  db: Db,
  entry: { campaign?: string; at: Date; action: string; detail?: Record<string, unknown>; actor: Actor },
): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.tableName,
      Item: auditItem(entry.campaign, entry.at.toISOString(), entry.action, entry.detail ?? {}, entry.actor),
    }),
  );
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const entry: AuditEntry = {
    at: String(item.at),
    action: String(item.action),
    detail: (item.detail as Record<string, unknown>) ?? {},
  };
  if (item.actor) entry.actor = item.actor as Actor;
  if (typeof item.campaign === 'string') entry.campaign = item.campaign;
  else if (typeof item.pk === 'string' && item.pk !== COUNTY_PK) entry.campaign = item.pk.slice(2);
  return entry;
}

/** One campaign's entries, oldest first. */
export async function listAudit(db: Db, id: string): Promise<AuditEntry[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': campaignKey(id).pk, ':prefix': AUDIT_PREFIX },
  });
  return items.map(toEntry);
}

/** The county's whole log (every campaign, accounts, sign-ins), newest first, a page at a time. */
export async function listCountyAudit(
  db: Db,
  options: { limit?: number; before?: string } = {},
): Promise<{ entries: AuditEntry[]; next?: string }> {
  const limit = options.limit ?? 100;
  const { Items = [], LastEvaluatedKey } = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: CAMPAIGNS_INDEX,
      KeyConditionExpression: options.before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
      ExpressionAttributeValues: {
        ':pk': AUDIT_INDEX_PK,
        ...(options.before ? { ':before': options.before } : {}),
      },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const entries = Items.map(toEntry);
  const last = Items.at(-1);
  return LastEvaluatedKey && last ? { entries, next: String(last.gsi1sk) } : { entries };
}
