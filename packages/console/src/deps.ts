// What the console needs from outside, injected by the app that mounts it (and by tests).
import type { Actor, CampaignRecord, Db, PaperBatch, WipeSummary } from '@pingyi/data';
import type { Campaign } from '@pingyi/domain';
import type { Context } from 'hono';
import type { ScryptParams } from './passwords.ts';

export interface ConsoleDeps {
  db: Db;
  now: () => Date;
  /**
   * The JSON API, called in-process on behalf of a signed-in account: campaigns, codes, results and reports go
   * through the same routes, validation and audit as automation does, with the account as the actor.
   */
  api: (request: Request, actor: Actor) => Promise<Response>;
  /** base of the links the console prints (set-up and reset links), without a trailing slash */
  publicUrl: string;
  /** the address the platform saw a request come from, for the per-client sign-in limit */
  clientAddress: (c: Context) => string;
  /** keys the digest of client addresses, so the table never holds an address */
  clientKey: Buffer;
  /**
   * The ballot page exactly as an evaluator of a group sees it, and the security policy it is served with: the
   * editor's preview. Rendered by the app that serves ballots, so the console never copies the page.
   */
  ballotPreview?: (campaign: Campaign, groupId: string) => { html: string; csp: string };
  /**
   * Counts a paper batch (书面评议) through the ballot path (data's commitPaperBatch, castBallot), with the stack's
   * secret, which the console itself never holds.
   */
  commitPaperBatch: (
    record: CampaignRecord,
    batch: PaperBatch,
    actor: Actor,
  ) => Promise<NonNullable<PaperBatch['result']>>;
  /**
   * Wipes a closed rehearsal (data's wipeRehearsal) with the report store, which the console itself does not hold.
   */
  wipeRehearsal: (campaign: string, actor: Actor) => Promise<WipeSummary>;
  /** scrypt cost of new password hashes; stored with each hash, so it can be raised later */
  scrypt?: ScryptParams;
}
