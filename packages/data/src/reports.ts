// Report repository: a report is listed only once all its files are stored, so a failed export lists nothing.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, queryAll } from './client.ts';
import type { Verification } from './closing.ts';
import { campaignKey, reportKey, reportsOf } from './keys.ts';

export type ReportTrigger = 'schedule' | 'close' | 'manual';
/** raw-csv: every ballot, anonymized; texts-csv: the free texts on their own, shuffled (both on demand) */
export type ReportFormat = 'xlsx' | 'csv' | 'html' | 'raw-csv' | 'texts-csv';

export interface ReportFile {
  format: ReportFormat;
  /** the file name a person sees (Chinese), used in Content-Disposition */
  name: string;
  key: string;
  size: number;
  /** SHA-256 of the content, hex */
  sha256: string;
}

export interface ReportRecord {
  id: string;
  campaignId: string;
  createdAt: string;
  trigger: ReportTrigger;
  /** fingerprint of the results it was made from: a scheduled export skips when nothing changed */
  fingerprint: string;
  files: ReportFile[];
  /** a report of a closed campaign: how its recount compared with the live count */
  verification?: Verification;
  /** a closing report whose campaign a county admin reopened: no longer the record (see campaigns.ts reopenCampaign) */
  superseded?: { at: string; reason: string };
}

export async function putReport(db: Db, report: ReportRecord): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...reportKey(report.campaignId, report.createdAt, report.id), ...report },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Why a closing report made while its campaign was reopened is not the record. */
export const REOPENED_DURING_EXPORT = '报告生成期间评议被重新开启，此报告不是最终记录';

/**
 * Lists the report of a closing, only while that closing still stands: in one transaction with a check that the
 * campaign is closed at `closedAt`. A county admin who reopened the campaign (or reopened and closed it again)
 * while the export ran has superseded it, and reopening marks only the reports already listed; so this one is
 * listed as superseded instead (its files stay, nothing is lost). Answers the report as listed.
 */
export async function putClosingReport(
  db: Db,
  report: ReportRecord,
  closedAt: string,
  now: Date,
): Promise<ReportRecord> {
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: { ...reportKey(report.campaignId, report.createdAt, report.id), ...report },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            ConditionCheck: {
              TableName: db.tableName,
              Key: campaignKey(report.campaignId),
              ConditionExpression:
                '#status = :closed AND (closedAt = :closedAt OR attribute_not_exists(closedAt))',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':closed': 'closed', ':closedAt': closedAt },
            },
          },
        ],
      }),
    );
    return report;
  } catch (error) {
    const reopened =
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed';
    if (!reopened) throw error;
    const superseded: ReportRecord = {
      ...report,
      superseded: { at: now.toISOString(), reason: REOPENED_DURING_EXPORT },
    };
    await putReport(db, superseded);
    return superseded;
  }
}

export async function listReports(db: Db, campaign: string, limit = 50): Promise<ReportRecord[]> {
  const { pk, skPrefix } = reportsOf(campaign);
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((item) => ({
    id: String(item.id),
    campaignId: String(item.campaignId),
    createdAt: String(item.createdAt),
    trigger: item.trigger as ReportTrigger,
    fingerprint: String(item.fingerprint),
    files: item.files as ReportFile[],
    ...(item.verification ? { verification: item.verification as Verification } : {}),
    ...(item.superseded ? { superseded: item.superseded as { at: string; reason: string } } : {}),
  }));
}

/** The keys of a campaign's closing reports that are still the record (not yet superseded). */
export async function currentClosingReports(db: Db, campaign: string): Promise<{ pk: string; sk: string }[]> {
  const { pk, skPrefix } = reportsOf(campaign);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#trigger = :close AND attribute_not_exists(superseded)',
    ExpressionAttributeNames: { '#trigger': 'trigger' },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ':close': 'close' },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  return items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
}
