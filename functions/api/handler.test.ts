import { readFileSync } from 'node:fs';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { clearCampaignCache, createApp, signCode } from '@pingyi/api';
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
    mock.on(PutCommand).resolves({});
    expect((await submit()).status).toBe(201);
    expect(mock).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(mock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect((await submit()).status).toBe(201);
    expect(mock).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(mock).toHaveReceivedCommandTimes(PutCommand, 2);
    expect(mock).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('turns throttling into a 500 that claims nothing was accepted, without leaking internals', async () => {
    mock
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const response = await submit();
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } });
  });

  it('tells a retry (same submission id) from a second voter on a failed condition', async () => {
    const existing = (sid: string) =>
      new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        Item: marshall({ pk: 'x', sid, rc: 'WXYZ-2345' }),
      });
    mock
      .on(PutCommand)
      .rejectsOnce(existing(ballot.submissionId))
      .rejectsOnce(existing('another-submission-01'));
    const retry = await submit();
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ receipt: 'WXYZ-2345' });
    const second = await submit();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('code_used');
  });
});
