// The table definition, once: keys, index and stream, used by the local bootstrap and by the CDK stack.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { BALLOT_SK, CAMPAIGNS_INDEX, COMMENT_PREFIX, FREE_TEXT_PREFIX } from './keys.ts';

/** Items carrying this attribute (epoch seconds) are deleted by DynamoDB after that time: open-channel quota counters. */
export const TIME_TO_LIVE_ATTRIBUTE = 'expiresAt';

export const tableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [
    {
      name: CAMPAIGNS_INDEX,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  /** The aggregator needs the new ballot only; old images would double the stream's size for nothing. */
  streamViewType: 'NEW_IMAGE',
  timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
} as const;

/**
 * The stream records the aggregator counts: inserts of ballots, of comments and of free texts (the latter two
 * are stored apart from their ballot, so they are counted from their own records). Its own aggregate writes and
 * campaign, receipt, report and audit items never trigger it. The same patterns are the Lambda filter criteria
 * (a record is delivered when any of them matches).
 */
export const countedInsertFilters = [
  { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [BALLOT_SK] } } } },
  { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: COMMENT_PREFIX }] } } } },
  { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: FREE_TEXT_PREFIX }] } } } },
] as const;

/** A ballot insert: the only records a failed batch's archive keeps (comments and free texts stay in the table). */
export function isBallotInsert(record: {
  eventName?: string;
  dynamodb?: { Keys?: Record<string, unknown> };
}) {
  return (
    record.eventName === 'INSERT' &&
    (record.dynamodb?.Keys?.sk as { S?: string } | undefined)?.S === BALLOT_SK
  );
}

/** The filters above as a predicate, for the local stream poller and the failed-batch archiver. */
export function isCountedInsert(record: {
  eventName?: string;
  dynamodb?: { Keys?: Record<string, unknown> };
}) {
  if (record.eventName !== 'INSERT') return false;
  const sk = (record.dynamodb?.Keys?.sk as { S?: string } | undefined)?.S;
  const pk = (record.dynamodb?.Keys?.pk as { S?: string } | undefined)?.S ?? '';
  return sk === BALLOT_SK || pk.startsWith(COMMENT_PREFIX) || pk.startsWith(FREE_TEXT_PREFIX);
}

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const keyNames = [partitionKey, sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
  };
}

/** Creates the table unless it exists, with its time to live on (also for a table made before it had one); returns its stream ARN. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
  let arn: string | undefined;
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
    arn = existing.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${tableName} exists without a stream`);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!arn) {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
    const created = await client.send(new DescribeTableCommand({ TableName: tableName }));
    arn = created.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${tableName} has no stream`);
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TIME_TO_LIVE_ATTRIBUTE },
      }),
    );
  }
  return arn;
}
