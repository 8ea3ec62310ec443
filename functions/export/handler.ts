// Lambda entry for exports: the schedule (every open campaign, and closed ones not yet exported since closing)
// and ExportRequested events (on demand, or when a campaign closes). An adapter: the work is in @pingyi/reports.
import { type Db, hasFinalTally, listCampaigns, type ReportTrigger, requireCampaign } from '@pingyi/data';
import {
  COUNT_MISMATCH_METRIC,
  EXPORT_REQUESTED,
  type ExportOutcome,
  type ExportRequest,
  type ExportRequestedDetail,
  METRIC_NAMESPACE,
  type ReportStore,
  runExport,
} from '@pingyi/reports';
import { loadRuntimeConfig, logger } from '@pingyi/runtime';

/** An EventBridge event: either ours (ExportRequested) or the schedule's. */
export interface ExportEvent {
  'detail-type'?: string;
  source?: string;
  detail?: Partial<ExportRequestedDetail>;
}

export interface ExportSummary {
  exported: string[];
  unchanged: string[];
  failed: string[];
}

export interface ExportHandlerOptions {
  /** how a closing export compares the recount with the live aggregates (default: up to 60 s) */
  closing?: ExportRequest['closing'];
}

export function createExportHandler(
  db: Db,
  store: ReportStore,
  now: () => Date = () => new Date(),
  options: ExportHandlerOptions = {},
) {
  async function exportOne(
    campaignId: string,
    trigger: ReportTrigger,
    extra: Partial<ExportRequestedDetail> = {},
  ) {
    const request = {
      campaignId,
      trigger,
      now: now(),
      clock: now,
      ...(options.closing ? { closing: options.closing } : {}),
      ...(extra.reportId ? { reportId: extra.reportId } : {}),
    };
    const outcome = await runExport(db, store, { ...request, ...(extra.raw ? { raw: true } : {}) });
    if (outcome.outcome === 'exported' && outcome.closing && !outcome.closing.verification.agreed) {
      reportCountMismatch(campaignId, outcome.report.id, outcome.closing);
    }
    return outcome;
  }

  /** Which campaigns the schedule covers: open ones, and closed ones whose closing report is not made yet. */
  async function due(): Promise<{ id: string; trigger: ReportTrigger }[]> {
    const out: { id: string; trigger: ReportTrigger }[] = [];
    for (const summary of await listCampaigns(db, 1000)) {
      if (summary.status === 'open') out.push({ id: summary.id, trigger: 'schedule' });
      if (summary.status !== 'closed') continue;
      const record = await requireCampaign(db, summary.id);
      if (!(await hasFinalTally(db, summary.id, record.closedAt ?? record.updatedAt))) {
        out.push({ id: summary.id, trigger: 'close' });
      }
    }
    return out;
  }

  return async function handle(event: ExportEvent): Promise<ExportSummary> {
    const summary: ExportSummary = { exported: [], unchanged: [], failed: [] };
    if (event['detail-type'] === EXPORT_REQUESTED) {
      const detail = event.detail ?? {};
      if (!detail.campaignId) throw new Error('ExportRequested without campaignId');
      const context = { campaignId: detail.campaignId, reportId: detail.reportId, trigger: detail.trigger };
      try {
        const result = await exportOne(detail.campaignId, detail.trigger ?? 'manual', detail);
        logger.info('export done', { ...context, outcome: result.outcome });
        (result.outcome === 'exported' ? summary.exported : summary.unchanged).push(detail.campaignId);
        return summary;
      } catch (error) {
        // Thrown on: the event is retried by Lambda's async retries, and a closed campaign by the schedule.
        logger.error('export failed', { ...context, error: String(error) });
        throw error;
      }
    }
    for (const { id, trigger } of await due()) {
      try {
        const result = await exportOne(id, trigger);
        (result.outcome === 'exported' ? summary.exported : summary.unchanged).push(id);
      } catch (error) {
        logger.error('scheduled export failed; the next run retries', {
          campaignId: id,
          trigger,
          error: String(error),
        });
        summary.failed.push(id);
      }
    }
    logger.info('scheduled export run', {
      exported: summary.exported.length,
      unchanged: summary.unchanged.length,
      failed: summary.failed.length,
    });
    if (summary.failed.length > 0) throw new Error(`export failed for ${summary.failed.length} campaign(s)`);
    return summary;
  };
}

/**
 * The closing report is made from the recount; live aggregates that never reached it mean ballots the stream
 * lost or counted twice. Logged as an error with a CloudWatch embedded metric, which the county's
 * ClosingCountMismatch alarm watches; `npm run recount -- <campaign> --repair` then fixes the aggregates.
 */
function reportCountMismatch(
  campaignId: string,
  reportId: string,
  closing: NonNullable<Extract<ExportOutcome, { outcome: 'exported' }>['closing']>,
) {
  logger.error('closing recount differs from the live aggregates; the report uses the recount', {
    campaignId,
    reportId,
    ...closing.verification,
    firstDifferences: closing.differences.slice(0, 5),
    FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    [COUNT_MISMATCH_METRIC]: 1,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['FunctionName']],
          Metrics: [{ Name: COUNT_MISMATCH_METRIC, Unit: 'Count' }],
        },
      ],
    },
  });
}

let handler: ReturnType<typeof createExportHandler> | undefined;

/** The Lambda entry point: clients are built once per container, from the validated config. */
export async function main(event: ExportEvent): Promise<ExportSummary> {
  if (!handler) {
    const config = loadRuntimeConfig();
    if (!config.reports) throw new Error('PINGYI_REPORTS_BUCKET is not set');
    handler = createExportHandler(config.db, await config.reports());
  }
  return handler(event);
}
