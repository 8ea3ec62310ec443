// The whole platform on one machine: DynamoDB Local, the table, the Hono app and the stream poller feeding
// the aggregate Lambda handler — the same handler modules that run on AWS.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type AppDeps, createApp } from '@pingyi/api';
import { createDocumentClient, type Db, ensureTable, isBallotInsert } from '@pingyi/data';
import { createAggregateHandler } from '../../../functions/aggregate/handler.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { type StreamCheckpoint, type StreamPoller, startStreamPoller } from './stream-poller.ts';

export const LOCAL_REGION = 'cn-north-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalStackOptions {
  /** use a DynamoDB Local that is already running; otherwise one is started */
  dynamoEndpoint?: string;
  /** where a started DynamoDB Local keeps its data; in memory when omitted */
  dbPath?: string;
  tableName: string;
  codeSecret: Buffer;
  adminToken: string;
  publicUrl: string;
  now?: () => Date;
  pollIntervalMs?: number;
  checkpoint?: StreamCheckpoint;
  log?: (msg: string, extra?: object) => void;
}

export interface LocalStack {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: Db;
  endpoint: string;
  streamArn: string;
  poller: StreamPoller;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const dynamo = opts.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal(opts.dbPath ? { dbPath: opts.dbPath } : {});
  const endpoint = opts.dynamoEndpoint ?? dynamo?.endpoint;
  if (!endpoint) throw new Error('no DynamoDB endpoint');
  try {
    const clientConfig = { region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS };
    const raw = new DynamoDBClient(clientConfig);
    const streamArn = await ensureTable(raw, opts.tableName);
    const db: Db = { client: createDocumentClient(clientConfig), tableName: opts.tableName };
    const deps: AppDeps = {
      db,
      codeSecret: opts.codeSecret,
      adminToken: opts.adminToken,
      publicUrl: opts.publicUrl,
      now: opts.now ?? (() => new Date()),
    };
    const poller = startStreamPoller({
      streams: new DynamoDBStreamsClient(clientConfig),
      streamArn,
      handler: createAggregateHandler(db),
      filter: isBallotInsert,
      intervalMs: opts.pollIntervalMs ?? 250,
      ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    return {
      app: createApp(deps),
      deps,
      db,
      endpoint,
      streamArn,
      poller,
      async stop() {
        await poller.stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
