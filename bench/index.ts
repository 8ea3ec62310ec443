// `npm run bench`: every benchmark, one run, printed as tables (figures and ratios measured in this run).
import { benchExportRaw } from './export-raw.ts';

console.log('Export of raw anonymized ballots (streamed CSV → multipart upload to the local S3 server)');
const rows = await benchExportRaw(process.env.BENCH_EXPORT_SIZES?.split(',').map(Number));
console.table(rows);
const [small, large] = rows;
if (small && large) {
  console.log(
    `ballots ×${(large.ballots / small.ballots).toFixed(0)} → peak RSS above baseline ×${(large.peakRssMb / Math.max(small.peakRssMb, 1)).toFixed(2)}, time ×${(large.seconds / small.seconds).toFixed(2)}`,
  );
}
