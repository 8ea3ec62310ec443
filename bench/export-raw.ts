// Benchmark: export N raw ballots (anonymized CSV, streamed multipart to the local S3 server): time and memory.
// Run through `npm run bench`. Prints, for each size, rows/s, time per 1,000 rows and the Node process's memory peaks
// above its baseline (measureMemory), and the ratios between sizes (flat: near 1 while the rows grow tenfold).
// The sampled peaks follow how lazily V8 collects (it lets garbage pile up when memory is free); to see what the
// export needs, cap the heap: `NODE_OPTIONS=--max-old-space-size=100 BENCH_ONLY=export npm run bench`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createCampaign, createDocumentClient, type Db, ensureTable, toBallotItem } from '@pingyi/data';
import { Campaign, type CastBallot } from '@pingyi/domain';
import { runExport } from '@pingyi/reports';
import { createS3Client } from '@pingyi/runtime';
import { startDynamoDbLocal } from '../packages/local/src/dynamodb-local.ts';
import { localClientConfig } from './runtime.ts';

const definition = Campaign.parse(
  JSON.parse(readFileSync(new URL('../examples/education-bureau.campaign.json', import.meta.url), 'utf8')),
);
const OPTIONS: Record<string, string[]> = {
  org: ['S', 'B', 'N', 'X'],
  member: ['S', 'B', 'N', 'X'],
  cadre: ['S', 'A', 'N', 'X'],
};

function randomBallot(n: number): CastBallot {
  const ratings: CastBallot['ratings'] = {};
  for (const s of definition.subjects) {
    const options = OPTIONS[s.kind] ?? ['S'];
    ratings[s.id] = { overall: options[(n * 7 + s.id.length) % options.length] ?? 'S' };
  }
  return {
    group: n % 2 ? 'party' : 'staff',
    ratings,
    commented: [],
    best: n % 3 ? ['教师培训'] : [],
    worst: [],
  };
}

async function seed(db: Db, campaign: string, count: number, offset: number) {
  let next = offset;
  async function worker() {
    while (next < offset + count) {
      const start = next;
      next += 25;
      const items = [];
      for (let n = start; n < Math.min(start + 25, offset + count); n++) {
        items.push({
          PutRequest: {
            Item: toBallotItem({
              campaign,
              ballotKey: `t.party.${n + 1}`,
              ballot: randomBallot(n),
              submissionId: `s-${Math.random()}`,
              secret: Buffer.from('secret'),
            }),
          },
        });
      }
      let request: Record<string, unknown[]> | undefined = { [db.tableName]: items };
      while (request && Object.keys(request).length > 0) {
        const { UnprocessedItems } = await db.client.send(
          new BatchWriteCommand({ RequestItems: request as never }),
        );
        request = UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
}

const mb = (bytes: number) => Math.round(bytes / 1048576);
/** JS heap and the buffers outside it (the upload's parts are Buffers, counted in `external`). */
const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;

/**
 * Peaks above a baseline taken after full GCs: RSS and heap+buffers sampled every 20 ms (both include garbage not
 * yet collected, so they vary with GC timing) and, with `live`, the live set: heap+buffers right after a full GC,
 * five times a second (node runs with --expose-gc). The live set is the figure that shows what the export holds in
 * flight; the forced GCs slow the export down, so the bench times another run without them.
 */
async function measureMemory(live: boolean) {
  // Buffers a GC frees are released a tick later: collect until the heap and the buffers settle
  for (let round = 0; round < 3; round++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = heapOf(base);
  let liveHeap = heap;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, heapOf(now));
  };
  const sampler = setInterval(sample, 20);
  const collector = setInterval(() => {
    if (!live || !global.gc) return;
    global.gc();
    liveHeap = Math.max(liveHeap, heapOf(process.memoryUsage()));
  }, 200);
  return {
    stop() {
      clearInterval(sampler);
      clearInterval(collector);
      sample();
      return {
        baseRssMb: mb(base.rss),
        peakRssMb: mb(rss - base.rss),
        baseHeapMb: mb(heapOf(base)),
        peakHeapMb: mb(heap - heapOf(base)),
        peakLiveMb: mb(liveHeap - heapOf(base)),
      };
    },
  };
}

/**
 * The local S3 server in a child process: in this one, its buffering of the uploaded parts would count as the
 * export's memory (an export function uploads to S3, it does not host it).
 */
async function startS3Apart(directory: string, bucket: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./s3-server.ts', import.meta.url).pathname, directory, bucket],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('the S3 server exited before it answered');
    }),
  ])) as [Buffer];
  return {
    endpoint: line.toString('utf8').trim(),
    async stop() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

export async function benchExportRaw(sizes = [10_000, 100_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'pingyi-bench-'));
  const dynamo = await startDynamoDbLocal();
  const s3Server = await startS3Apart(join(dir, 's3'), 'bench-reports');
  try {
    const config = localClientConfig(dynamo.endpoint);
    const tableName = `bench-${randomBytes(4).toString('hex')}`;
    await ensureTable(new DynamoDBClient(config), tableName);
    const db: Db = { client: createDocumentClient(config), tableName };
    const store = { s3: createS3Client('cn-north-1', s3Server.endpoint), bucket: 'bench-reports' };
    const rows: {
      ballots: number;
      seconds: number;
      rowsPerSecond: number;
      msPer1kRows: number;
      megabytes: number;
      baseRssMb: number;
      peakRssMb: number;
      baseHeapMb: number;
      peakHeapMb: number;
      peakLiveMb: number;
    }[] = [];
    for (const size of sizes) {
      const { id } = await createCampaign(db, definition, new Date());
      await seed(db, id, size, 0);
      const exportRaw = () =>
        runExport(db, store, { campaignId: id, trigger: 'manual', raw: true, now: new Date() });
      const memory = await measureMemory(false);
      const started = performance.now();
      const outcome = await exportRaw();
      const seconds = (performance.now() - started) / 1000;
      const peaks = memory.stop();
      // the same export again, for its live set only
      const live = await measureMemory(true);
      await exportRaw();
      const { peakLiveMb } = live.stop();
      const raw =
        outcome.outcome === 'exported' ? outcome.report.files.find((f) => f.format === 'raw-csv') : undefined;
      rows.push({
        ballots: size,
        seconds: Math.round(seconds * 100) / 100,
        rowsPerSecond: Math.round(size / seconds),
        msPer1kRows: Math.round((seconds * 1e6) / size) / 1000,
        megabytes: Math.round(((raw?.size ?? 0) / 1048576) * 10) / 10,
        ...peaks,
        peakLiveMb,
      });
    }
    return rows;
  } finally {
    await s3Server.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
