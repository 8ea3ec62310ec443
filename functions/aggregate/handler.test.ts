import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { padSequence, toBallotItem } from '@pingyi/data';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AggregateEvent, createAggregateHandler } from './handler.ts';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const db = { client, tableName: 'pingyi' };
const mock = mockClient(DynamoDBDocumentClient);
const handle = createAggregateHandler(db);

function record(seq: string, group: string, option: string): DynamoDBRecord {
  const item = toBallotItem({
    campaign: '0a1b2c3d',
    ballotKey: `t.${group}.${seq}`,
    ballot: { group, ratings: { 'org-edu': { overall: option } }, commented: [], best: [], worst: [] },
    submissionId: `s-${Math.random()}`,
    secret: Buffer.from('secret'),
  });
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      NewImage: marshall(item) as never,
      SequenceNumber: seq,
    },
  };
}

const event = (records: DynamoDBRecord[]): AggregateEvent => ({ Records: records, shardId: 'shardId-0001' });

beforeEach(() => mock.reset());

describe('aggregate handler error paths', () => {
  it('resumes at the first record of the campaign when a throttled item keeps its commit unwritten', async () => {
    mock.on(UpdateCommand).resolves({});
    mock
      .on(UpdateCommand, { Key: { pk: 'C#0a1b2c3d', sk: 'AGG#S#org-edu#staff' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const result = await handle(
      event([record('100', 'party', 'S'), record('200', 'staff', 'S'), record('300', 'staff', 'N')]),
    );
    // The campaign item (the batch's commit) is written only after all its other items: it was not, so the
    // stream resumes at the first record it holds; items already written skip what they have.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
    const written = mock.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.sk);
    expect(written).not.toContain('AGG#C');
  });

  it('applies only the records above the stored high-water mark when a redelivery overlaps', async () => {
    const hw = 'hw#shardId-0001';
    mock.on(UpdateCommand).resolves({});
    mock
      .on(UpdateCommand, { Key: { pk: 'C#0a1b2c3d', sk: 'AGG#S#org-edu#party' } })
      .rejectsOnce(
        new ConditionalCheckFailedException({
          message: 'condition',
          $metadata: {},
          Item: marshall({ [hw]: padSequence('2000') }),
        }),
      )
      .resolves({});
    const result = await handle(
      event([record('1000', 'party', 'S'), record('2000', 'party', 'S'), record('10000', 'party', 'N')]),
    );
    expect(result.batchItemFailures).toEqual([]);
    const calls = mock
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.Key?.sk === 'AGG#S#org-edu#party');
    expect(calls).toHaveLength(2);
    // the retry adds only record 10000 (one N), under a condition on the mark it read
    expect(calls[1]?.ConditionExpression).toBe('#hw = :mark');
    expect(calls[1]?.ExpressionAttributeValues).toMatchObject({ ':mark': padSequence('2000'), ':c0': 1 });
    expect(Object.values(calls[1]?.ExpressionAttributeNames ?? {})).toContain('n#q#overall#N');
    expect(Object.values(calls[1]?.ExpressionAttributeNames ?? {})).not.toContain('n#q#overall#S');
  });

  it('skips an aggregate item entirely when its mark already covers the whole batch', async () => {
    mock.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'condition',
        $metadata: {},
        Item: marshall({ 'hw#shardId-0001': padSequence('500') }),
      }),
    );
    const result = await handle(event([record('100', 'party', 'S'), record('500', 'party', 'S')]));
    expect(result.batchItemFailures).toEqual([]);
    expect(mock).toHaveReceivedCommandTimes(UpdateCommand, 2); // one per aggregate item, no retry
  });

  it('ignores records other than ballot inserts and refuses a batch without a shard id', async () => {
    const modify = { ...record('1', 'party', 'S'), eventName: 'MODIFY' as const };
    expect(await handle({ Records: [modify] })).toEqual({ batchItemFailures: [], state: {} });
    await expect(handle({ Records: [record('1', 'party', 'S')] })).rejects.toThrow(/tumbling window/);
    expect(mock).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });
});

describe('unreadable records', () => {
  it('applies the records before an unreadable one and resumes at it', async () => {
    mock.on(UpdateCommand).resolves({});
    const broken: DynamoDBRecord = { ...record('300', 'party', 'S') };
    broken.dynamodb = { ...broken.dynamodb, NewImage: undefined };
    const result = await handle(event([record('100', 'party', 'S'), broken, record('500', 'party', 'N')]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '300' }]);
    const added = mock
      .commandCalls(UpdateCommand)
      .flatMap((c) => Object.values(c.args[0].input.ExpressionAttributeNames ?? {}));
    expect(added).toContain('n#q#overall#S');
    expect(added).not.toContain('n#q#overall#N');
  });
});
