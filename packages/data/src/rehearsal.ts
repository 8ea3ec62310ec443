// Rehearsal (试运行): wiping a closed rehearsal's every trace of voting (ballots, receipts, comments, free texts,
// aggregates with their commit record, the closing tally, reports and their files, quota counters, paper batches)
// and returning the campaign to draft for its formal opening. A formal campaign is never wiped.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, auditItem } from './audit.ts';
import { ballotKeysOf } from './ballots.ts';
import { requireCampaign } from './campaigns.ts';
import { type Db, deleteKeys, queryAll } from './client.ts';
import { hasFinalTally } from './closing.ts';
import { RehearsalWipeError } from './errors.ts';
import {
  AGGREGATE_PREFIX,
  campaignKey,
  commentsOf,
  FEEDBACK_PREFIX,
  FINAL_PREFIX,
  freeTextsOf,
  MEASURE_PREFIX,
  PAPER_PREFIX,
  PUBLICATION_PREFIX,
  paperEntriesOf,
  quotasOf,
  REPORT_PREFIX,
  receiptPartitions,
} from './keys.ts';

type Key = { pk: string; sk: string };

export interface WipeSummary {
  ballots: number;
  receipts: number;
  comments: number;
  freeTexts: number;
  aggregates: number;
  finalTallies: number;
  reports: number;
  files: number;
  quotaCounters: number;
  paperBatches: number;
  /** publications (公示), feedback links and rectification measures */
  followUp: number;
  /** codes used in the rehearsal, now void (`<group>#<serial>`) */
  voided: number;
}

const keysIn = (items: Record<string, unknown>[]): Key[] =>
  items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));

async function partition(db: Db, pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
  return queryAll(db, {
    KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
    ConsistentRead: true,
  });
}

/** `B#<campaign>#t.<group>.<serial>` → `<group>#<serial>` (the campaign item's void set); open-link ballots: none. */
function codeOf(campaign: string, pk: string): string | undefined {
  const key = pk.slice(`B#${campaign}#`.length);
  if (!key.startsWith('t.')) return undefined;
  const at = key.lastIndexOf('.');
  return `${key.slice(2, at)}#${key.slice(at + 1)}`;
}

/**
 * Wipes a closed rehearsal. Only once it is closed and its closing report is made: then no process accepts a ballot
 * for it any more and the stream has delivered every one (the closing waited for both), so nothing counted can come
 * back after the wipe. The report files go first (`deleteFiles`), then the items, and last, in one transaction with
 * its audit entry, the campaign returns to draft, no longer a rehearsal, with the codes used in the rehearsal voided
 * (a slip that voted in a rehearsal has been in a tester's hands: it must not vote in the formal campaign; unused
 * codes stay valid). A wipe stopped half-way is simply run again.
 */
export async function wipeRehearsal(
  db: Db,
  id: string,
  deleteFiles: (keys: string[]) => Promise<void>,
  now: Date,
  actor: Actor,
): Promise<WipeSummary> {
  const record = await requireCampaign(db, id);
  if (record.rehearsal !== true) throw new RehearsalWipeError(id, 'formal');
  if (record.status !== 'closed' || !record.closedAt) throw new RehearsalWipeError(id, 'not-closed');
  if (!(await hasFinalTally(db, id, record.closedAt))) throw new RehearsalWipeError(id, 'closing');

  const campaignPk = campaignKey(id).pk;
  const [ballots, aggregates, finals, reports, batches, freeTexts, quotas, followUp] = await Promise.all([
    ballotKeysOf(db, id),
    partition(db, campaignPk, AGGREGATE_PREFIX),
    partition(db, campaignPk, FINAL_PREFIX),
    partition(db, campaignPk, REPORT_PREFIX),
    partition(db, campaignPk, PAPER_PREFIX),
    partition(db, freeTextsOf(id).pk),
    partition(db, quotasOf(id).pk),
    // a rehearsal's 公示, feedback links and measures were made from test data too
    Promise.all(
      [PUBLICATION_PREFIX, FEEDBACK_PREFIX, MEASURE_PREFIX].map((prefix) =>
        partition(db, campaignPk, prefix),
      ),
    ).then((parts) => parts.flat()),
  ]);
  const receipts = (await Promise.all(receiptPartitions(id).map((pk) => partition(db, pk)))).flat();
  const comments = (
    await Promise.all(record.definition.subjects.map((s) => partition(db, commentsOf(id, s.id).pk)))
  ).flat();
  const staged = (
    await Promise.all(batches.map((b) => partition(db, paperEntriesOf(id, String(b.id)).pk)))
  ).flat();
  const files = reports.flatMap((r) => ((r.files ?? []) as { key: string }[]).map((f) => f.key));
  const voided = [...new Set(ballots.map((b) => codeOf(id, b.pk)).filter((c) => c !== undefined))];

  await deleteFiles(files);
  await deleteKeys(db, [
    ...ballots,
    ...keysIn(receipts),
    ...keysIn(comments),
    ...keysIn(freeTexts),
    ...keysIn(quotas),
    ...keysIn(staged),
    ...keysIn(batches),
    ...keysIn(reports),
    ...keysIn(finals),
    ...keysIn(followUp),
    // the aggregates last: a reader meanwhile sees either the old commit record or none
    ...keysIn(aggregates),
  ]);

  const summary: WipeSummary = {
    ballots: ballots.length,
    receipts: receipts.length,
    comments: comments.length,
    freeTexts: freeTexts.length,
    aggregates: aggregates.length,
    finalTallies: finals.length,
    reports: reports.length,
    files: files.length,
    quotaCounters: quotas.length,
    paperBatches: batches.length,
    followUp: followUp.length,
    voided: voided.length,
  };
  const at = now.toISOString();
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: campaignKey(id),
              UpdateExpression: `SET #status = :draft, updatedAt = :at REMOVE rehearsal, closedAt${
                voided.length ? ' ADD voided :voided' : ''
              }`,
              ConditionExpression: '#status = :closed AND rehearsal = :true AND closedAt = :closedAt',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':draft': 'draft',
                ':closed': 'closed',
                ':true': true,
                ':closedAt': record.closedAt,
                ':at': at,
                ...(voided.length ? { ':voided': new Set(voided) } : {}),
              },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(id, at, 'rehearsal-wipe', { ...summary, voidedCodes: voided }, actor),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const latest = await requireCampaign(db, id);
      throw new RehearsalWipeError(id, latest.rehearsal ? 'not-closed' : 'formal');
    }
    throw error;
  }
  return summary;
}
