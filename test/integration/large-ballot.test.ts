// A ballot with more comments than one DynamoDB transaction holds: the probe got a 500 for 100 comments (a
// campaign may have 2,000 subjects). Now: 201, every comment stored once, counted once, also when the answer is
// lost or the comments' write fails half-way and the voter's page sends the same ballot again.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BALLOT_SK, COMMENTS_IN_TRANSACTION, listReceipts, readTally, recountTally } from '@pingyi/data';
import type { CampaignInput, Tally } from '@pingyi/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const COMMENTS = 150;

/** The example campaign with `subjects` organisations to rate; 2,000 is the most a campaign may have. */
const campaignOf = (subjects: number) =>
  ({
    ...exampleCampaign,
    subjects: Array.from({ length: subjects }, (_, i) => ({ id: `s${i}`, kind: 'org', name: `单位${i}` })),
  }) as CampaignInput;

function ballotOf(subjects: number, submissionId: string) {
  const answers: Record<string, { overall: string; comment?: string }> = {};
  for (let i = 0; i < subjects; i++) answers[`s${i}`] = { overall: i % 3 === 0 ? 'N' : 'S' };
  // 150 comments spread over the campaign
  const stride = Math.floor(subjects / COMMENTS);
  for (let c = 0; c < COMMENTS; c++) {
    (answers[`s${c * stride}`] as { comment?: string }).comment = `第${c}条意见：请改进`;
  }
  return { answers, submissionId };
}

/** Every stored item of one kind for the campaign (the test's table holds this campaign and few others). */
async function scan(filter: string, values: Record<string, unknown>) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({
        TableName: stack.db.tableName,
        FilterExpression: filter,
        ExpressionAttributeValues: values,
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
const commentsOf = (campaign: string) => scan('begins_with(pk, :pk)', { ':pk': `CM#${campaign}#` });
const ballotsOf = (campaign: string) =>
  scan('sk = :sk AND cid = :cid', { ':sk': BALLOT_SK, ':cid': campaign });

const totalComments = (tally: Tally) => Object.values(tally.comments).reduce((n, k) => n + k, 0);

/** Makes the n-th and later BatchWriteItem calls fail (as throttling would), until the returned undo is called. */
function failBatchWritesFrom(n: number): () => void {
  const middleware = stack.db.client.middlewareStack;
  let calls = 0;
  middleware.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === 'BatchWriteItemCommand' && ++calls >= n) {
        throw Object.assign(new Error('injected: throughput exceeded'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectBatchWriteFailure' },
  );
  return () => middleware.remove('injectBatchWriteFailure');
}

/** Aggregating one 2,000-subject ballot is 2,000 item updates: minutes on DynamoDB Local on a busy 2-core machine. */
const LARGE_TIMEOUT = 300_000;

describe('a ballot with 150 comments', () => {
  it(
    'in a 2,000-subject campaign is accepted (201), stores all 150 comments, and a retry is answered without doubling anything',
    async () => {
      expect(COMMENTS).toBeGreaterThan(COMMENTS_IN_TRANSACTION);
      const { id, tokens } = await stack.openExample({ party: 1 }, campaignOf(2000));
      const body = ballotOf(2000, 'large-ballot-submission-0001');
      expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThan(64 * 1024);
      const path = `/b/${tokens.party?.[0]}`;

      const first = await stack.call('POST', path, body);
      expect(first.status, first.text).toBe(201);
      expect(await commentsOf(id)).toHaveLength(COMMENTS);

      // Nothing a table reader could use to tie the comments to their ballot: the ballot holds no list of comments, no
      // submission id, receipt or time, and a comment's key is a keyed hash naming neither ballot nor submission.
      const [ballot] = await ballotsOf(id);
      const ballotKey = String(ballot?.pk).split('#')[2] ?? '';
      expect(Object.keys(ballot ?? {}).sort()).toEqual(['cid', 'g', 'mb', 'mw', 'pk', 'r', 'sd', 'sk']);
      for (const comment of await commentsOf(id)) {
        expect(Object.keys(comment).sort()).toEqual(['pk', 'sk', 'text']);
        expect(String(comment.sk)).not.toContain(ballotKey);
        expect(String(comment.sk)).not.toContain(body.submissionId);
        expect(String(comment.sk)).toMatch(/^[\w-]{22}$/);
      }

      // the answer was lost: the page sends the same ballot with the same id
      const retry = await stack.call('POST', path, body);
      expect(retry.status).toBe(200);
      expect(retry.json.receipt).toBe(first.json.receipt);
      const comments = await commentsOf(id);
      expect(comments).toHaveLength(COMMENTS);
      expect(new Set(comments.map((c) => c.text)).size).toBe(COMMENTS);

      await stack.poller.idle();
      const live = await readTally(stack.db, id);
      expect(live.ballots).toEqual({ party: 1 });
      expect(totalComments(live)).toBe(COMMENTS);
      expect(live).toEqual(await recountTally(stack.db, id));
      const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
      expect(results.json.ballots).toBe(1);
      expect(results.json.subjects.reduce((n: number, s: { comments: number }) => n + s.comments, 0)).toBe(
        COMMENTS,
      );
    },
    LARGE_TIMEOUT,
  );

  it(
    'completes the comments exactly once when their write fails after the ballot was stored',
    async () => {
      // 300 subjects: as many comments, fewer aggregates to wait for
      const { id, openTokens } = await stack.openExample({}, campaignOf(300));
      const path = `/b/${openTokens.public}`;
      const body = ballotOf(300, 'large-ballot-submission-0002');

      const undo = failBatchWritesFrom(3);
      let first: Awaited<ReturnType<TestStack['call']>>;
      try {
        first = await stack.call('POST', path, body);
      } finally {
        undo();
      }
      // the ballot is stored and counted; the voter is told to send it again (the page does so by itself)
      expect(first.status, first.text).toBe(503);
      expect(first.json.error).toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining('不会重复计票'),
      });
      expect(await ballotsOf(id)).toHaveLength(1);
      const partial = (await commentsOf(id)).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(COMMENTS);

      const retry = await stack.call('POST', path, body);
      expect(retry.status, retry.text).toBe(200);
      expect(await listReceipts(stack.db, id)).toEqual([retry.json.receipt]);
      expect(await commentsOf(id)).toHaveLength(COMMENTS);
      expect((await stack.call('POST', path, body)).status).toBe(200);
      expect(await commentsOf(id)).toHaveLength(COMMENTS);

      await stack.poller.idle();
      const live = await readTally(stack.db, id);
      expect(live.ballots).toEqual({ public: 1 });
      expect(totalComments(live)).toBe(COMMENTS);
      expect(live).toEqual(await recountTally(stack.db, id));
      // one ballot, as the open channel's quota counted it too
      const spread = await stack.organizer('GET', `/api/campaigns/${id}/open-channel`);
      expect(spread.json).toMatchObject({ ballots: 1, refused: 0 });
    },
    LARGE_TIMEOUT,
  );
});
