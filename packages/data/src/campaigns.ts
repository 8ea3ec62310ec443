// Campaign repository: create, read, list, open/close, a county admin's reopening, and issued-code counters, each
// change audited.
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Campaign, type CampaignStatus } from '@pingyi/domain';
import { type Actor, auditItem, SERVICE_ACTOR } from './audit.ts';
import type { Db } from './client.ts';
import { CampaignNotFoundError, CampaignStatusError, CodeNotVoidableError } from './errors.ts';
import {
  ballotKey,
  CAMPAIGNS_INDEX,
  CAMPAIGNS_PK,
  campaignKey,
  campaignListing,
  codeBallot,
} from './keys.ts';
import { currentClosingReports } from './reports.ts';

export interface CampaignRecord {
  id: string;
  definition: Campaign;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
  /** codes issued per evaluator group */
  issued: Record<string, number>;
  /** the console account that created it; none when made with the service credential */
  owner?: string;
  /** console accounts it is shared with: organizers run it with the owner, viewers read its results */
  sharedWith: string[];
  /** when it was last closed: the key of its closing tally (closing.ts) */
  closedAt?: string;
  /** voided code serials per group (lost slips): the submit path refuses them */
  voided: Record<string, number[]>;
  /** opened as a rehearsal (试运行): its ballots are test data, wiped (rehearsal.ts) before the formal opening */
  rehearsal?: true;
}

/** Campaign ids are 8 hex characters: short enough for a printed code, unique per county stack. */
export const CAMPAIGN_ID = /^[0-9a-f]{8}$/;

/**
 * A definition changes only while it may be edited (updateDefinition), which also moves updatedAt: a parsed one is
 * kept for the life of the process under its id and that version.
 */
const parsedDefinitions = new Map<string, Campaign>();
const versionKey = (id: string, updatedAt: string) => `${id}@${updatedAt}`;

function definitionOf(id: string, updatedAt: string, json: string): Campaign {
  const key = versionKey(id, updatedAt);
  let parsed = parsedDefinitions.get(key);
  if (!parsed) {
    parsed = Campaign.parse(JSON.parse(json));
    if (parsedDefinitions.size > 200) parsedDefinitions.clear();
    parsedDefinitions.set(key, parsed);
  }
  return parsed;
}

/** Who may see a campaign in the console: stored on the campaign item and its listing. */
const accessOf = (item: Record<string, unknown>) => ({
  ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
  sharedWith: Array.isArray(item.sharedWith) ? item.sharedWith.map(String) : [],
});

function toRecord(item: Record<string, unknown>): CampaignRecord {
  const id = String(item.id);
  return {
    id,
    definition: definitionOf(id, String(item.updatedAt), String(item.definition)),
    status: item.status as CampaignStatus,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    issued: (item.issued as Record<string, number>) ?? {},
    ...accessOf(item),
    ...(typeof item.closedAt === 'string' ? { closedAt: item.closedAt } : {}),
    voided: voidedOf(item.voided),
    ...(item.rehearsal === true ? { rehearsal: true as const } : {}),
  };
}

/** Voided codes are one string set on the campaign item, `<group>#<serial>`: ADD works on a missing set. */
const voidElement = (group: string, serial: number) => `${group}#${serial}`;

function voidedOf(value: unknown): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (!(value instanceof Set)) return out;
  for (const element of value as Set<string>) {
    const at = element.lastIndexOf('#');
    const group = element.slice(0, at);
    (out[group] ??= []).push(Number(element.slice(at + 1)));
  }
  for (const serials of Object.values(out)) serials.sort((a, b) => a - b);
  return out;
}

/**
 * Stores a validated definition as a draft; retries on the (unlikely) collision of a random id. A console
 * account that creates a campaign owns it.
 */
export async function createCampaign(
  db: Db,
  definition: Campaign,
  now: Date,
  actor: Actor = SERVICE_ACTOR,
): Promise<CampaignRecord> {
  const at = now.toISOString();
  const owner = actor.type === 'account' ? { owner: actor.name } : {};
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = randomBytes(4).toString('hex');
    const issued = Object.fromEntries(definition.groups.map((g) => [g.id, 0]));
    const item = {
      ...campaignKey(id),
      ...campaignListing(id, at),
      id,
      definition: JSON.stringify(definition),
      title: definition.title,
      status: 'draft' satisfies CampaignStatus,
      createdAt: at,
      updatedAt: at,
      issued,
      ...owner,
    };
    try {
      await db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: db.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: db.tableName,
                Item: auditItem(id, at, 'create', { title: definition.title }, actor),
              },
            },
          ],
        }),
      );
      parsedDefinitions.set(versionKey(id, at), definition);
      return {
        id,
        definition,
        status: 'draft',
        createdAt: at,
        updatedAt: at,
        issued,
        ...owner,
        sharedWith: [],
        voided: {},
      };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
  }
  throw new Error('could not allocate a campaign id');
}

export async function getCampaign(db: Db, id: string): Promise<CampaignRecord | undefined> {
  if (!CAMPAIGN_ID.test(id)) return undefined;
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: campaignKey(id) }));
  return Item ? toRecord(Item) : undefined;
}

export async function requireCampaign(db: Db, id: string): Promise<CampaignRecord> {
  const record = await getCampaign(db, id);
  if (!record) throw new CampaignNotFoundError(id);
  return record;
}

/** Newest first; the summary only (no definition parsing beyond the cache). */
export async function listCampaigns(
  db: Db,
  limit = 100,
): Promise<
  {
    id: string;
    title: string;
    status: CampaignStatus;
    createdAt: string;
    owner?: string;
    sharedWith: string[];
  }[]
> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: CAMPAIGNS_INDEX,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((i) => ({
    id: String(i.id),
    title: String(i.title),
    status: i.status as CampaignStatus,
    createdAt: String(i.createdAt),
    ...accessOf(i),
  }));
}

/** Closing is final: only reopenCampaign, with a reason, brings a closed campaign back. */
const allowedFrom: Record<'open' | 'closed', CampaignStatus[]> = {
  open: ['draft'],
  closed: ['open'],
};

/**
 * Opens or closes a campaign, atomically with its audit entry. A draft may open as a rehearsal (试运行): its ballots
 * are test data until wipeRehearsal (rehearsal.ts) clears them and returns it to draft.
 */
export async function setCampaignStatus(
  db: Db,
  id: string,
  status: 'open' | 'closed',
  now: Date,
  actor: Actor = SERVICE_ACTOR,
  options: { rehearsal?: boolean } = {},
): Promise<CampaignRecord> {
  const current = await requireCampaign(db, id);
  if (!allowedFrom[status].includes(current.status))
    throw new CampaignStatusError(id, current.status, status);
  const rehearsal = status === 'open' && options.rehearsal === true;
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(id),
              UpdateExpression: `SET #status = :to, updatedAt = :at${status === 'closed' ? ', closedAt = :at' : ''}${rehearsal ? ', rehearsal = :rehearsal' : ''}`,
              ConditionExpression: '#status = :from',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':to': status,
                ':from': current.status,
                ':at': at,
                ...(rehearsal ? { ':rehearsal': true } : {}),
              },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(
                id,
                at,
                status,
                { from: current.status, ...(rehearsal ? { rehearsal } : {}) },
                actor,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    // Someone else changed the status between our read and write: report what it is now.
    if (error instanceof TransactionCanceledException) {
      const latest = await requireCampaign(db, id);
      if (latest.status === status) return latest;
      throw new CampaignStatusError(id, latest.status, status);
    }
    throw error;
  }
  return {
    ...current,
    status,
    updatedAt: at,
    ...(status === 'closed' ? { closedAt: at } : {}),
    ...(rehearsal ? { rehearsal: true as const } : {}),
  };
}

/** A transaction holds at most 100 items: the campaign, its audit entry, and this many closing reports. */
const REPORTS_PER_REOPEN = 98;

/**
 * Reopens a closed campaign: only a county admin may, with a reason. In one transaction the status goes back to
 * open, the audit trail records who and why, and the closing reports made so far are marked superseded (they no
 * longer are the record: voting goes on).
 */
export async function reopenCampaign(
  db: Db,
  id: string,
  reopen: { reason: string; by: string },
  now: Date,
  actor: Actor = SERVICE_ACTOR,
): Promise<CampaignRecord> {
  const current = await requireCampaign(db, id);
  if (current.status !== 'closed') throw new CampaignStatusError(id, current.status, 'reopened');
  const at = now.toISOString();
  const reports = (await currentClosingReports(db, id)).slice(0, REPORTS_PER_REOPEN);
  const superseded = { at, reason: reopen.reason };
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(id),
              UpdateExpression: 'SET #status = :to, updatedAt = :at',
              ConditionExpression: '#status = :from',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':to': 'open', ':from': 'closed', ':at': at },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(
                id,
                at,
                'reopen',
                {
                  from: 'closed',
                  by: reopen.by,
                  reason: reopen.reason,
                  supersededReports: reports.map((r) => r.sk.slice(r.sk.lastIndexOf('#') + 1)),
                },
                actor,
              ),
            },
          },
          ...reports.map((key) => ({
            Update: {
              TableName: db.tableName,
              Key: key,
              UpdateExpression: 'SET superseded = :superseded',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':superseded': superseded },
            },
          })),
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const latest = await requireCampaign(db, id);
      throw new CampaignStatusError(id, latest.status, 'reopened');
    }
    throw error;
  }
  return { ...current, status: 'open', updatedAt: at };
}

/** Reserves `count` serials for a group; returns the first and last (inclusive). */
export async function reserveSerials(
  db: Db,
  id: string,
  group: string,
  count: number,
  now: Date,
  actor: Actor = SERVICE_ACTOR,
): Promise<{ first: number; last: number }> {
  const at = now.toISOString();
  let last: number;
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: campaignKey(id),
        UpdateExpression: 'ADD issued.#group :n SET updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#group': group },
        ExpressionAttributeValues: { ':n': count, ':at': at },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    last = Number((Attributes?.issued as Record<string, number> | undefined)?.[group]);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new CampaignNotFoundError(id);
    throw error;
  }
  const first = last - count + 1;
  await db.client.send(
    new PutCommand({
      TableName: db.tableName,
      Item: auditItem(id, at, 'codes', { group, first, last }, actor),
    }),
  );
  return { first, last };
}

/**
 * Voids an issued, unused code (a lost slip), atomically with its audit entry: the campaign item records the serial
 * and a condition on the code's ballot item makes sure no ballot was cast with it. Voiding a void code again
 * changes nothing. The submit path refuses the code once its (cached) campaign read shows the void.
 */
export async function voidCode(
  db: Db,
  id: string,
  group: string,
  serial: number,
  now: Date,
  actor: Actor = SERVICE_ACTOR,
): Promise<void> {
  const at = now.toISOString();
  const element = voidElement(group, serial);
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(id),
              UpdateExpression: 'ADD voided :one SET updatedAt = :at',
              ConditionExpression: 'issued.#group >= :serial AND NOT contains(voided, :element)',
              ExpressionAttributeNames: { '#group': group },
              ExpressionAttributeValues: {
                ':one': new Set([element]),
                ':at': at,
                ':serial': serial,
                ':element': element,
              },
            },
          },
          {
            ConditionCheck: {
              TableName: db.tableName,
              Key: ballotKey(id, codeBallot(group, serial)),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: { TableName: db.tableName, Item: auditItem(id, at, 'codes-void', { group, serial }, actor) },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [campaign, ballot] = error.CancellationReasons ?? [];
    if (ballot?.Code === 'ConditionalCheckFailed') throw new CodeNotVoidableError(id, 'used');
    if (campaign?.Code !== 'ConditionalCheckFailed') throw error;
    const record = await requireCampaign(db, id);
    if (record.voided[group]?.includes(serial)) return;
    throw new CodeNotVoidableError(id, 'not-issued');
  }
}

/**
 * Replaces the definition of a campaign that may still be edited: any part while a draft, and (the caller checks
 * that only subjects change and no ballot was cast) an open one. Refused if the campaign changed since `from` was
 * read, so two people editing at once cannot overwrite each other. The audit entry carries a before/after summary.
 */
export async function updateDefinition(
  db: Db,
  from: CampaignRecord,
  next: Campaign,
  summary: { changed: string; before: string; after: string },
  now: Date,
  actor: Actor,
): Promise<CampaignRecord> {
  if (from.status === 'closed') throw new CampaignStatusError(from.id, from.status, from.status);
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(from.id),
              UpdateExpression: 'SET #definition = :definition, #title = :title, updatedAt = :at',
              ConditionExpression: '#status = :status AND updatedAt = :read',
              ExpressionAttributeNames: {
                '#status': 'status',
                '#definition': 'definition',
                '#title': 'title',
              },
              ExpressionAttributeValues: {
                ':definition': JSON.stringify(next),
                ':title': next.title,
                ':at': at,
                ':status': from.status,
                ':read': from.updatedAt,
              },
            },
          },
          { Put: { TableName: db.tableName, Item: auditItem(from.id, at, 'edit', summary, actor) } },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const latest = await requireCampaign(db, from.id);
      throw new CampaignStatusError(from.id, latest.status, from.status);
    }
    throw error;
  }
  parsedDefinitions.set(versionKey(from.id, at), next);
  return { ...from, definition: next, updatedAt: at };
}
