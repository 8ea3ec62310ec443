// Benchmark (deterministic): DynamoDB calls per ballot on the submit path, and aggregate writes per stream batch
// against the distinct aggregate items the batch touches — counted at the HTTP handler, not timed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApp } from '@pingyi/api';
import {
  aggregateKey,
  aggregatesOfTally,
  countedFromStream,
  type Db,
  ensureTable,
  isCountedInsert,
} from '@pingyi/data';
import type { HttpRequest } from '@smithy/types';
import { createAggregateHandler } from '../functions/aggregate/handler.ts';
import { startDynamoDbLocal } from '../packages/local/src/dynamodb-local.ts';
import { startStreamPoller } from '../packages/local/src/stream-poller.ts';
import { BODY } from './ingest.ts';
import { localClientConfig } from './runtime.ts';

function countingDb(config: object, tableName: string) {
  const counts = new Map<string, number>();
  const raw = new DynamoDBClient(config);
  // Counted where every request leaves, by its operation (X-Amz-Target): the SDK's commands and the ballot's direct
  // write alike, a retried request as often as it is sent.
  const http = raw.config.requestHandler;
  const handle = http.handle.bind(http);
  http.handle = (request: HttpRequest, options?: object) => {
    const name =
      String(request.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return handle(request, options);
  };
  const db: Db = {
    client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  };
  return { db, counts, take: () => new Map(counts) };
}

export async function benchCalls(ballots = 300) {
  const dynamo = await startDynamoDbLocal();
  try {
    const config = localClientConfig(dynamo.endpoint);
    const tableName = 'calls';
    const streamArn = await ensureTable(new DynamoDBClient(config), tableName);
    const api = countingDb(config, tableName);
    const deps = {
      db: api.db,
      codeSecret: Buffer.from('bench-secret-bench-secret-bench-secret'),
      adminToken: 'bench-admin-token-0000',
      publicUrl: 'http://127.0.0.1',
      now: () => new Date(),
    };
    const app = createApp(deps);
    const headers = { authorization: `Bearer ${deps.adminToken}`, 'content-type': 'application/json' };
    const campaign = JSON.parse(
      readFileSync(new URL('../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
    );
    const hour = 3_600_000;
    campaign.window = {
      opensAt: new Date(Date.now() - hour).toISOString(),
      closesAt: new Date(Date.now() + hour).toISOString(),
    };
    const post = async (path: string, body?: unknown) =>
      (
        await app.request(path, { method: 'POST', headers, ...(body ? { body: JSON.stringify(body) } : {}) })
      ).json();
    const { id } = (await post('/api/campaigns', campaign)) as { id: string };
    await post(`/api/campaigns/${id}/open`);
    const { codes } = (await post(`/api/campaigns/${id}/codes`, { group: 'party', count: ballots * 2 })) as {
      codes: { token: string }[];
    };

    const submit = [];
    for (const [scenario, withComment] of [
      ['ballot without comments', false],
      ['ballot with a comment (ratings + comment in one transaction)', true],
    ] as const) {
      const before = api.take();
      for (let i = 0; i < ballots; i++) {
        const token = codes[i + (withComment ? ballots : 0)]?.token;
        const body = withComment
          ? { ...BODY, answers: { ...BODY.answers, 'org-edu': { overall: 'S', comment: '希望多下基层' } } }
          : BODY;
        const response = await app.request(`/b/${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, submissionId: randomUUID() }),
        });
        if (response.status !== 201) throw new Error(`vote failed: ${response.status}`);
      }
      const delta = (name: string) => ((api.counts.get(name) ?? 0) - (before.get(name) ?? 0)) / ballots;
      submit.push({
        scenario,
        ballots,
        'reads/ballot': delta('GetItem'),
        'writes/ballot': delta('PutItem') + delta('TransactWriteItems'),
        'other calls/ballot': delta('Query') + delta('UpdateItem') + delta('Scan'),
      });
    }

    // Aggregation of everything above, in stream batches of up to 100 records.
    const aggregator = countingDb(config, tableName);
    const handle = createAggregateHandler(aggregator.db);
    const batches: { ballots: number; items: number; writes: number }[] = [];
    const poller = startStreamPoller({
      streams: new DynamoDBStreamsClient(config),
      streamArn,
      filter: isCountedInsert,
      intervalMs: 50,
      batchSize: 100,
      handler: async (event) => {
        const before = aggregator.counts.get('UpdateItem') ?? 0;
        const decoded = event.Records.map((r) =>
          countedFromStream(r.dynamodb?.NewImage as Record<string, AttributeValue>),
        );
        // every aggregate item the batch's records touch: their tallies' items and the pace item of each hour in
        // which the stream recorded a ballot (aggregates.ts paceOf)
        const hours = event.Records.flatMap((r, n) => {
          const at = r.dynamodb?.ApproximateCreationDateTime;
          const ballots = Object.values(decoded[n]?.tally.ballots ?? {}).reduce((a, b) => a + b, 0);
          return at === undefined || ballots === 0
            ? []
            : [
                aggregateKey(id, {
                  type: 'pace',
                  hour: new Date(Number(at) * 1000).toISOString().slice(0, 13),
                }).sk,
              ];
        });
        const items = new Set([
          ...decoded.flatMap((d) => aggregatesOfTally(d.tally)).map((a) => aggregateKey(id, a.scope).sk),
          ...hours,
        ]).size;
        const response = await handle(event);
        batches.push({
          ballots: event.Records.length,
          items,
          writes: (aggregator.counts.get('UpdateItem') ?? 0) - before,
        });
        return response;
      },
    });
    await poller.idle();
    await poller.stop();
    const total = batches.reduce(
      (sum, b) => ({
        ballots: sum.ballots + b.ballots,
        items: sum.items + b.items,
        writes: sum.writes + b.writes,
      }),
      {
        ballots: 0,
        items: 0,
        writes: 0,
      },
    );
    const aggregate = [
      {
        batches: batches.length,
        'ballots/batch': Math.round((total.ballots / batches.length) * 10) / 10,
        'distinct items/batch': Math.round((total.items / batches.length) * 10) / 10,
        'UpdateItem/batch': Math.round((total.writes / batches.length) * 10) / 10,
        'max writes ÷ items in a batch': Math.max(...batches.map((b) => b.writes / b.items)),
        'UpdateItem/ballot': Math.round((total.writes / total.ballots) * 1000) / 1000,
      },
    ];
    return { submit, aggregate };
  } finally {
    await dynamo.stop();
  }
}
