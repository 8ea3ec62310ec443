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
  /** where reports are stored and their links signed; reports are unavailable without it */
  reports?: ReportStore;
  /** hands an export to the export function (EventBridge on AWS, a direct call locally) */
  requestExport?: RequestExport;
  /** scrypt cost of new console passwords (tests lower it); the console's default otherwise */
  passwordCost?: ScryptParams;
}
