import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type CommentItem, commentsExisting, putCommentsOnce, writeNewComments } from './comments.ts';

// DynamoDB Local never throttles, so these paths are shown against a mocked client.
const mock = mockClient(DynamoDBDocumentClient);
const db = {
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
  tableName: 't',
};
const comments = (n: number): CommentItem[] =>
  Array.from({ length: n }, (_, i) => ({
    subject: `s${i}`,
    item: { pk: `CM#c#s${i}`, sk: `id${i}`, text: `意见${i}` },
  }));

beforeEach(() => mock.reset());

describe('writing a ballot’s comments', () => {
  it('writes them in batches of 25, and sends unprocessed items again until all are written', async () => {
    let first = true;
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      const requests = input.RequestItems.t ?? [];
      if (first && requests.length > 3) {
        first = false;
        return { UnprocessedItems: { t: requests.slice(0, 3) } };
      }
      return {};
    });
    await writeNewComments(db, comments(60));
    const sent = mock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t?.length);
    expect(sent.slice(0, 3).sort()).toEqual([10, 25, 25]);
    expect(sent.slice(3)).toEqual([3]);
  });

  it('gives up after repeated throttling, so the submit can say it is not complete', async () => {
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    vi.useFakeTimers(); // the pauses between attempts, not waited for
    try {
      const outcome = expect(writeNewComments(db, comments(5))).rejects.toThrow(/unprocessed/);
      await vi.runAllTimersAsync();
      await outcome;
    } finally {
      vi.useRealTimers();
    }
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(8);
  });

  it('finds which are stored, reading unprocessed keys again', async () => {
    let first = true;
    mock
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { sk: string }[] }> }) => {
        const keys = input.RequestItems.t?.Keys ?? [];
        if (first) {
          first = false;
          return { Responses: { t: [{ sk: 'id0' }] }, UnprocessedKeys: { t: { Keys: keys.slice(2) } } };
        }
        return { Responses: { t: keys.filter((k) => k.sk === 'id3').map((k) => ({ sk: k.sk })) } };
      });
    expect([...(await commentsExisting(db, comments(4)))].sort()).toEqual(['id0', 'id3']);
  });

  it('puts missing comments only if nobody wrote them meanwhile, dropping those that exist and sending the rest again', async () => {
    const written: string[] = [];
    mock
      .on(TransactWriteCommand)
      .callsFake((input: { TransactItems: { Put: { Item: { sk: string } } }[] }) => {
        const items = input.TransactItems.map((t) => t.Put.Item.sk);
        // id1 was written by a concurrent retry; id2 conflicts with a write in flight once
        const reasons = items.map((sk) =>
          sk === 'id1'
            ? 'ConditionalCheckFailed'
            : sk === 'id2' && !written.includes('conflict')
              ? 'TransactionConflict'
              : 'None',
        );
        if (reasons.some((r) => r !== 'None')) {
          if (reasons.includes('TransactionConflict')) written.push('conflict');
          throw new TransactionCanceledException({
            message: 'cancelled',
            $metadata: {},
            CancellationReasons: reasons.map((Code) => ({ Code })),
          });
        }
        written.push(...items);
        return {};
      });
    vi.useFakeTimers();
    try {
      const done = putCommentsOnce(db, comments(3));
      await vi.runAllTimersAsync();
      await done;
    } finally {
      vi.useRealTimers();
    }
    expect(written).toEqual(['conflict', 'id0', 'id2']);
    for (const call of mock.commandCalls(TransactWriteCommand)) {
      for (const item of call.args[0].input.TransactItems ?? []) {
        expect(item.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
      }
    }
  });

  it('passes on any other failure', async () => {
    mock.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(putCommentsOnce(db, comments(2))).rejects.toThrow('network down');
  });
});
