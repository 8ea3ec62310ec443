// What the HTTP app needs from outside, injected so tests and the local runtime can hand in their own.
import type { ScryptParams } from '@pingyi/console';
import type { Db } from '@pingyi/data';
import type { RequestExport } from '@pingyi/reports/events';
import type { ReportStore } from '@pingyi/reports/links';

export interface AppDeps {
  db: Db;
  codeSecret: Buffer;
  adminToken: string;
  /** base of printed links, without a trailing slash */
  publicUrl: string;
  now: () => Date;
  /**
   * where reports are stored and their links signed, built on the first call (on AWS `RuntimeConfig.reports`, so the
   * S3 SDK stays out of the api's cold start); reports are unavailable without it
   */
  reports?: () => Promise<ReportStore>;
  /** hands an export to the export function (EventBridge on AWS, a direct call locally) */
  requestExport?: RequestExport;
  /** scrypt cost of new console passwords (tests lower it); the console's default otherwise */
  passwordCost?: ScryptParams;
}
