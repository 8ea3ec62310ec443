// Every key shape of the single table, and the access patterns they serve. Nothing else builds a key string.
//
// | # | access pattern                                      | operation | key                                                    |
// |---|-----------------------------------------------------|-----------|--------------------------------------------------------|
// | 1 | get a campaign (definition, status, issued counts)  | GetItem   | pk = C#<campaign>           sk = META                  |
// | 2 | list campaigns, newest first                        | Query GSI | campaignsByCreation: gsi1pk = CAMPAIGNS, gsi1sk = <createdAt>#<campaign> |
// | 3 | cast one ballot per code, once (conditional put)    | TransactWriteItems (+ receipt) | pk = B#<campaign>#<ballotKey> sk = BALLOT |
// | 4 | read every aggregate of a campaign for results      | Query     | pk = C#<campaign>           sk begins_with AGG#        |
// | 5 | audit trail of a campaign, in time order            | Query     | pk = C#<campaign>           sk begins_with AUDIT#      |
// | 6 | comments on one subject (organizer only)            | Query     | pk = CM#<campaign>#<subject> sk = <comment id>         |
// | 6a| write a ballot's comment once, again on a retry     | Put/BatchGet | sk = HMAC(secret, campaign, ballot, submission, subject) |
// | 6b| free texts (其他事项) of a campaign, for the export  | Query     | pk = FT#<campaign>          sk = HMAC(secret, …, side) |
// | 6c| receipts issued (verifiable inclusion), per bucket  | Query ×31 | pk = RC#<campaign>#<first char> sk = <receipt>#<random> |
// | 7 | recount / raw export / rehearsal wipe: every ballot | Scan, ~1,000 items a segment, 8 at once | filter cid = <campaign> on sk = BALLOT items, and CM#/FT# items of the campaign (rare) |
// | 8 | reports of a campaign, newest first                 | Query     | pk = C#<campaign>           sk begins_with REPORT#     |
// | 9 | the verified tally of a closing (header)            | GetItem   | pk = C#<campaign>           sk = FINAL#<closedAt>      |
// |10 | its parts (gzip JSON, in order)                     | Query     | pk = C#<campaign>           sk begins_with FINAL#<closedAt>#<report># |
// |11 | open-channel quota: one source in one window        | UpdateItem (ADD, conditional) | pk = Q#<campaign> sk = <window start>#<source digest> |
// |12 | open-channel spread over sources, for organizers    | Query     | pk = Q#<campaign>  (every window and source; TTL ends them) |
// |13 | get a console account by its login name             | GetItem   | pk = A#<name>               sk = ACCOUNT               |
// |14 | list accounts by name (county admin)                | Query GSI | campaignsByCreation: gsi1pk = ACCOUNTS, gsi1sk = <name> |
// |15 | a console session by the digest of its token        | GetItem   | pk = SESSION#<sha256(token)> sk = SESSION (TTL)        |
// |16 | a one-time set-up or reset link by its digest       | GetItem   | pk = LINK#<sha256(token)>   sk = LINK (TTL)            |
// |17 | failed sign-ins of one account or client per window | UpdateItem| pk = THROTTLE#<scope>#<subject>#<window> sk = THROTTLE (TTL) |
// |18 | audit entries not about one campaign (accounts, sign-ins) | Query | pk = COUNTY          sk begins_with AUDIT#      |
// |19 | the whole county's audit log, newest first          | Query GSI | campaignsByCreation: gsi1pk = AUDIT, gsi1sk = <at>#<nonce> |
// |20 | a publication (公示) by its public id <campaign>-<slug> | GetItem | pk = C#<campaign>           sk = PUBLICATION#<slug>    |
// |21 | publications of a campaign                          | Query     | pk = C#<campaign>           sk begins_with PUBLICATION# |
// |22 | a feedback link (反馈) by the digest of its token    | GetItem   | pk = C#<campaign>           sk = FEEDBACK#<sha256(token)> (TTL) |
// |23 | feedback links of a campaign                        | Query     | pk = C#<campaign>           sk begins_with FEEDBACK#   |
// |24 | rectification measures (整改) of a campaign, by subject | Query  | pk = C#<campaign>           sk begins_with MEASURE#[<subject>#] |
// |25 | measures not done, county-wide, by deadline (overdue) | Query GSI | campaignsByCreation: gsi1pk = MEASURES, gsi1sk = <deadline>#<campaign>#<subject>#<id> |
// |26 | a paper batch (书面评议) and its two passes' state  | GetItem   | pk = C#<campaign>           sk = PAPER#<batch>         |
// |27 | paper batches of a campaign                         | Query     | pk = C#<campaign>           sk begins_with PAPER#      |
// |28 | one pass's staged entries of a batch, by serial     | Query     | pk = PE#<campaign>#<batch>  sk begins_with <pass>#     |
//
// Pattern 7 reads the whole table on purpose: no index lists a campaign's ballots. A sparse index keyed by campaign
// and shard would cost every ballot an index write (and a backfill of existing tables), and its sort key would have
// to be a keyed hash: a time, a counter or the ballot's key would sort ballots by arrival or by the code's serial.
// Measured on DynamoDB Local (100k ballots in a 110k-item table): a query over 16 such shards took 4.2 s, the scan
// in 128 segments 2.0 s (ballots.ts segmentsFor says why so many); a rare export does not pay for the index.
//
// Staged paper entries (pass 1, pass 2, resolutions) tie answers to a printed serial and to the clerk who typed
// them while the batch waits for its second entry; they are deleted when the batch is committed, and the ballots it
// casts (through the same castBallot as online ones) carry neither time nor clerk. They never enter the stream's
// counted inserts (pk starts with PE#, sk is no BALLOT).
//
// Ballots are keyed by code, never by campaign alone, so a burst of votes spreads over partitions (one key takes
// about 1,000 writes/s). Aggregates are written at most once per stream batch each, so they can share the
// campaign's partition. Comments, free texts and receipts live under their own keys, with no reference to the ballot
// they came with: their ids are keyed hashes of the ballot AND its submission id, which is stored nowhere (the ballot
// keeps only another keyed hash of it), so the ballot's retry rewrites the same items, yet neither a table reader
// nor a holder of the stack's secret can go from a comment, a free text or a receipt to its ballot or back.
// docs/threat-model.md says who can learn what. Quota counters hold a count per (window, keyed digest of a
// network source) and nothing about any ballot; each accepted open-channel ballot writes one, within the campaign's
// partition (the API's throttle keeps that far below a key's 1,000 writes/s).
// Publications, feedback links and measures sit in their campaign's partition; a feedback link's token is
// `<campaign>.<secret>`, so the link finds its partition, and only the token's digest is stored. A measure is in the
// shared index only while it is not done, so the overdue list is one query however many campaigns there are.
// Console items (accounts, sessions, links, throttles) hold no ballot data; tokens are stored only as digests, and
// items that only matter for a while carry the table's TTL attribute. Every audit entry also sits in the shared
// index under AUDIT, so the county admin reads one log across campaigns and accounts.
import { createHmac } from 'node:crypto';

export const CAMPAIGN_META = 'META';
export const BALLOT_SK = 'BALLOT';
export const CAMPAIGNS_PK = 'CAMPAIGNS';
export const CAMPAIGNS_INDEX = 'campaignsByCreation';
export const AGGREGATE_PREFIX = 'AGG#';
export const AUDIT_PREFIX = 'AUDIT#';
export const REPORT_PREFIX = 'REPORT#';
export const FINAL_PREFIX = 'FINAL#';
export const COMMENT_PREFIX = 'CM#';
export const FREE_TEXT_PREFIX = 'FT#';
export const RECEIPT_PREFIX = 'RC#';
export const PUBLICATION_PREFIX = 'PUBLICATION#';
export const FEEDBACK_PREFIX = 'FEEDBACK#';
export const MEASURE_PREFIX = 'MEASURE#';
export const OPEN_MEASURES_PK = 'MEASURES';
export const ACCOUNTS_PK = 'ACCOUNTS';
export const AUDIT_INDEX_PK = 'AUDIT';
export const COUNTY_PK = 'COUNTY';
export const PAPER_PREFIX = 'PAPER#';
export const PAPER_ENTRY_PREFIX = 'PE#';

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
/** An open link's ballot is keyed by the submission's digest (submissionDigest), never by the submission id. */
export const openBallot = (group: string, submissionDigest: string) => `o.${group}.${submissionDigest}`;

export const aggregatesOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: AGGREGATE_PREFIX });

/**
 * The aggregate items of a campaign (access pattern 4): one per campaign (the commit record, see aggregates.ts), per
 * subject × group, per subject's comments, per free text, per hour in which ballots arrived (a count per minute).
 */
export type AggregateScope =
  | { type: 'campaign' }
  | { type: 'subject'; subject: string; group: string }
  /** comments on a subject: counted from the comment items, which carry no group */
  | { type: 'comments'; subject: string }
  | { type: 'other'; side: 'otherBest' | 'otherWorst'; digest: string }
  /** ballots per minute of one UTC hour (`YYYY-MM-DDTHH`), by the stream record's time: the dashboard's pace */
  | { type: 'pace'; hour: string };

export function aggregateKey(campaign: string, scope: AggregateScope) {
  const pk = `C#${campaign}`;
  switch (scope.type) {
    case 'campaign':
      return { pk, sk: `${AGGREGATE_PREFIX}C` };
    case 'subject':
      return { pk, sk: `${AGGREGATE_PREFIX}S#${scope.subject}#${scope.group}` };
    case 'comments':
      return { pk, sk: `${AGGREGATE_PREFIX}K#${scope.subject}` };
    case 'other':
      return { pk, sk: `${AGGREGATE_PREFIX}T#${scope.side}#${scope.digest}` };
    case 'pace':
      return { pk, sk: `${AGGREGATE_PREFIX}P#${scope.hour}` };
  }
}

export function parseAggregateKey(sk: string): AggregateScope | undefined {
  const parts = sk.slice(AGGREGATE_PREFIX.length).split('#');
  if (parts[0] === 'C') return { type: 'campaign' };
  if (parts[0] === 'S' && parts[1] && parts[2])
    return { type: 'subject', subject: parts[1], group: parts[2] };
  if (parts[0] === 'K' && parts[1]) return { type: 'comments', subject: parts[1] };
  if (parts[0] === 'P' && parts[1]) return { type: 'pace', hour: parts[1] };
  if (parts[0] === 'T' && (parts[1] === 'otherBest' || parts[1] === 'otherWorst') && parts[2]) {
    return { type: 'other', side: parts[1], digest: parts[2] };
  }
  return undefined;
}

/** An audit entry: under its campaign, or under the county for accounts and sign-ins; always in the county log. */
export const auditKey = (campaign: string | undefined, at: string, nonce: string) => ({
  pk: campaign === undefined ? COUNTY_PK : `C#${campaign}`,
  sk: `${AUDIT_PREFIX}${at}#${nonce}`,
  gsi1pk: AUDIT_INDEX_PK,
  gsi1sk: `${at}#${nonce}`,
});

export const accountKey = (name: string) => ({ pk: `A#${name}`, sk: 'ACCOUNT' });
export const accountListing = (name: string) => ({ gsi1pk: ACCOUNTS_PK, gsi1sk: name });

/** Sessions and links are found by the digest of their token: a copy of the table opens no session. */
export const sessionKey = (tokenDigest: string) => ({ pk: `SESSION#${tokenDigest}`, sk: 'SESSION' });
export const linkKey = (tokenDigest: string) => ({ pk: `LINK#${tokenDigest}`, sk: 'LINK' });

/** One counter per scope (account or client), subject and fixed window; old windows expire by TTL. */
export const throttleKey = (scope: 'account' | 'client', subject: string, window: number) => ({
  pk: `THROTTLE#${scope}#${subject}#${window}`,
  sk: 'THROTTLE',
});

export const commentKey = (campaign: string, subject: string, id: string) => ({
  pk: `CM#${campaign}#${subject}`,
  sk: id,
});

const keyed = (secret: Buffer, purpose: string, parts: string[]) =>
  createHmac('sha256', secret)
    .update(`pingyi-${purpose}-v2|${parts.join('|')}`)
    .digest();

/**
 * What a ballot stores to recognise its retry: a keyed hash of the submission id. The id itself is stored nowhere,
 * and the hash cannot be turned back into it, so it cannot be used to derive the receipt or the comment ids below.
 */
export const submissionDigest = (secret: Buffer, campaign: string, submission: string) =>
  keyed(secret, 'submission', [campaign, submission]).toString('base64url').slice(0, 22);

/**
 * The id of a ballot's comment on one subject: deterministic, so writing it again (a retry) never makes a second
 * one, and unlinkable without the submission id, which only the voter's device holds.
 */
export const commentId = (
  secret: Buffer,
  campaign: string,
  ballot: string,
  submission: string,
  subject: string,
) => keyed(secret, 'comment', [campaign, ballot, submission, subject]).toString('base64url').slice(0, 22);

/** A ballot's free text (其他事项) on one side, keyed like its comments. */
export const freeTextId = (
  secret: Buffer,
  campaign: string,
  ballot: string,
  submission: string,
  side: string,
) => keyed(secret, 'free-text', [campaign, ballot, submission, side]).toString('base64url').slice(0, 22);

export const freeTextKey = (campaign: string, id: string) => ({
  pk: `${FREE_TEXT_PREFIX}${campaign}`,
  sk: id,
});
export const freeTextsOf = (campaign: string) => ({ pk: `${FREE_TEXT_PREFIX}${campaign}` });

const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * The receipt a voter is shown: derived from the secret, the ballot and its submission id (so a retry shows the same
 * one), 10 characters a person can read out (no 0/O, 1/I/L). It proves inclusion only: it is listed among the
 * receipts of counted ballots, and nothing stored leads from it to a ballot.
 */
export function receiptOf(secret: Buffer, campaign: string, ballot: string, submission: string): string {
  const bytes = keyed(secret, 'receipt', [campaign, ballot, submission]);
  let chars = '';
  for (let i = 0; i < 10; i++) {
    if (i === 5) chars += '-';
    chars += RECEIPT_ALPHABET[(bytes[i] as number) % RECEIPT_ALPHABET.length];
  }
  return chars;
}

/** Receipts spread over one partition per first character (31), each item a receipt and a random suffix. */
export const receiptKey = (campaign: string, receipt: string, suffix: string) => ({
  pk: `${RECEIPT_PREFIX}${campaign}#${receipt.slice(0, 1)}`,
  sk: `${receipt}#${suffix}`,
});
export const receiptPartitions = (campaign: string) =>
  [...RECEIPT_ALPHABET].map((c) => `${RECEIPT_PREFIX}${campaign}#${c}`);

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

/** A publication (公示) of a campaign's closing results; its public id is `<campaign>-<slug>`. */
export const publicationKey = (campaign: string, slug: string) => ({
  pk: `C#${campaign}`,
  sk: `${PUBLICATION_PREFIX}${slug}`,
});
export const publicationsOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: PUBLICATION_PREFIX });

/** A feedback link (反馈) of one subject, found by the digest of its token (the token itself is never stored). */
export const feedbackLinkKey = (campaign: string, tokenDigest: string) => ({
  pk: `C#${campaign}`,
  sk: `${FEEDBACK_PREFIX}${tokenDigest}`,
});
export const feedbackLinksOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: FEEDBACK_PREFIX });

/** A rectification measure (整改措施) of one subject. */
export const measureKey = (campaign: string, subject: string, id: string) => ({
  pk: `C#${campaign}`,
  sk: `${MEASURE_PREFIX}${subject}#${id}`,
});
export const measuresOf = (campaign: string, subject?: string) => ({
  pk: `C#${campaign}`,
  skPrefix: subject === undefined ? MEASURE_PREFIX : `${MEASURE_PREFIX}${subject}#`,
});
/** Where a measure that is not done sits in the shared index: sorted by deadline, county-wide. */
export const openMeasureListing = (campaign: string, subject: string, id: string, deadline: string) => ({
  gsi1pk: OPEN_MEASURES_PK,
  gsi1sk: `${deadline}#${campaign}#${subject}#${id}`,
});

/** A paper batch (书面评议): its group, its two passes (who, done), its commit. */
export const paperBatchKey = (campaign: string, batch: string) => ({
  pk: `C#${campaign}`,
  sk: `${PAPER_PREFIX}${batch}`,
});
export const paperBatchesOf = (campaign: string) => ({ pk: `C#${campaign}`, skPrefix: PAPER_PREFIX });

/** The passes of a batch: the first entry, the blind second entry, and the resolution of a mismatch. */
export type PaperPass = '1' | '2' | 'R';

/** One staged entry of a batch; serials sort as numbers within a pass. */
export const paperEntryKey = (campaign: string, batch: string, pass: PaperPass, serial: number) => ({
  pk: `${PAPER_ENTRY_PREFIX}${campaign}#${batch}`,
  sk: `${pass}#${String(serial).padStart(7, '0')}`,
});
export const paperEntriesOf = (campaign: string, batch: string) => ({
  pk: `${PAPER_ENTRY_PREFIX}${campaign}#${batch}`,
});
