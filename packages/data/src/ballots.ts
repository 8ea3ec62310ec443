// Ballot repository: the one conditional write per ballot, the stored form, and the scan a recount reads.
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { addBallot, type CastBallot, type CastComment, emptyTally, type Tally } from '@pingyi/domain';
import type { Db } from './client.ts';
import { BALLOT_SK, ballotKey, commentKey } from './keys.ts';

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
  /** client-generated id, so a retried submit is recognised (not linked to any person) */
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
}

const hourOf = (now: Date) => now.toISOString().slice(0, 13);

export function toBallotItem(input: Omit<CastInput, 'comments'>): BallotItem {
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

/**
 * Casts a ballot with ONE conditional write (attribute_not_exists): the same code can never count twice.
 * Comments go into their own items in the same transaction, with random keys and no link to the ballot.
 * On a failed condition the existing ballot comes back in the same call (ALL_OLD), so a retry (same
 * submission id) is told apart from a second voter without another read.
 */
export async function castBallot(db: Db, input: CastInput): Promise<CastOutcome> {
  const item = toBallotItem(input);
  const condition = {
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  try {
    if (input.comments.length === 0) {
      await db.client.send(new PutCommand({ TableName: db.tableName, Item: item, ...condition }));
    } else {
      await db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: db.tableName, Item: item, ...condition } },
            ...input.comments.map((c) => ({
              Put: {
                TableName: db.tableName,
                Item: { ...commentKey(input.campaign, c.subject, randomUUID()), text: c.text },
              },
            })),
          ],
        }),
      );
    }
    return { outcome: 'cast', receipt: input.receipt };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return outcomeOfExisting(error.Item ? unmarshall(error.Item) : undefined, input.submissionId);
    }
    if (error instanceof TransactionCanceledException) {
      const reason = error.CancellationReasons?.[0];
      if (reason?.Code === 'ConditionalCheckFailed') {
        return outcomeOfExisting(reason.Item ? unmarshall(reason.Item) : undefined, input.submissionId);
      }
    }
    throw error;
  }
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
