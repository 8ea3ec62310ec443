// Comment repository: the texts evaluators left per subject, for organizers only (never published raw), and the
// writes that store a ballot's comments exactly once even when a retry writes them again.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, queryAll } from './client.ts';
import { commentsOf } from './keys.ts';

/** Every comment on one subject, in key order (keyed hashes, so not in the order they arrived). */
export async function listComments(db: Db, campaign: string, subject: string): Promise<string[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': commentsOf(campaign, subject).pk },
    ProjectionExpression: '#text',
    ExpressionAttributeNames: { '#text': 'text' },
  });
  return items.map((item) => String(item.text));
}

/** A comment as stored (pk, sk from keys.ts and its text), with the subject it is about. */
export interface CommentItem {
  subject: string;
  item: { pk: string; sk: string; text: string };
}

/** BatchWriteItem takes 25 items, BatchGetItem and TransactWriteItems 100. */
const WRITE_BATCH = 25;
const GET_BATCH = 100;
const TRANSACTION = 100;
/** Unprocessed items (throttling) are sent again this many times, with growing pauses, before giving up. */
const ATTEMPTS = 8;
/** Requests in flight at once for one ballot: its comments are written in a few round trips, not one by one. */
const PARALLEL = 4;

const pause = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)),
  );

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Runs `work` over `items`, a few at a time; after a failure no new item is started, and the failure is thrown. */
async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      try {
        await work(items[next++] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * Writes comments of a ballot that was just stored, so none of them exists yet: batches of plain puts. Writing the
 * same batch again (the SDK's retry of a lost answer) rewrites the same items with the same texts: nothing doubles.
 */
export async function writeNewComments(db: Db, comments: CommentItem[]): Promise<void> {
  await inParallel(chunks(comments, WRITE_BATCH), async (batch) => {
    let requests = batch.map((c) => ({ PutRequest: { Item: c.item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`${requests.length} comments left unprocessed`);
      if (attempt > 0) await pause(attempt);
      const { UnprocessedItems } = await db.client.send(
        new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
    }
  });
}

/** Which of these comments are stored already (their sort keys). */
export async function commentsExisting(db: Db, comments: CommentItem[]): Promise<Set<string>> {
  const found = new Set<string>();
  await inParallel(chunks(comments, GET_BATCH), async (batch) => {
    let keys: Record<string, unknown>[] = batch.map((c) => ({ pk: c.item.pk, sk: c.item.sk }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`${keys.length} comment keys left unread`);
      if (attempt > 0) await pause(attempt);
      const { Responses, UnprocessedKeys } = await db.client.send(
        new BatchGetCommand({
          RequestItems: { [db.tableName]: { Keys: keys, ProjectionExpression: 'sk', ConsistentRead: true } },
        }),
      );
      for (const item of Responses?.[db.tableName] ?? []) found.add(String(item.sk));
      keys = UnprocessedKeys?.[db.tableName]?.Keys ?? [];
    }
  });
  return found;
}

/**
 * Puts each comment unless it exists: a concurrent retry may be writing the same ones, and a stored text is never
 * replaced. Up to 100 conditional puts go in one transaction; a put whose item exists by then is dropped and the
 * rest sent again (a conflict with a concurrent write is sent again too, after a pause).
 */
export async function putCommentsOnce(db: Db, comments: CommentItem[]): Promise<void> {
  await inParallel(chunks(comments, TRANSACTION), async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`${pending.length} comments left unwritten`);
      if (attempt > 0) await pause(attempt);
      try {
        await db.client.send(
          new TransactWriteCommand({
            TransactItems: pending.map((c) => ({
              Put: { TableName: db.tableName, Item: c.item, ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        pending = pending.filter((_, i) => reasons[i]?.Code !== 'ConditionalCheckFailed');
      }
    }
  });
}
