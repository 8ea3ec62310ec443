// What the HTTP app needs from outside, injected so tests and the local runtime can hand in their own.
import type { Db } from '@pingyi/data';

export interface AppDeps {
  db: Db;
  codeSecret: Buffer;
  adminToken: string;
  /** base of printed links, without a trailing slash */
  publicUrl: string;
  now: () => Date;
}
