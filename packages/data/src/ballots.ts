// Ballot repository: the one conditional write per ballot with the items kept apart from it (receipt, free texts,
// comments), written exactly once; the stored forms; and the scan a recount and the raw export read.
import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type ConditionCheck,
  type Put,
  TransactionCanceledException,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  addBallot,
  type CastBallot,
  type CastComment,
  emptyTally,
  normalizeOther,
  type Tally,
  tallyOf,
} from '@pingyi/domain';
import { type Db, queryAll } from './client.ts';
import { type CommentItem, commentsExisting, putCommentsOnce, writeNewComments } from './comments.ts';
import { TransactWriteItemsDirectCommand } from './direct-write.ts';
import { CommentsNotStoredError } from './errors.ts';
import {
  BALLOT_SK,
  ballotKey,
  COMMENT_PREFIX,
  campaignKey,
  commentId,
  commentKey,
  FREE_TEXT_PREFIX,
  freeTextId,
  freeTextKey,
  freeTextsOf,
  receiptKey,
  receiptOf,
  receiptPartitions,
  submissionDigest,
} from './keys.ts';

/**
 * What one stored ballot holds: its campaign, group, ratings and the listed matters it picked, and a keyed hash that
 * recognises its retry. No code, IP, user agent or name; no time; no comment, free text or receipt, and nothing that
 * names the subjects it commented on (docs/threat-model.md).
 */
interface BallotItem {
  pk: string;
  sk: string;
  cid: string;
  g: string;
  r: Record<string, Record<string, string>>;
  mb: string[];
  mw: string[];
  /** submissionDigest: tells the voter's retry (same submission id) from a second voter */
  sd: string;
}

type FreeTextSide = 'otherBest' | 'otherWorst';

export type CastOutcome =
  | { outcome: 'cast'; receipt: string }
  /** the same code and submission id arrived again: the voter's retry, answered with the original receipt */
  | { outcome: 'repeat'; receipt: string }
  /** the code has already voted under another submission id */
  | { outcome: 'used' };

export interface CastInput {
  campaign: string;
  /** from keys.ts codeBallot/openBallot */
  ballotKey: string;
  ballot: CastBallot;
  comments: CastComment[];
  /** the client's, or one the server made: the receipt and the ids of the items kept apart derive from it */
  submissionId: string;
  /** the stack's secret: keys the submission digest, the receipt, comment and free-text ids (keys.ts) */
  secret: Buffer;
  /**
   * Check in the ballot's own transaction that the campaign is still open (one read of its item). The online path
   * needs none: the closing report waits out every request that may have read it open. A paper batch's commit
   * runs as long as the batch is big, so each of its ballots checks (CampaignClosedError when it is closed).
   */
  whileOpen?: boolean;
}

/** A ballot cast with `whileOpen` after its campaign closed: nothing was written. */
export class CampaignClosedError extends Error {
  override readonly name = 'CampaignClosedError';
  constructor(readonly campaignId: string) {
    super(`campaign ${campaignId} closed before the ballot was written`);
  }
}

/**
 * DynamoDB takes at most 100 items in one transaction: the ballot, its receipt and its free texts come first, then
 * as many comments as fit; the rest (a campaign may have 2,000 subjects) follow right after, in idempotent batches.
 */
const TRANSACTION_ITEMS = 100;
/** Comments that always fit in the ballot's transaction (with both free texts). */
export const COMMENTS_IN_TRANSACTION = TRANSACTION_ITEMS - 4;

export function toBallotItem(input: Omit<CastInput, 'comments'>): BallotItem {
  const { ballot } = input;
  return {
    ...ballotKey(input.campaign, input.ballotKey),
    cid: input.campaign,
    g: ballot.group,
    r: ballot.ratings,
    mb: ballot.best,
    mw: ballot.worst,
    sd: submissionDigest(input.secret, input.campaign, input.submissionId),
  };
}

/** A stored ballot as the tally counts it: its comments and free texts are counted from their own items. */
export function fromBallotItem(item: Record<string, unknown>): { campaign: string; ballot: CastBallot } {
  const i = item as unknown as BallotItem;
  return {
    campaign: i.cid,
    ballot: { group: i.g, ratings: i.r, commented: [], best: i.mb ?? [], worst: i.mw ?? [] },
  };
}

/** What one counted item adds: a ballot, a comment (one subject's comment count) or a free text. */
function countedOf(item: Record<string, unknown>): { campaign: string; tally: Tally } | undefined {
  const pk = String(item.pk);
  if (item.sk === BALLOT_SK) {
    const { campaign, ballot } = fromBallotItem(item);
    return { campaign, tally: tallyOf([ballot]) };
  }
  if (pk.startsWith(COMMENT_PREFIX)) {
    const [campaign = '', subject = ''] = pk.slice(COMMENT_PREFIX.length).split('#');
    const tally = emptyTally();
    tally.comments[subject] = 1;
    return { campaign, tally };
  }
  if (pk.startsWith(FREE_TEXT_PREFIX)) {
    const side = item.side === 'otherWorst' ? 'otherWorst' : 'otherBest';
    const tally = emptyTally();
    tally.matters[side][String(item.text)] = 1;
    return { campaign: pk.slice(FREE_TEXT_PREFIX.length), tally };
  }
  return undefined;
}

/** A counted insert as the stream delivers it (AttributeValue JSON): the campaign and the tally it adds. */
export function countedFromStream(image: Record<string, AttributeValue>): { campaign: string; tally: Tally } {
  const counted = countedOf(unmarshall(image));
  if (!counted) throw new Error('not a ballot, comment or free-text item');
  return counted;
}

function outcomeOfExisting(existing: Record<string, unknown> | undefined, input: CastInput): CastOutcome {
  if (existing && existing.sd === submissionDigest(input.secret, input.campaign, input.submissionId)) {
    return {
      outcome: 'repeat',
      receipt: receiptOf(input.secret, input.campaign, input.ballotKey, input.submissionId),
    };
  }
  return { outcome: 'used' };
}

/** The comment items of a ballot: one per subject, under ids keys.ts derives from the ballot and its submission. */
function commentItems(input: CastInput): CommentItem[] {
  return input.comments.map((c) => ({
    subject: c.subject,
    item: {
      ...commentKey(
        input.campaign,
        c.subject,
        commentId(input.secret, input.campaign, input.ballotKey, input.submissionId, c.subject),
      ),
      text: c.text,
    },
  }));
}

/** The ballot's free texts (其他事项), counted by their normalized text: no time, no group, no ballot. */
function freeTextItems(input: CastInput) {
  const sides: [FreeTextSide, string | undefined][] = [
    ['otherBest', input.ballot.otherBest],
    ['otherWorst', input.ballot.otherWorst],
  ];
  return sides
    .filter((entry): entry is [FreeTextSide, string] => Boolean(entry[1]))
    .map(([side, text]) => ({
      ...freeTextKey(
        input.campaign,
        freeTextId(input.secret, input.campaign, input.ballotKey, input.submissionId, side),
      ),
      side,
      text: normalizeOther(text),
    }));
}

/** The stored ballot a failed `attribute_not_exists` returned (ALL_OLD), or undefined for any other error. */
function existingOnConflict(error: unknown): { item: Record<string, unknown> | undefined } | undefined {
  if (error instanceof ConditionalCheckFailedException) {
    return { item: error.Item ? unmarshall(error.Item) : undefined };
  }
  if (error instanceof TransactionCanceledException) {
    const reason = error.CancellationReasons?.[0];
    if (reason?.Code === 'ConditionalCheckFailed')
      return { item: reason.Item ? unmarshall(reason.Item) : undefined };
  }
  return undefined;
}

/**
 * A retry of a stored ballot puts back any of its comments that are missing (the first attempt stopped between the
 * ballot and its comments), never a second copy, never over a stored text.
 */
async function restoreComments(db: Db, input: CastInput): Promise<void> {
  const comments = commentItems(input);
  if (comments.length === 0) return;
  try {
    const present = await commentsExisting(db, comments);
    await putCommentsOnce(
      db,
      comments.filter((c) => !present.has(String(c.item.sk))),
    );
  } catch (error) {
    throw new CommentsNotStoredError(input.campaign, { cause: error });
  }
}

/** A transaction's items as the document client takes them (plain values), for the ballot's one write. */
type PlainTransactItem =
  | { Put: Omit<Put, 'Item'> & { Item: object } }
  | {
      ConditionCheck: Omit<ConditionCheck, 'Key' | 'ExpressionAttributeValues'> & {
        Key: Record<string, unknown>;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
    };

/** The same items in DynamoDB's attribute values, marshalled as the document client would (createDocumentClient). */
function marshalledTransaction(items: PlainTransactItem[]): TransactWriteItem[] {
  const m = (value: object) => marshall(value, { removeUndefinedValues: true });
  return items.map((item) => {
    if ('Put' in item) return { Put: { ...item.Put, Item: m(item.Put.Item) } };
    const { Key, ExpressionAttributeValues, ...check } = item.ConditionCheck;
    return {
      ConditionCheck: {
        ...check,
        Key: m(Key),
        ...(ExpressionAttributeValues ? { ExpressionAttributeValues: m(ExpressionAttributeValues) } : {}),
      },
    };
  });
}

/** Attempts at the ballot's own write when DynamoDB cancels it for a concurrent transaction on the same items. */
const CONFLICT_ATTEMPTS = 4;

/** A transaction cancelled only because another one held some of its items: it may simply be sent again. */
const isConflictOnly = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
  (error.CancellationReasons ?? []).every((r) => r.Code === 'TransactionConflict' || r.Code === 'None');

/**
 * Casts a ballot in ONE conditional transaction: the ballot (attribute_not_exists: the same code can never count
 * twice), its receipt among the campaign's receipts, its free texts, and its comments as far as they fit; a ballot
 * with more comments (a campaign may have 2,000 subjects) has the rest written right after, in idempotent batches (a
 * failure there is CommentsNotStoredError, and the client's retry with the same submission id completes them). On a
 * failed condition the stored ballot comes back in the same call (ALL_OLD), so a retry (same submission id) is told
 * apart from a second voter without another read.
 */
export async function castBallot(db: Db, input: CastInput): Promise<CastOutcome> {
  const receipt = receiptOf(input.secret, input.campaign, input.ballotKey, input.submissionId);
  const head: PlainTransactItem[] = [
    {
      Put: {
        TableName: db.tableName,
        Item: toBallotItem(input),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    // a random suffix: two ballots that happen to share a receipt are both listed
    {
      Put: {
        TableName: db.tableName,
        Item: receiptKey(input.campaign, receipt, randomBytes(6).toString('base64url')),
      },
    },
    ...freeTextItems(input).map((item) => ({ Put: { TableName: db.tableName, Item: item } })),
    ...(input.whileOpen
      ? [
          {
            ConditionCheck: {
              TableName: db.tableName,
              Key: campaignKey(input.campaign),
              ConditionExpression: '#status = :open',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':open': 'open' },
            },
          },
        ]
      : []),
  ];
  const guard = input.whileOpen ? head.length - 1 : -1;
  const comments = commentItems(input);
  const withBallot = comments.slice(0, TRANSACTION_ITEMS - head.length);
  const after = comments.slice(withBallot.length);
  // Marshalled here, once for every attempt, and sent as the low-level command: the document client's marshalling
  // middleware cost about 0.07 ms of CPU per call (≈ 8 % of this call's SDK cost, measured on DynamoDB Local), on
  // the path every ballot takes.
  const TransactItems = marshalledTransaction([
    ...head,
    ...withBallot.map((c) => ({ Put: { TableName: db.tableName, Item: c.item } })),
  ]);
  const write = () => db.client.send(new TransactWriteItemsDirectCommand({ TransactItems }));
  try {
    // Two submits of one ballot at once (a double tap, a retry racing its original) touch the same items: the one
    // cancelled for the conflict is sent again, and then finds the other's ballot (a repeat, or a used code).
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        break;
      } catch (error) {
        if (!isConflictOnly(error) || attempt === CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
      }
    }
  } catch (error) {
    const existing = existingOnConflict(error);
    if (
      !existing &&
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[guard]?.Code === 'ConditionalCheckFailed'
    )
      throw new CampaignClosedError(input.campaign);
    if (!existing) throw error;
    const outcome = outcomeOfExisting(existing.item, input);
    if (outcome.outcome === 'repeat') await restoreComments(db, input);
    return outcome;
  }
  if (after.length > 0) {
    try {
      await writeNewComments(db, after);
    } catch (error) {
      throw new CommentsNotStoredError(input.campaign, { cause: error });
    }
  }
  return { outcome: 'cast', receipt };
}

/**
 * What a stored ballot says about a submission, without writing one: undefined when nothing is stored under the key.
 * For a submit refused before its write (the open channel's quota): a retry of a stored ballot still gets its
 * receipt, and its missing comments back.
 */
export async function storedOutcome(db: Db, input: CastInput): Promise<CastOutcome | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.tableName,
      Key: ballotKey(input.campaign, input.ballotKey),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const outcome = outcomeOfExisting(Item, input);
  if (outcome.outcome === 'repeat') await restoreComments(db, input);
  return outcome;
}

/** Whether a code has voted: for the ballot page only, never on the submit path. */
export async function hasVoted(db: Db, campaign: string, key: string): Promise<boolean> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: ballotKey(campaign, key), ProjectionExpression: 'pk' }),
  );
  return Item !== undefined;
}

/**
 * How a scan of the whole table (access pattern 7) is cut: into segments of about SEGMENT_ITEMS items, a few read at
 * once. On DynamoDB Local a page's time grows with the size of its segment, not of the page (a one-segment scan's
 * first page: 0.23 s in a table of 10k ballots, 2.6 s in one of 110k), so a fixed number of segments makes the scan's
 * time grow faster than its rows: 100k ballots of a 110k-item table took 37 s with 1 segment, 9 s with 8, 2 s with
 * 128 (8 at once). Each segment costs a request, though (about 20 ms on DynamoDB Local even when empty): a small
 * table gets few. Real DynamoDB reads each segment on its own; the count only changes how many requests it takes.
 */
const SEGMENT_ITEMS = 1000;
/** Segments read at once: each holds one page in memory, so this bounds what a scan holds. */
const SCAN_PARALLEL = 8;
const MAX_SEGMENTS = 1024;
/** Items in one page at most (and 1 MB, DynamoDB's own bound): what one segment holds at once. */
const SCAN_PAGE_ITEMS = 1000;

/** How many segments a table of about `items` items is cut into: a power of two, SCAN_PARALLEL to MAX_SEGMENTS. */
export function segmentsFor(items: number): number {
  let total = SCAN_PARALLEL;
  while (total < MAX_SEGMENTS && total * SEGMENT_ITEMS < items) total *= 2;
  return total;
}

/**
 * The segments to scan the table in: one segment of MAX_SEGMENTS, counted (one page, 1/1024 of the table), estimates
 * its size. A page that does not reach the segment's end means a table too big to estimate: the most segments.
 */
export async function scanSegments(db: Db): Promise<number> {
  const probe = await db.client.send(
    new ScanCommand({
      TableName: db.tableName,
      Segment: 0,
      TotalSegments: MAX_SEGMENTS,
      Select: 'COUNT',
    }),
  );
  if (probe.LastEvaluatedKey) return MAX_SEGMENTS;
  return segmentsFor((probe.ScannedCount ?? 0) * MAX_SEGMENTS);
}

/**
 * Runs `read` on every segment of a scan in `total` segments, SCAN_PARALLEL at once; `order` says which segments come
 * first (every one of 0…total-1 once). Once a segment fails, no other one starts: the scan fails with its error.
 */
export async function eachSegment(
  total: number,
  read: (segment: number) => Promise<void>,
  order: readonly number[] = Array.from({ length: total }, (_, n) => n),
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let segment = order[next++]; segment !== undefined && !failed; segment = order[next++]) {
      try {
        await read(segment);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: SCAN_PARALLEL }, worker));
}

/** Every item of a campaign a scan filter selects, page by page (one scan segment of `total`). */
async function* scanCampaign(
  db: Db,
  filter: { expression: string; values: Record<string, unknown> },
  segment: number,
  total: number,
): AsyncGenerator<Record<string, unknown>> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({
        TableName: db.tableName,
        Segment: segment,
        TotalSegments: total,
        FilterExpression: filter.expression,
        ExpressionAttributeValues: filter.values,
        ConsistentRead: true,
        Limit: SCAN_PAGE_ITEMS,
        ExclusiveStartKey,
      }),
    );
    yield* page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

const ballotFilter = (campaign: string) => ({
  expression: 'sk = :sk AND cid = :cid',
  values: { ':sk': BALLOT_SK, ':cid': campaign },
});

/**
 * The stored ballots of a campaign in one scan segment of `total` (scanSegments, eachSegment), page by page: for the
 * raw export. The next page is read only when the caller has taken this one's ballots.
 */
export async function* ballotsOf(
  db: Db,
  campaign: string,
  segment = 0,
  total = 1,
): AsyncGenerator<CastBallot> {
  for await (const item of scanCampaign(db, ballotFilter(campaign), segment, total)) {
    yield fromBallotItem(item).ballot;
  }
}

/** The keys of every stored ballot of a campaign: for wiping a rehearsal (rehearsal.ts). */
export async function ballotKeysOf(db: Db, campaign: string): Promise<{ pk: string; sk: string }[]> {
  const keys: { pk: string; sk: string }[] = [];
  const total = await scanSegments(db);
  await eachSegment(total, async (segment) => {
    for await (const item of scanCampaign(db, ballotFilter(campaign), segment, total))
      keys.push({ pk: String(item.pk), sk: String(item.sk) });
  });
  return keys;
}

/**
 * Recounts a campaign from what was stored, with a parallel scan: its ballots, its comments and its free texts, each
 * counted from its own items. Rare and offline, never on the voting path.
 */
export async function recountTally(db: Db, campaign: string): Promise<Tally> {
  const tally = emptyTally();
  const filter = {
    expression: '(sk = :sk AND cid = :cid) OR begins_with(pk, :comments) OR pk = :texts',
    values: {
      ':sk': BALLOT_SK,
      ':cid': campaign,
      ':comments': `${COMMENT_PREFIX}${campaign}#`,
      ':texts': freeTextsOf(campaign).pk,
    },
  };
  const total = await scanSegments(db);
  await eachSegment(total, async (segment) => {
    for await (const item of scanCampaign(db, filter, segment, total)) {
      if (item.sk === BALLOT_SK) {
        addBallot(tally, fromBallotItem(item).ballot);
        continue;
      }
      const counted = countedOf(item);
      for (const [subject, k] of Object.entries(counted?.tally.comments ?? {}))
        tally.comments[subject] = (tally.comments[subject] ?? 0) + k;
      for (const side of ['otherBest', 'otherWorst'] as const) {
        for (const [text, k] of Object.entries(counted?.tally.matters[side] ?? {}))
          tally.matters[side][text] = (tally.matters[side][text] ?? 0) + k;
      }
    }
  });
  return tally;
}

/** The free texts (其他事项) of a campaign, in key order (keyed hashes: not the order they arrived). */
export async function listFreeTexts(
  db: Db,
  campaign: string,
): Promise<{ side: FreeTextSide; text: string }[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': freeTextsOf(campaign).pk },
  });
  return items.map((item) => ({
    side: item.side === 'otherWorst' ? 'otherWorst' : 'otherBest',
    text: String(item.text),
  }));
}

/** Every receipt issued for a campaign's ballots, sorted: one per ballot, and nothing else. */
export async function listReceipts(db: Db, campaign: string): Promise<string[]> {
  const receipts: string[] = [];
  for (const pk of receiptPartitions(campaign)) {
    const items = await queryAll(db, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    for (const item of items) receipts.push(String(item.sk).split('#')[0] ?? '');
  }
  return receipts.sort();
}

/**
 * Whether any ballot of a campaign is stored, exactly and now: every ballot writes its receipt in the same
 * transaction, so one strongly consistent read of each receipt partition answers without waiting for the
 * aggregates (which follow the stream, seconds behind). For rules that must not race a first ballot.
 */
export async function hasBallots(db: Db, campaign: string): Promise<boolean> {
  const found = await Promise.all(
    receiptPartitions(campaign).map(async (pk) => {
      const { Count } = await db.client.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          Limit: 1,
          Select: 'COUNT',
        }),
      );
      return (Count ?? 0) > 0;
    }),
  );
  return found.includes(true);
}
