// Ballot repository: the one conditional write per ballot, its comments written exactly once, the stored form, and
// the scan a recount reads.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { addBallot, type CastBallot, type CastComment, emptyTally, type Tally } from '@pingyi/domain';
import type { Db } from './client.ts';
import { type CommentItem, commentsExisting, putCommentsOnce, writeNewComments } from './comments.ts';
import { CommentsNotStoredError } from './errors.ts';
import { BALLOT_SK, ballotKey, commentId, commentKey } from './keys.ts';

/** What one stored ballot holds. No code, no IP, no user agent, no name; the time only to the hour. */
interface BallotItem {
  pk: string;
  sk: string;
  cid: string;
  g: string;
  /** UTC hour the ballot arrived, e.g. 2026-12-01T09 */
  h: string;
  r: Record<string, Record<string, string>>;
  cm: string[];
  mb: string[];
  mw: string[];
  ob?: string;
  ow?: string;
  /** the submission id (the client's, or one the server made), so a retried submit is recognised */
  sid?: string;
  rc: string;
}

export type CastOutcome =
  | { outcome: 'cast'; receipt: string }
  /** the same code and submission id arrived again: the voter's retry, answered with the original receipt */
  | { outcome: 'repeat'; receipt: string }
  /** the code has already voted under another (or no) submission id */
  | { outcome: 'used' };

export interface CastInput {
  campaign: string;
  /** from keys.ts codeBallot/openBallot */
  ballotKey: string;
  ballot: CastBallot;
  comments: CastComment[];
  submissionId?: string;
  receipt: string;
  now: Date;
  /** the stack's secret: keys the ballot's comment items (keys.ts commentId) */
  secret: Buffer;
}

/**
 * DynamoDB takes at most 100 items in one transaction: a ballot with up to 99 comments is one transaction; with more
 * (a campaign may have 2,000 subjects) the ballot is written first and its comments after, in idempotent batches.
 */
export const COMMENTS_IN_TRANSACTION = 99;

const hourOf = (now: Date) => now.toISOString().slice(0, 13);

export function toBallotItem(input: Omit<CastInput, 'comments' | 'secret'>): BallotItem {
  const { ballot } = input;
  const item: BallotItem = {
    ...ballotKey(input.campaign, input.ballotKey),
    cid: input.campaign,
    g: ballot.group,
    h: hourOf(input.now),
    r: ballot.ratings,
    cm: ballot.commented,
    mb: ballot.best,
    mw: ballot.worst,
    rc: input.receipt,
  };
  if (ballot.otherBest) item.ob = ballot.otherBest;
  if (ballot.otherWorst) item.ow = ballot.otherWorst;
  if (input.submissionId) item.sid = input.submissionId;
  return item;
}

export function fromBallotItem(item: Record<string, unknown>): { campaign: string; ballot: CastBallot } {
  const i = item as unknown as BallotItem;
  const ballot: CastBallot = {
    group: i.g,
    ratings: i.r,
    commented: i.cm ?? [],
    best: i.mb ?? [],
    worst: i.mw ?? [],
  };
  if (i.ob) ballot.otherBest = i.ob;
  if (i.ow) ballot.otherWorst = i.ow;
  return { campaign: i.cid, ballot };
}

/** The ballot as the stream delivers it (AttributeValue JSON). */
export function fromStreamImage(image: Record<string, AttributeValue>) {
  return fromBallotItem(unmarshall(image));
}

function outcomeOfExisting(
  existing: Record<string, unknown> | undefined,
  submissionId?: string,
): CastOutcome {
  if (existing && submissionId && existing.sid === submissionId) {
    return { outcome: 'repeat', receipt: String(existing.rc) };
  }
  return { outcome: 'used' };
}

/** The comment items of a ballot: one per subject, under the id keys.ts derives from the ballot and the subject. */
function commentItems(input: CastInput): CommentItem[] {
  return input.comments.map((c) => ({
    subject: c.subject,
    item: {
      ...commentKey(
        input.campaign,
        c.subject,
        commentId(input.secret, input.campaign, input.ballotKey, c.subject),
      ),
      text: c.text,
    },
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
 * ballot and its comments), never a second copy, never over a stored text. Today's ballot lists the subjects it
 * commented on: only those are restored, so a retry cannot add a comment the ballot did not count.
 */
async function restoreComments(db: Db, input: CastInput, stored: Record<string, unknown>): Promise<void> {
  const listed = Array.isArray(stored.cm) ? new Set(stored.cm as string[]) : undefined;
  const comments = commentItems(input).filter((c) => !listed || listed.has(c.subject));
  if (comments.length === 0) return;
  const present = await commentsExisting(db, comments);
  await putCommentsOnce(
    db,
    comments.filter((c) => !present.has(String(c.item.sk))),
  );
}

/**
 * Casts a ballot with ONE conditional write (attribute_not_exists): the same code can never count twice.
 * Comments go into their own items, keyed so that nothing readable links them to the ballot: in the same
 * transaction when they fit, else right after the ballot in batches (a failure there is CommentsNotStoredError, and
 * the client's retry with the same submission id completes them). On a failed condition the existing ballot comes
 * back in the same call (ALL_OLD), so a retry (same submission id) is told apart from a second voter without
 * another read.
 */
export async function castBallot(db: Db, input: CastInput): Promise<CastOutcome> {
  const item = toBallotItem(input);
  const comments = commentItems(input);
  const condition = {
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  try {
    if (comments.length === 0 || comments.length > COMMENTS_IN_TRANSACTION) {
      await db.client.send(new PutCommand({ TableName: db.tableName, Item: item, ...condition }));
    } else {
      await db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: db.tableName, Item: item, ...condition } },
            ...comments.map((c) => ({ Put: { TableName: db.tableName, Item: c.item } })),
          ],
        }),
      );
    }
  } catch (error) {
    const existing = existingOnConflict(error);
    if (!existing) throw error;
    const outcome = outcomeOfExisting(existing.item, input.submissionId);
    if (outcome.outcome === 'repeat' && existing.item) await restoreComments(db, input, existing.item);
    return outcome;
  }
  if (comments.length > COMMENTS_IN_TRANSACTION) {
    try {
      await writeNewComments(db, comments);
    } catch (error) {
      throw new CommentsNotStoredError(input.campaign, { cause: error });
    }
  }
  return { outcome: 'cast', receipt: input.receipt };
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
  const outcome = outcomeOfExisting(Item, input.submissionId);
  if (outcome.outcome === 'repeat') await restoreComments(db, input, Item);
  return outcome;
}

/** Whether a code has voted: for the ballot page only, never on the submit path. */
export async function hasVoted(db: Db, campaign: string, key: string): Promise<boolean> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: ballotKey(campaign, key), ProjectionExpression: 'pk' }),
  );
  return Item !== undefined;
}

/** Every stored ballot of a campaign with the hour it arrived, page by page (one scan segment of `total`). */
export async function* ballotsOf(
  db: Db,
  campaign: string,
  segment = 0,
  total = 1,
): AsyncGenerator<{ ballot: CastBallot; hour: string }> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({
        TableName: db.tableName,
        Segment: segment,
        TotalSegments: total,
        FilterExpression: 'sk = :sk AND cid = :cid',
        ExpressionAttributeValues: { ':sk': BALLOT_SK, ':cid': campaign },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) yield { ballot: fromBallotItem(item).ballot, hour: String(item.h) };
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Recounts a campaign from its ballots with a parallel scan: rare and offline, never on the voting path. */
export async function recountTally(db: Db, campaign: string, segments = 4): Promise<Tally> {
  const tally = emptyTally();
  await Promise.all(
    Array.from({ length: segments }, async (_, n) => {
      for await (const { ballot } of ballotsOf(db, campaign, n, segments)) addBallot(tally, ballot);
    }),
  );
  return tally;
}
