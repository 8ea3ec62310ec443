import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CastInput, castBallot } from './ballots.ts';
import { TransactWriteItemsDirectCommand } from './direct-write.ts';
import { CommentsNotStoredError } from './errors.ts';
import { receiptOf, submissionDigest } from './keys.ts';

// DynamoDB Local never cancels a transaction for a conflict: shown against a mocked client.
const mock = mockClient(DynamoDBDocumentClient);
const db = {
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
  tableName: 't',
};
const input: CastInput = {
  campaign: '0a1b2c3d',
  ballotKey: 't.party.7',
  ballot: { group: 'party', ratings: { a: { overall: 'S' } }, commented: ['a'], best: [], worst: [] },
  comments: [{ subject: 'a', text: '意见' }],
  submissionId: 'submission-0000000001',
  secret: Buffer.from('a-secret-of-at-least-thirty-two-bytes'),
};
const receipt = receiptOf(input.secret, input.campaign, input.ballotKey, input.submissionId);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) =>
      Code === 'ConditionalCheckFailed'
        ? {
            Code,
            Item: marshall({
              pk: 'B#0a1b2c3d#t.party.7',
              sd: submissionDigest(input.secret, input.campaign, input.submissionId),
            }),
          }
        : { Code },
    ),
  });

beforeEach(() => mock.reset());

describe('casting a ballot with comments', () => {
  it('sends the transaction again when it was cancelled only for a concurrent one', async () => {
    mock
      .on(TransactWriteItemsDirectCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .resolves({});
    expect(await castBallot(db, input)).toEqual({ outcome: 'cast', receipt });
    expect(mock.commandCalls(TransactWriteItemsDirectCommand)).toHaveLength(2);
  });

  it('answers the retry that lost the race with its receipt, derived again', async () => {
    mock
      .on(TransactWriteItemsDirectCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None'))
      .rejects(cancelled('ConditionalCheckFailed', 'None'));
    mock.on(BatchGetCommand).resolves({ Responses: { t: [] } });
    expect(await castBallot(db, input)).toEqual({ outcome: 'repeat', receipt });
  });

  it('says the comments are not stored yet when restoring them fails, so the client sends it again', async () => {
    mock.on(TransactWriteItemsDirectCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    mock.on(BatchGetCommand).rejects(new Error('throttled'));
    await expect(castBallot(db, input)).rejects.toBeInstanceOf(CommentsNotStoredError);
  });
});
