// Every key shape of the single table, and the access patterns they serve. Nothing else builds a key string.
//
// | # | access pattern                                      | operation | key                                                    |
// |---|-----------------------------------------------------|-----------|--------------------------------------------------------|
// | 1 | get a campaign (definition, status, issued counts)  | GetItem   | pk = C#<campaign>           sk = META                  |
// | 2 | list campaigns, newest first                        | Query GSI | campaignsByCreation: gsi1pk = CAMPAIGNS, gsi1sk = <createdAt>#<campaign> |
// | 3 | cast one ballot per code, once (conditional put)    | PutItem   | pk = B#<campaign>#<ballotKey> sk = BALLOT              |
// | 4 | read every aggregate of a campaign for results      | Query     | pk = C#<campaign>           sk begins_with AGG#        |
// | 5 | audit trail of a campaign, in time order            | Query     | pk = C#<campaign>           sk begins_with AUDIT#      |
// | 6 | comments on one subject (organizer only)            | Query     | pk = CM#<campaign>#<subject> sk = <comment id>         |
// | 6a| write a ballot's comment once, again on a retry     | Put/BatchGet | sk = HMAC(stack secret, campaign, ballot key, subject) |
// | 7 | recount / raw export: every ballot of a campaign    | Scan      | filter cid = <campaign> on sk = BALLOT items (rare)    |
// | 8 | reports of a campaign, newest first                 | Query     | pk = C#<campaign>           sk begins_with REPORT#     |
// | 9 | the verified tally of a closing (header)            | GetItem   | pk = C#<campaign>           sk = FINAL#<closedAt>      |
// |10 | its parts (gzip JSON, in order)                     | Query     | pk = C#<campaign>           sk begins_with FINAL#<closedAt>#<report># |
// |11 | open-channel quota: one source in one window        | UpdateItem (ADD, conditional) | pk = Q#<campaign> sk = <window start>#<source digest> |
// |12 | open-channel spread over sources, for organizers    | Query     | pk = Q#<campaign>  (every window and source; TTL ends them) |
//
// Ballots are keyed by code, never by campaign alone, so a burst of votes spreads over partitions (one key takes
// about 1,000 writes/s). Aggregates are written at most once per stream batch each, so they can share the
// campaign's partition. Comments live under their own key, with no reference to the ballot they came with: the id
// of a ballot's comment is a keyed hash, so the ballot's retry rewrites the same item, yet nobody without the stack's
// secret can go from a comment to its ballot or back. Quota counters hold a count per (window, keyed digest of a
// network source) and nothing about any ballot; each accepted open-channel ballot writes one, within the campaign's
// partition (the API's throttle keeps that far below a key's 1,000 writes/s).
import { createHmac } from 'node:crypto';

export const CAMPAIGN_META = 'META';
export const BALLOT_SK = 'BALLOT';
export const CAMPAIGNS_PK = 'CAMPAIGNS';
export const CAMPAIGNS_INDEX = 'campaignsByCreation';
export const AGGREGATE_PREFIX = 'AGG#';
export const AUDIT_PREFIX = 'AUDIT#';
export const REPORT_PREFIX = 'REPORT#';
export const FINAL_PREFIX = 'FINAL#';

export const campaignKey = (campaign: string) => ({ pk: `C#${campaign}`, sk: CAMPAIGN_META });

export const campaignListing = (campaign: string, createdAt: string) => ({
  gsi1pk: CAMPAIGNS_PK,
  gsi1sk: `${createdAt}#${campaign}`,
});

/** A ballot's key: `t.<group>.<serial>` for a code, `o.<group>.<submission>` for an open link. */
export const ballotKey = (campaign: string, ballot: string) => ({
  pk: `B#${campaign}#${ballot}`,
  sk: BALLOT_SK,
});
export const codeBallot = (group: string, serial: number) => `t.${group}.${serial}`;
export const openBallot = (group: string, submission: string) => `o.${group}.${submission}`;

export const aggregatesOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: AGGREGATE_PREFIX });

/** The aggregate items of a campaign (access pattern 4): one per campaign, per subject × group, per free text. */
export type AggregateScope =
  | { type: 'campaign' }
  | { type: 'subject'; subject: string; group: string }
  | { type: 'other'; side: 'otherBest' | 'otherWorst'; digest: string };

export function aggregateKey(campaign: string, scope: AggregateScope) {
  const pk = `C#${campaign}`;
  switch (scope.type) {
    case 'campaign':
      return { pk, sk: `${AGGREGATE_PREFIX}C` };
    case 'subject':
      return { pk, sk: `${AGGREGATE_PREFIX}S#${scope.subject}#${scope.group}` };
    case 'other':
      return { pk, sk: `${AGGREGATE_PREFIX}T#${scope.side}#${scope.digest}` };
  }
}

export function parseAggregateKey(sk: string): AggregateScope | undefined {
  const parts = sk.slice(AGGREGATE_PREFIX.length).split('#');
  if (parts[0] === 'C') return { type: 'campaign' };
  if (parts[0] === 'S' && parts[1] && parts[2])
    return { type: 'subject', subject: parts[1], group: parts[2] };
  if (parts[0] === 'T' && (parts[1] === 'otherBest' || parts[1] === 'otherWorst') && parts[2]) {
    return { type: 'other', side: parts[1], digest: parts[2] };
  }
  return undefined;
}

export const auditKey = (campaign: string, at: string, nonce: string) => ({
  pk: `C#${campaign}`,
  sk: `${AUDIT_PREFIX}${at}#${nonce}`,
});

export const commentKey = (campaign: string, subject: string, id: string) => ({
  pk: `CM#${campaign}#${subject}`,
  sk: id,
});

/**
 * The id of a ballot's comment on one subject: deterministic, so writing it again (a retry) never makes a second
 * one, and unlinkable without `secret` (the ballot key is not in it in any readable form).
 */
export const commentId = (secret: Buffer, campaign: string, ballot: string, subject: string) =>
  createHmac('sha256', secret)
    .update(`pingyi-comment-v1|${campaign}|${ballot}|${subject}`)
    .digest('base64url')
    .slice(0, 22);

export const commentsOf = (campaign: string, subject: string) => ({ pk: `CM#${campaign}#${subject}` });

/** Report items sort by creation time, so the newest come first in a descending query. */
export const reportKey = (campaign: string, createdAt: string, report: string) => ({
  pk: `C#${campaign}`,
  sk: `${REPORT_PREFIX}${createdAt}#${report}`,
});
export const reportsOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: REPORT_PREFIX });

/**
 * The tally a closing report was made from (a recount of the ballots), keyed by the closing's time: a campaign
 * reopened and closed again gets a new one, and the old one no longer applies. The header is written last.
 */
export const finalTallyKey = (campaign: string, closedAt: string) => ({
  pk: `C#${campaign}`,
  sk: `${FINAL_PREFIX}${closedAt}`,
});
export const finalTallyPartKey = (campaign: string, closedAt: string, report: string, part: number) => ({
  pk: `C#${campaign}`,
  sk: `${FINAL_PREFIX}${closedAt}#${report}#${String(part).padStart(4, '0')}`,
});
export const finalTallyPartsOf = (campaign: string, closedAt: string, report: string) => ({
  pk: `C#${campaign}`,
  skPrefix: `${FINAL_PREFIX}${closedAt}#${report}#`,
});
/** One source's open-channel counter in one quota window (ISO start time; sorts in time order). */
export const quotaKey = (campaign: string, windowStart: string, source: string) => ({
  pk: `Q#${campaign}`,
  sk: `${windowStart}#${source}`,
});
export const quotasOf = (campaign: string) => ({ pk: `Q#${campaign}` });
export const parseQuotaKey = (sk: string) => {
  const at = sk.lastIndexOf('#');
  return { windowStart: sk.slice(0, at), source: sk.slice(at + 1) };
};
