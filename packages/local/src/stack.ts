// The whole platform on one machine: DynamoDB Local, the table, the Hono app and the stream poller feeding
// the aggregate Lambda handler — the same handler modules that run on AWS.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type AppDeps, createApp } from '@pingyi/api';
import { createDocumentClient, type Db, ensureTable, isCountedInsert } from '@pingyi/data';
import { EVENT_SOURCE, EXPORT_REQUESTED, type ExportRequestedDetail } from '@pingyi/reports/events';
import { createS3Client, type ReportBucket } from '@pingyi/runtime';
import { createAggregateHandler } from '../../../functions/aggregate/handler.ts';
import { createExportHandler } from '../../../functions/export/handler.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { startLocalS3 } from './s3-local.ts';
import { type StreamCheckpoint, type StreamPoller, startStreamPoller } from './stream-poller.ts';

export const LOCAL_REGION = 'cn-north-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalStackOptions {
  /** use a DynamoDB Local that is already running; otherwise one is started */
  dynamoEndpoint?: string;
  /** where a started DynamoDB Local keeps its data; in memory when omitted */
  dbPath?: string;
  /** use a local S3 server that is already running (with the bucket); otherwise one is started in s3Dir */
  s3Endpoint?: string;
  s3Dir?: string;
  bucket?: string;
  /** how long a closing report waits for the live aggregates to reach its recount (default 60 s) */
  closingWaitMs?: number;
  /** run the scheduled export this often; never when omitted */
  exportIntervalMs?: number;
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
  s3Endpoint: string;
  /** the reports bucket and its client (the app takes it through `deps.reports()`) */
  reports: ReportBucket;
  /** resolves when every export asked for so far has finished */
  exportsSettled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const dynamo = opts.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal(opts.dbPath ? { dbPath: opts.dbPath } : {});
  const endpoint = opts.dynamoEndpoint ?? dynamo?.endpoint;
  if (!endpoint) throw new Error('no DynamoDB endpoint');
  const bucket = opts.bucket ?? 'pingyi-reports';
  let s3Server: Awaited<ReturnType<typeof startLocalS3>> | undefined;
  try {
    if (!opts.s3Endpoint) {
      if (!opts.s3Dir) throw new Error('give s3Endpoint or s3Dir');
      s3Server = await startLocalS3(opts.s3Dir, [bucket]);
    }
    const s3Endpoint = opts.s3Endpoint ?? s3Server?.endpoint ?? '';
    const clientConfig = { region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS };
    const raw = new DynamoDBClient(clientConfig);
    const streamArn = await ensureTable(raw, opts.tableName);
    const db: Db = { client: createDocumentClient(clientConfig), tableName: opts.tableName };
    const now = opts.now ?? (() => new Date());
    const reports = { s3: createS3Client(LOCAL_REGION, s3Endpoint), bucket };
    const exportHandler = createExportHandler(
      db,
      reports,
      now,
      opts.closingWaitMs === undefined ? {} : { closing: { maxWaitMs: opts.closingWaitMs } },
    );
    // Locally an export request runs in the background, as the export Lambda would after EventBridge.
    const inFlight = new Set<Promise<unknown>>();
    const track = (work: Promise<unknown>) => {
      const settled = work.catch((error: unknown) => opts.log?.('export failed', { error: String(error) }));
      inFlight.add(settled);
      void settled.finally(() => inFlight.delete(settled));
    };
    const requestExport = async (detail: ExportRequestedDetail) => {
      track(exportHandler({ 'detail-type': EXPORT_REQUESTED, source: EVENT_SOURCE, detail }));
    };
    const schedule = opts.exportIntervalMs
      ? setInterval(
          () => track(exportHandler({ 'detail-type': 'Scheduled Event', source: 'aws.events' })),
          opts.exportIntervalMs,
        )
      : undefined;
    const deps: AppDeps = {
      db,
      codeSecret: opts.codeSecret,
      adminToken: opts.adminToken,
      publicUrl: opts.publicUrl,
      now,
      reports: async () => reports,
      requestExport,
    };
    const poller = startStreamPoller({
      streams: new DynamoDBStreamsClient(clientConfig),
      streamArn,
      // Its own client, as the aggregate function is its own Lambda: sharing the API's connection pool would queue
      // each aggregate update behind a burst's ballot writes (the SDK's agent keeps at most 50 sockets).
      handler: createAggregateHandler({
        client: createDocumentClient(clientConfig),
        tableName: opts.tableName,
      }),
      filter: isCountedInsert,
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
      s3Endpoint,
      reports,
      async exportsSettled() {
        while (inFlight.size > 0) await Promise.all(inFlight);
      },
      async stop() {
        if (schedule) clearInterval(schedule);
        await Promise.all(inFlight);
        await poller.stop();
        await s3Server?.stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await s3Server?.stop();
    await dynamo?.stop();
    throw error;
  }
}
