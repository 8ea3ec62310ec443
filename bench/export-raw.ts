// Benchmark: export N raw ballots (anonymized CSV, streamed to the local S3 server): time and memory.
// Run through `npm run bench` (`BENCH_EXPORT_SIZES=10000,100000`, `BENCH_EXPORT_MEMORY=1769,256`). Each export runs in
// a fresh process (export-raw-child.ts) started with the V8 heap flags Lambda's Node.js runtime derives from a
// function's memory size, so 10k and 100k start alike and V8 keeps garbage as it would on Lambda: first the export
// function's size as deployed, then a 256 MB function, the same flags for every number of ballots. The live set
// (after forced GCs) is what the export holds; the sampled peaks add the garbage V8 has not collected yet, which its
// young generation (up to a twentieth of the memory size per semi-space) lets grow with the bytes allocated.
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
import { startDynamoDbLocal } from '../packages/local/src/dynamodb-local.ts';
import type { ExportFigures, ExportJob } from './export-raw-child.ts';
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

/** The export function's memory size, as deployed (infra/lib/report-export.ts). */
export const EXPORT_MEMORY_MB = Number(
  /memorySize: (\d+)/.exec(
    readFileSync(new URL('../infra/lib/report-export.ts', import.meta.url), 'utf8'),
  )?.[1],
);

/**
 * The V8 heap flags Lambda's Node.js runtime starts a function with (its /var/runtime/bootstrap): a tenth of the
 * memory size for the young generation, half of that per semi-space, the rest for the old generation.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/** One export in a fresh process with Lambda's heap flags for `memoryMb` (export-raw-child.ts). */
async function exportApart(job: ExportJob, memoryMb: number): Promise<ExportFigures> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...lambdaHeapFlags(memoryMb),
      '--import',
      'tsx',
      new URL('./export-raw-child.ts', import.meta.url).pathname,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_EXPORT_JOB: JSON.stringify(job) } },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the export process exited with ${code}`);
  return JSON.parse(out) as ExportFigures;
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

/**
 * Exports `sizes` ballots, each export in a fresh process started as Lambda starts the export function, for each of
 * `memories` (MB: Lambda sizes V8's heap from it, so the same code keeps more or less garbage).
 */
export async function benchExportRaw(sizes = [10_000, 100_000], memories = [EXPORT_MEMORY_MB, 256]) {
  const dir = mkdtempSync(join(tmpdir(), 'pingyi-bench-'));
  const dynamo = await startDynamoDbLocal();
  const s3Server = await startS3Apart(join(dir, 's3'), 'bench-reports');
  try {
    const config = localClientConfig(dynamo.endpoint);
    const tableName = `bench-${randomBytes(4).toString('hex')}`;
    await ensureTable(new DynamoDBClient(config), tableName);
    const db: Db = { client: createDocumentClient(config), tableName };
    const rows: ({ lambdaMemoryMb: number; ballots: number; msPer1kRows: number; megabytes: number } & Omit<
      ExportFigures,
      'bytes'
    >)[] = [];
    for (const size of sizes) {
      const { id } = await createCampaign(db, definition, new Date());
      await seed(db, id, size, 0);
      const job: ExportJob = {
        dynamoEndpoint: dynamo.endpoint,
        tableName,
        campaignId: id,
        s3Endpoint: s3Server.endpoint,
        bucket: 'bench-reports',
      };
      for (const memoryMb of memories) {
        const { bytes, ...figures } = await exportApart(job, memoryMb);
        rows.push({
          lambdaMemoryMb: memoryMb,
          ballots: size,
          ...figures,
          seconds: Math.round(figures.seconds * 100) / 100,
          msPer1kRows: Math.round((figures.seconds * 1e6) / size) / 1000,
          megabytes: Math.round((bytes / 1048576) * 10) / 10,
        });
      }
    }
    return rows;
  } finally {
    await s3Server.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
