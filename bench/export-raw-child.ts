// One raw export in a process of its own, started with the V8 flags Lambda gives the export function (export-raw.ts):
// times it while sampling memory, then runs it again with forced GCs for its live set; prints the figures as JSON.
import { getHeapSpaceStatistics } from 'node:v8';
import { createDocumentClient, type Db } from '@pingyi/data';
import { runExport } from '@pingyi/reports';
import { createS3Client } from '@pingyi/runtime';
import { localClientConfig } from './runtime.ts';

export interface ExportJob {
  dynamoEndpoint: string;
  tableName: string;
  campaignId: string;
  s3Endpoint: string;
  bucket: string;
}

export interface ExportFigures {
  seconds: number;
  bytes: number;
  baseRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** the young generation's size at its largest (V8 grows it, up to the flags' semi-spaces, as the bytes allocated grow) */
  peakYoungMb: number;
  peakLiveMb: number;
  /** the live set's two parts at its peak: JS objects, and the Buffers outside the heap */
  liveHeapMb: number;
  liveBuffersMb: number;
  /** the live JS heap at its largest among the samples taken while no S3 call was in flight (no part uploading) */
  liveHeapIdleS3Mb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
/** JS heap and the buffers outside it (the upload's parts are Buffers, counted in `external`). */
const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;

async function settle() {
  // Buffers a GC frees are released a tick later: collect until the heap and the buffers settle
  for (let round = 0; round < 3; round++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}

const job = JSON.parse(process.env.BENCH_EXPORT_JOB ?? '') as ExportJob;
const db: Db = {
  client: createDocumentClient(localClientConfig(job.dynamoEndpoint)),
  tableName: job.tableName,
};
const store = { s3: createS3Client('cn-north-1', job.s3Endpoint), bucket: job.bucket };
// S3 calls in flight: during the scan only a part's upload (the other files are stored before it)
let s3InFlight = 0;
store.s3.middlewareStack.add(
  (next) => async (args) => {
    s3InFlight += 1;
    try {
      return await next(args);
    } finally {
      s3InFlight -= 1;
    }
  },
  { step: 'initialize', name: 'benchS3InFlight' },
);
const exportRaw = () =>
  runExport(db, store, { campaignId: job.campaignId, trigger: 'manual', raw: true, now: new Date() });

// Timed run: RSS and heap+buffers sampled every 20 ms (both include garbage V8 has not collected yet)
const base = await settle();
let rss = base.rss;
let heap = heapOf(base);
let young = 0;
const sample = () => {
  const now = process.memoryUsage();
  rss = Math.max(rss, now.rss);
  heap = Math.max(heap, heapOf(now));
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  young = Math.max(young, newSpace?.space_size ?? 0);
};
const sampler = setInterval(sample, 20);
const started = performance.now();
const outcome = await exportRaw();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
sample();

// Live run: heap+buffers right after a full GC, five times a second (the forced GCs slow it, so it is not timed)
const liveBase = await settle();
let live = { heapUsed: liveBase.heapUsed, external: liveBase.external };
let liveHeapIdleS3 = liveBase.heapUsed;
const collector = setInterval(() => {
  // twice: V8 frees a GC's dead ArrayBuffers on a background thread, and the next GC first waits for that
  global.gc?.();
  global.gc?.();
  const now = process.memoryUsage();
  if (heapOf(now) > live.heapUsed + live.external) live = { heapUsed: now.heapUsed, external: now.external };
  if (s3InFlight === 0) liveHeapIdleS3 = Math.max(liveHeapIdleS3, now.heapUsed);
}, 200);
await exportRaw();
clearInterval(collector);

const raw =
  outcome.outcome === 'exported' ? outcome.report.files.find((f) => f.format === 'raw-csv') : undefined;
const figures: ExportFigures = {
  seconds,
  bytes: raw?.size ?? 0,
  baseRssMb: mb(base.rss),
  peakRssMb: mb(rss - base.rss),
  peakHeapMb: mb(heap - heapOf(base)),
  peakYoungMb: mb(young),
  peakLiveMb: mb(live.heapUsed + live.external - heapOf(liveBase)),
  liveHeapMb: mb(live.heapUsed - liveBase.heapUsed),
  liveBuffersMb: mb(live.external - liveBase.external),
  liveHeapIdleS3Mb: mb(liveHeapIdleS3 - liveBase.heapUsed),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
