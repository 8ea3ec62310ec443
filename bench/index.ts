// `npm run bench`: every benchmark, one run, printed as tables (figures and ratios measured in this run).
import { benchCalls } from './calls.ts';
import { benchColdStart } from './cold-start.ts';
import { benchCpu } from './cpu.ts';
import { benchExportRaw } from './export-raw.ts';
import { benchIngest, benchLag } from './ingest.ts';
import { benchMeeting } from './meeting.ts';
import { benchSdkCall } from './sdk-call.ts';

const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);

if (wanted('ingest')) {
  console.log(
    '\n## Ingest: POST /b/{token} through HTTP ÷ raw conditional PutItem, same DynamoDB Local (goal ≥ 0.8)',
  );
  const { ingest, statuses } = await benchIngest();
  console.table(ingest);
  console.log('HTTP statuses:', statuses);
}
if (wanted('lag')) {
  console.log(
    '\n## Aggregation lag: from 201 to counted in a consistent GET /results answer, burst at concurrency 64',
  );
  const { lag, statuses } = await benchLag();
  console.table([lag]);
  console.log('HTTP statuses:', statuses);
}
if (wanted('cpu')) {
  console.log(
    '\n## Node.js CPU per accepted ballot (/proc/<pid>/stat), windows of 1,200 ballots at concurrency 16, after 300 and after 3,000',
  );
  console.table(await benchCpu());
}
if (wanted('sdk')) {
  console.log(
    '\n## CPU of one ballot-shaped write: document client, low-level command, direct command (1,500 calls × 5 rounds, c16)',
  );
  console.table(await benchSdkCall());
}
if (wanted('calls')) {
  console.log('\n## DynamoDB calls (counted at the HTTP handler, by operation)');
  const { submit, aggregate } = await benchCalls();
  console.table(submit);
  console.table(aggregate);
}
if (wanted('export')) {
  console.log(
    '\n## Export of raw anonymized ballots (streamed CSV → multipart upload to the local S3 server), each in a fresh process with the V8 heap flags Lambda gives its memory size',
  );
  const rows = await benchExportRaw(
    process.env.BENCH_EXPORT_SIZES?.split(',').map(Number),
    process.env.BENCH_EXPORT_MEMORY?.split(',').map(Number),
  );
  console.table(rows);
  const ratio = (a: number, b: number) => (a / Math.max(b, 1e-9)).toFixed(2);
  for (const memory of new Set(rows.map((r) => r.lambdaMemoryMb))) {
    const of = rows.filter((r) => r.lambdaMemoryMb === memory);
    const [small, large] = [of[0], of[of.length - 1]];
    if (!small || !large || small === large) continue;
    console.log(
      `Lambda ${memory} MB: ballots ×${(large.ballots / small.ballots).toFixed(0)} → time ×${ratio(large.seconds, small.seconds)}, time per row ×${ratio(large.msPer1kRows, small.msPer1kRows)}; ` +
        `live set ×${ratio(large.peakLiveMb, Math.max(small.peakLiveMb, 1))}, ` +
        `peak heap+buffers ×${ratio(large.peakHeapMb, Math.max(small.peakHeapMb, 1))}, peak RSS ×${ratio(large.peakRssMb, Math.max(small.peakRssMb, 1))}`,
    );
  }
}
if (wanted('cold-start')) {
  console.log(
    '\n## Cold start: bundle sizes (loaded = the entry and the chunks it imports statically) and module-init time in a fresh Node process (median of 5)',
  );
  const { rows, apiInputs } = await benchColdStart();
  console.table(rows);
  console.log('What the api loads at a cold start (KB by package, biggest first):');
  console.table(apiInputs.slice(0, 15));
}
if (wanted('meeting')) {
  console.log(
    '\n## A meeting: 500 evaluators arrive within 40 s; page, script, 5–15 s to fill in, submit (all within 60 s)',
  );
  const { steps, summary, errors } = await benchMeeting();
  console.table(steps);
  console.log(summary, errors.length > 0 ? errors : '');
}
