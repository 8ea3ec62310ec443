import { readFileSync } from 'node:fs';
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { clearCampaignCache, createApp, signCode } from '@pingyi/api';
import { receiptOf, submissionDigest } from '@pingyi/data';
import { TransactWriteItemsDirectCommand } from '@pingyi/data/direct-write';
import { Campaign } from '@pingyi/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

const definition = Campaign.parse(
  JSON.parse(readFileSync(new URL('../../examples/education-bureau.campaign.json', import.meta.url), 'utf8')),
);
const codeSecret = Buffer.from('unit-test-secret-unit-test-secret-000');
const mock = mockClient(DynamoDBDocumentClient);
const app = createApp({
  db: {
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
    tableName: 'pingyi',
  },
  codeSecret,
  adminToken: 'unit-test-admin-token',
  publicUrl: 'https://py.example.gov.cn',
  now: () => new Date('2026-12-02T10:00:00+08:00'),
});
const token = signCode(codeSecret, { campaign: '0a1b2c3d', groupIndex: 0, serial: 1 });
const ballot = {
  answers: Object.fromEntries(definition.subjects.map((s) => [s.id, { overall: 'X' }])),
  submissionId: 'unit-submission-000001',
};
const submit = () =>
  app.request(`/b/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ballot),
  });

beforeEach(() => {
  mock.reset();
  clearCampaignCache();
  mock.on(GetCommand).resolves({
    Item: {
      id: '0a1b2c3d',
      definition: JSON.stringify(definition),
      status: 'open',
      createdAt: '2026-11-27T00:00:00.000Z',
      updatedAt: '2026-11-27T00:00:00.000Z',
      issued: { party: 5, staff: 0, public: 0 },
    },
  });
});

describe('submit path error handling', () => {
  it('does at most one read and one conditional write per ballot, and no read while the campaign is cached', async () => {
    mock.on(TransactWriteItemsDirectCommand).resolves({});
    expect((await submit()).status).toBe(201);
    expect(mock).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(mock).toHaveReceivedCommandTimes(TransactWriteItemsDirectCommand, 1);
    expect((await submit()).status).toBe(201);
    expect(mock).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(mock).toHaveReceivedCommandTimes(TransactWriteItemsDirectCommand, 2);
    // one write: the ballot, conditional, with its receipt listed apart in the same transaction
    const [put, receipt] =
      mock.commandCalls(TransactWriteItemsDirectCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(put?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(Object.keys(receipt?.Put?.Item ?? {}).sort()).toEqual(['pk', 'sk']);
  });

  it('turns throttling into a 500 that claims nothing was accepted, without leaking internals', async () => {
    mock
      .on(TransactWriteItemsDirectCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const response = await submit();
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } });
  });

  it('tells a retry (same submission id) from a second voter on a failed condition', async () => {
    const existing = (sid: string) =>
      new TransactionCanceledException({
        message: 'exists',
        $metadata: {},
        CancellationReasons: [
          {
            Code: 'ConditionalCheckFailed',
            Item: marshall({ pk: 'x', sd: submissionDigest(codeSecret, '0a1b2c3d', sid) }),
          },
          { Code: 'None' },
        ],
      });
    mock
      .on(TransactWriteItemsDirectCommand)
      .rejectsOnce(existing(ballot.submissionId))
      .rejectsOnce(existing('another-submission-01'));
    const retry = await submit();
    expect(retry.status).toBe(200);
    // the receipt is derived again from the submission: the stored ballot holds none
    expect(await retry.json()).toEqual({
      receipt: receiptOf(codeSecret, '0a1b2c3d', 't.party.1', ballot.submissionId),
    });
    const second = await submit();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('code_used');
  });
});
