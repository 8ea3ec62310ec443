import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { releaseQuotaSlot, takeQuotaSlot } from './quotas.ts';

const mock = mockClient(DynamoDBDocumentClient);
const db = {
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
  tableName: 't',
};
const slot = {
  campaign: '0a1b2c3d',
  windowStart: '2026-12-02T02:00:00.000Z',
  source: 'digest',
  limit: 3,
  expiresAt: 1,
};
const full = () => new ConditionalCheckFailedException({ message: 'full', $metadata: {} });

beforeEach(() => mock.reset());

describe('open-channel quota slots', () => {
  it('takes a slot with one conditional ADD, and says no when the quota is used up', async () => {
    mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(full());
    expect(await takeQuotaSlot(db, slot)).toBe(true);
    expect(await takeQuotaSlot(db, slot)).toBe(false);
    expect(mock.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'Q#0a1b2c3d', sk: '2026-12-02T02:00:00.000Z#digest' },
      ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
      ExpressionAttributeValues: { ':limit': 3 },
    });
  });

  it('passes on a failure that is not the quota (a 5xx is the truth then)', async () => {
    mock.on(UpdateCommand).rejects(new Error('throttled'));
    await expect(takeQuotaSlot(db, slot)).rejects.toThrow('throttled');
  });

  it('never gives back below zero', async () => {
    mock.on(UpdateCommand).rejects(full());
    await expect(releaseQuotaSlot(db, slot)).resolves.toBeUndefined();
  });
});
