// Benchmark: CPU of one ballot-shaped DynamoDB write (a two-item TransactWriteItems) sent three ways: the document
// client's command, the low-level command with items marshalled beforehand, and the direct command castBallot sends
// (packages/data/src/direct-write.ts: signed by the client's parts, no middleware stack). Same process, same DynamoDB
// Local, rounds alternating in order after a warm-up; CPU (every thread of the process) from process.cpuUsage().
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createDocumentClient, ensureTable } from '@pingyi/data';
import { TransactWriteItemsDirectCommand } from '@pingyi/data/direct-write';
import { startDynamoDbLocal } from '../packages/local/src/dynamodb-local.ts';
import { localClientConfig, percentile, pool } from './runtime.ts';

export async function benchSdkCall(calls = 1500, concurrency = 16, rounds = 5) {
  const dynamo = await startDynamoDbLocal();
  try {
    const config = localClientConfig(dynamo.endpoint);
    const TableName = `sdk-${randomBytes(4).toString('hex')}`;
    await ensureTable(new DynamoDBClient(config), TableName);
    const ballot = (key: string) => ({
      pk: `B#0a1b2c3d#${key}`,
      sk: 'BALLOT',
      cid: '0a1b2c3d',
      g: 'party',
      r: { 'org-edu': { o: 'S' }, 'org-fin': { o: 'B' }, 'cadre-li': { o: 'N' } },
      sd: randomBytes(32).toString('base64url'),
    });
    const receipt = () => ({
      pk: `RC#0a1b2c3d#${randomBytes(1).toString('hex')[0]}`,
      sk: randomBytes(16).toString('hex'),
    });
    const condition = { ConditionExpression: 'attribute_not_exists(pk)' };
    /** The transaction with its items marshalled beforehand, as castBallot sends it. */
    const marshalled = (key: string) => [
      { Put: { TableName, Item: marshall(ballot(key)), ...condition } },
      { Put: { TableName, Item: marshall(receipt()) } },
    ];
    // one client per variant, as each process has one
    const document = createDocumentClient(config);
    const low = createDocumentClient(config);
    const direct = createDocumentClient(config);
    const variants = {
      'document client (TransactWriteCommand)': (key: string) =>
        document.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName, Item: ballot(key), ...condition } },
              { Put: { TableName, Item: receipt() } },
            ],
          }),
        ),
      'low-level command, items marshalled first': (key: string) =>
        low.send(new TransactWriteItemsCommand({ TransactItems: marshalled(key) })),
      'direct command (castBallot)': (key: string) =>
        direct.send(new TransactWriteItemsDirectCommand({ TransactItems: marshalled(key) })),
    };
    const samples = new Map<string, number[]>();
    for (let round = 0; round <= rounds; round++) {
      const entries = Object.entries(variants);
      // alternate the order: no variant always runs first (or after the same one)
      for (const [name, call] of round % 2 ? entries.reverse() : entries) {
        const before = process.cpuUsage();
        await pool(calls, concurrency, async (i) => {
          await call(`${round}.${name.length}.${i}`);
        });
        const used = process.cpuUsage(before);
        // round 0 warms both up (JIT, sockets) and is not counted
        if (round > 0)
          samples.set(name, [...(samples.get(name) ?? []), (used.user + used.system) / 1000 / calls]);
      }
    }
    return [...samples].map(([variant, ms]) => ({
      variant,
      calls: calls * rounds,
      cpuMsPerCallMedian: Math.round(percentile(ms, 50) * 1000) / 1000,
      cpuMsPerCallMin: Math.round(Math.min(...ms) * 1000) / 1000,
      cpuMsPerCallMax: Math.round(Math.max(...ms) * 1000) / 1000,
    }));
  } finally {
    await dynamo.stop();
  }
}
