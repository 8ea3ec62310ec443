// The event that asks for an export: put on EventBridge by the API on AWS, called directly by the local runtime.
import type { ReportTrigger } from '@pingyi/data';

export const EVENT_SOURCE = 'pingyi';
export const EXPORT_REQUESTED = 'ExportRequested';

export interface ExportRequestedDetail {
  campaignId: string;
  reportId?: string;
  trigger: ReportTrigger;
  raw?: boolean;
}

/** How the API hands an export to the export function. */
export type RequestExport = (detail: ExportRequestedDetail) => Promise<void>;

/** The embedded metric the export logs when a closing recount differs from the live count (alarmed in infra). */
export const METRIC_NAMESPACE = 'Pingyi';
export const COUNT_MISMATCH_METRIC = 'ClosingCountMismatch';
