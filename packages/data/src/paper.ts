// Paper ballots (书面评议): batches typed in twice by two different accounts, blind; staged entries until every
// mismatch is resolved; then each ballot cast through castBallot (the online path's one conditional write), and the
// staged entries deleted.
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { comparePaperEntries, type PaperRatings, type PaperRow } from '@pingyi/domain';
import { type Actor, auditedUpdate, auditItem } from './audit.ts';
import { CampaignClosedError, castBallot } from './ballots.ts';
import type { CampaignRecord } from './campaigns.ts';
import { type Db, deleteKeys, queryAll } from './client.ts';
import { PaperBatchError } from './errors.ts';
import {
  codeBallot,
  type PaperPass,
  paperBatchesOf,
  paperBatchKey,
  paperEntriesOf,
  paperEntryKey,
} from './keys.ts';

export type PaperBatchStatus = 'entering' | 'committing' | 'committed';

export interface PaperBatch {
  id: string;
  campaign: string;
  group: string;
  label: string;
  createdAt: string;
  createdBy: string;
  status: PaperBatchStatus;
  /** who types each pass (claimed by the first entry saved) and when they declared it complete */
  passes: Record<'1' | '2', { by?: string; done?: string }>;
  /** after commit: serials counted, already used (online or by another batch), or void / never issued */
  result?: { at: string; by: string; cast: number[]; used: number[]; refused: number[] };
}

const nameOf = (actor: Actor) => (actor.type === 'account' ? actor.name : actor.type);

function toBatch(item: Record<string, unknown>): PaperBatch {
  const pass = (n: '1' | '2') => ({
    ...(typeof item[`p${n}by`] === 'string' ? { by: String(item[`p${n}by`]) } : {}),
    ...(typeof item[`p${n}done`] === 'string' ? { done: String(item[`p${n}done`]) } : {}),
  });
  return {
    id: String(item.id),
    campaign: String(item.campaign),
    group: String(item.group),
    label: String(item.label ?? ''),
    createdAt: String(item.createdAt),
    createdBy: String(item.createdBy),
    status: item.status as PaperBatchStatus,
    passes: { '1': pass('1'), '2': pass('2') },
    ...(item.result ? { result: item.result as PaperBatch['result'] } : {}),
  };
}

/** Opens a batch of paper ballots of one group (a bundle of slips typed in together), audited. */
export async function createPaperBatch(
  db: Db,
  record: CampaignRecord,
  input: { group: string; label: string },
  now: Date,
  actor: Actor,
): Promise<PaperBatch> {
  const group = record.definition.groups.find((g) => g.id === input.group);
  if (!group || group.channel === 'open') throw new PaperBatchError('group');
  if (record.status !== 'open') throw new PaperBatchError('not-open');
  const id = randomBytes(4).toString('hex');
  const at = now.toISOString();
  const item = {
    ...paperBatchKey(record.id, id),
    id,
    campaign: record.id,
    group: group.id,
    label: input.label,
    createdAt: at,
    createdBy: nameOf(actor),
    status: 'entering',
  };
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: db.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: db.tableName,
            Item: auditItem(
              record.id,
              at,
              'paper-batch',
              { batch: id, group: group.id, label: input.label },
              actor,
            ),
          },
        },
      ],
    }),
  );
  return toBatch(item);
}

export async function getPaperBatch(db: Db, campaign: string, batch: string): Promise<PaperBatch> {
  if (!/^[0-9a-f]{8}$/.test(batch)) throw new PaperBatchError('not-found');
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: paperBatchKey(campaign, batch), ConsistentRead: true }),
  );
  if (!Item) throw new PaperBatchError('not-found');
  return toBatch(Item);
}

/** A campaign's batches, oldest first. */
export async function listPaperBatches(db: Db, campaign: string): Promise<PaperBatch[]> {
  const { pk, skPrefix } = paperBatchesOf(campaign);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
    ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix },
    ConsistentRead: true,
  });
  return items.map(toBatch).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** A printed serial a batch may hold: issued for the group and not void. */
export function checkSerial(record: CampaignRecord, group: string, serial: number): void {
  if (!Number.isInteger(serial) || serial < 1 || serial > (record.issued[group] ?? 0))
    throw new PaperBatchError('serial');
  if (record.voided[group]?.includes(serial)) throw new PaperBatchError('void');
}

/**
 * Saves one entry of a pass (typing a serial again in the same pass replaces it). The first entry saved claims the
 * pass for its account; the other pass must be someone else's. Nothing counts yet.
 */
export async function savePaperEntry(
  db: Db,
  record: CampaignRecord,
  batch: PaperBatch,
  entry: { pass: '1' | '2'; serial: number; ratings: PaperRatings },
  actor: Actor,
): Promise<void> {
  if (record.status !== 'open') throw new PaperBatchError('not-open');
  checkSerial(record, batch.group, entry.serial);
  const me = nameOf(actor);
  const other = entry.pass === '1' ? '2' : '1';
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: paperBatchKey(batch.campaign, batch.id),
              UpdateExpression: `SET p${entry.pass}by = :me`,
              ConditionExpression: `#status = :entering AND attribute_not_exists(p${entry.pass}done) AND (attribute_not_exists(p${entry.pass}by) OR p${entry.pass}by = :me) AND (attribute_not_exists(p${other}by) OR p${other}by <> :me)`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':me': me, ':entering': 'entering' },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...paperEntryKey(batch.campaign, batch.id, entry.pass, entry.serial),
                serial: entry.serial,
                r: entry.ratings,
                // the submission id its ballot is cast with: a commit that stopped half-way is resumed, not doubled
                sid: randomBytes(18).toString('base64url'),
                by: me,
              },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException)
      throw refusalOf(await getPaperBatch(db, batch.campaign, batch.id), entry.pass, me);
    throw error;
  }
}

/** Why a pass refused an account, as the batch is now. */
function refusalOf(batch: PaperBatch, pass: '1' | '2', me: string): PaperBatchError {
  const other = pass === '1' ? '2' : '1';
  if (batch.status !== 'entering') return new PaperBatchError('committed');
  if (batch.passes[pass].done) return new PaperBatchError('pass-done');
  if (batch.passes[other].by === me) return new PaperBatchError('same-person');
  return new PaperBatchError('not-yours');
}

/** May this account type (or read back) this pass? Pass 2 never sees pass 1, and the same account never types both. */
export function ensurePassOpen(batch: PaperBatch, pass: '1' | '2', actor: Actor): void {
  const me = nameOf(actor);
  const claimed = batch.passes[pass].by;
  const other = pass === '1' ? '2' : '1';
  if (batch.status !== 'entering') throw new PaperBatchError('committed');
  if (batch.passes[other].by === me) throw new PaperBatchError('same-person');
  if (claimed !== undefined && claimed !== me) throw new PaperBatchError('not-yours');
}

/** One pass's own entries: what its typist sees (never the other pass's). */
export async function passEntries(
  db: Db,
  batch: PaperBatch,
  pass: PaperPass,
): Promise<{ serial: number; ratings: PaperRatings | undefined; sid: string }[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pass)',
    ExpressionAttributeValues: { ':pk': paperEntriesOf(batch.campaign, batch.id).pk, ':pass': `${pass}#` },
    ConsistentRead: true,
  });
  return items.map((i) => ({
    serial: Number(i.serial),
    ratings: i.r as PaperRatings | undefined,
    sid: String(i.sid),
  }));
}

/** Declares a pass complete: its typist can change it no more, and once both are, the comparison shows. */
export async function finishPass(db: Db, batch: PaperBatch, pass: '1' | '2', now: Date, actor: Actor) {
  const me = nameOf(actor);
  const at = now.toISOString();
  const entries = (await passEntries(db, batch, pass)).length;
  try {
    await auditedUpdate(
      db,
      {
        Key: paperBatchKey(batch.campaign, batch.id),
        UpdateExpression: `SET p${pass}done = :at`,
        ConditionExpression: `#status = :entering AND p${pass}by = :me AND attribute_not_exists(p${pass}done)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':me': me, ':entering': 'entering' },
      },
      auditItem(batch.campaign, at, 'paper-pass', { batch: batch.id, pass, entries }, actor),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const latest = await getPaperBatch(db, batch.campaign, batch.id);
      if (latest.passes[pass].by === undefined) throw new PaperBatchError('empty');
      throw refusalOf(latest, pass, me);
    }
    throw error;
  }
}

/** Both passes and the resolutions, compared serial by serial; only once both passes are complete. */
export async function compareBatch(db: Db, batch: PaperBatch): Promise<PaperRow[]> {
  if (!batch.passes['1'].done || !batch.passes['2'].done) throw new PaperBatchError('not-ready');
  const [first, second, resolved] = await Promise.all(
    (['1', '2', 'R'] as const).map((p) => passEntries(db, batch, p)),
  );
  const bySerial = (entries: Awaited<ReturnType<typeof passEntries>> = []) =>
    new Map(entries.map((e) => [e.serial, e.ratings] as const));
  return comparePaperEntries(
    bySerial(first) as Map<number, PaperRatings>,
    bySerial(second) as Map<number, PaperRatings>,
    bySerial(resolved),
  );
}

/**
 * Settles a mismatch: one pass's entry is the slip's (after looking at the slip), or the serial is dropped (typed
 * by mistake, or the slip is not to count). Audited with the account; the answers are not in the audit.
 */
export async function resolvePaperEntry(
  db: Db,
  batch: PaperBatch,
  input: { serial: number; choice: '1' | '2' | 'drop' },
  now: Date,
  actor: Actor,
): Promise<void> {
  const rows = await compareBatch(db, batch);
  const row = rows.find((r) => r.serial === input.serial);
  if (!row || row.state === 'match') throw new PaperBatchError('not-found');
  let ratings: PaperRatings | undefined;
  if (input.choice !== 'drop') {
    if (row.state !== 'mismatch') throw new PaperBatchError('not-found');
    ratings = input.choice === '1' ? row.first : row.second;
    if (!ratings) throw new PaperBatchError('not-found');
  }
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: db.tableName,
              Key: paperBatchKey(batch.campaign, batch.id),
              ConditionExpression: '#status = :entering',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':entering': 'entering' },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...paperEntryKey(batch.campaign, batch.id, 'R', input.serial),
                serial: input.serial,
                ...(ratings ? { r: ratings } : {}),
                sid: randomBytes(18).toString('base64url'),
                by: nameOf(actor),
              },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(
                batch.campaign,
                at,
                'paper-resolve',
                { batch: batch.id, serial: input.serial, choice: input.choice },
                actor,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new PaperBatchError('committed');
    throw error;
  }
}

/** Ballots cast at once while committing a batch: DynamoDB takes them in parallel, the table stays unstrained. */
const CAST_CONCURRENCY = 8;

/**
 * Counts a batch: refused while any mismatch is open or the campaign is not open. Each agreed (or resolved) entry is
 * cast through castBallot under its code's ballot key, in the online path's one conditional transaction, so a slip
 * counts once whichever way it is used first: a serial already used (online, or in another batch) is reported, not
 * counted. Then the staged entries are deleted (the ballots keep no time and no clerk) and the result is recorded
 * with its audit entry. A commit that stopped half-way is run again: each entry keeps its submission id, so its
 * ballot is recognised as its own (a repeat), never counted twice nor reported as used.
 */
export async function commitPaperBatch(
  db: Db,
  record: CampaignRecord,
  batch: PaperBatch,
  secret: Buffer,
  now: Date,
  actor: Actor,
): Promise<NonNullable<PaperBatch['result']>> {
  if (batch.status === 'committed') throw new PaperBatchError('committed');
  if (record.status !== 'open') throw new PaperBatchError('not-open');
  const rows = await compareBatch(db, batch);
  if (rows.some((r) => r.state === 'mismatch')) throw new PaperBatchError('unresolved');
  const [first, second, resolved] = await Promise.all(
    (['1', '2', 'R'] as const).map((p) => passEntries(db, batch, p)),
  );
  const sidOf = new Map<number, string>();
  for (const e of [...(second ?? []), ...(first ?? []), ...(resolved ?? [])]) sidOf.set(e.serial, e.sid);

  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: paperBatchKey(batch.campaign, batch.id),
        UpdateExpression: 'SET #status = :committing',
        ConditionExpression: '#status IN (:entering, :committing)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':entering': 'entering', ':committing': 'committing' },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new PaperBatchError('committed');
    throw error;
  }

  const result = { cast: [] as number[], used: [] as number[], refused: [] as number[] };
  // serials whose ballot found the campaign closed: the batch stays staged (see below)
  let closedOn = 0;
  const counted = rows.flatMap((r) =>
    r.state === 'mismatch' || !r.ratings ? [] : [{ serial: r.serial, ratings: r.ratings }],
  );
  for (let at = 0; at < counted.length; at += CAST_CONCURRENCY) {
    await Promise.all(
      counted.slice(at, at + CAST_CONCURRENCY).map(async ({ serial, ratings }) => {
        try {
          checkSerial(record, batch.group, serial);
        } catch {
          result.refused.push(serial);
          return;
        }
        try {
          const outcome = await castBallot(db, {
            campaign: batch.campaign,
            ballotKey: codeBallot(batch.group, serial),
            ballot: { group: batch.group, ratings, commented: [], best: [], worst: [] },
            comments: [],
            submissionId: sidOf.get(serial) ?? randomBytes(18).toString('base64url'),
            secret,
            whileOpen: true,
          });
          (outcome.outcome === 'used' ? result.used : result.cast).push(serial);
        } catch (error) {
          if (!(error instanceof CampaignClosedError)) throw error;
          closedOn += 1;
        }
      }),
    );
  }
  for (const list of Object.values(result)) list.sort((a, b) => a - b);
  // Closed while committing: what was cast before the close counts (the closing report waits for no batch, so each
  // ballot checked the campaign was open in its own transaction); the rest stays staged, the batch 'committing',
  // so that after a reopen the same commit finishes it (each entry keeps its submission id: no double count).
  if (closedOn > 0) throw new PaperBatchError('not-open');

  await deleteStagedEntries(db, batch);
  const at = now.toISOString();
  const recorded = { at, by: nameOf(actor), ...result };
  await auditedUpdate(
    db,
    {
      Key: paperBatchKey(batch.campaign, batch.id),
      UpdateExpression: 'SET #status = :committed, #result = :result',
      ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
      ExpressionAttributeValues: { ':committed': 'committed', ':result': recorded },
    },
    auditItem(
      batch.campaign,
      at,
      'paper-commit',
      {
        batch: batch.id,
        group: batch.group,
        cast: result.cast.length,
        used: result.used,
        refused: result.refused,
      },
      actor,
    ),
  );
  return recorded;
}

/** Deletes every staged entry of a batch (both passes and the resolutions), 25 at a time. */
export async function deleteStagedEntries(db: Db, batch: Pick<PaperBatch, 'campaign' | 'id'>): Promise<void> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': paperEntriesOf(batch.campaign, batch.id).pk },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  await deleteKeys(
    db,
    items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })),
  );
}
