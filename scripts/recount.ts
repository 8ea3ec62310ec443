// `npm run recount -- <campaignId> [--repair] [--force]`: recount a campaign from its ballots, report any drift
// from the live aggregates, and with --repair set the aggregates to the recount (closed campaigns only, unless
// --force). Locally it finds DynamoDB Local through .data/runtime.json (written by npm start); on AWS set
// PINGYI_TABLE and AWS_REGION (and credentials) as for the functions.
import { parseArgs } from 'node:util';
import { readAggregateItems, recountCampaign, requireCampaign } from '@pingyi/data';
import { opsTarget } from './ops-db.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { repair: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } },
});
const [campaignId] = positionals;
if (!campaignId) {
  console.error('用法 usage: npm run recount -- <campaignId> [--repair] [--force]');
  process.exit(2);
}

const { db } = opsTarget();

const campaign = await requireCampaign(db, campaignId);
if (values.repair && campaign.status !== 'closed' && !values.force) {
  console.error(
    `评议活动 ${campaignId} 仍在进行（${campaign.status}）：修复只在结束后进行，或加 --force（确认没有选票正在到达）`,
  );
  process.exit(2);
}
if (values.repair) {
  // A stream still delivering would race the repair: wait until the aggregates hold still.
  const before = JSON.stringify(await readAggregateItems(db, campaignId));
  await new Promise((r) => setTimeout(r, 2000));
  if (JSON.stringify(await readAggregateItems(db, campaignId)) !== before) {
    console.error('汇总数据仍在变化（数据流尚未处理完）：请稍后再试');
    process.exit(3);
  }
}
const report = await recountCampaign(db, campaignId, values.repair);
const ballots = Object.values(report.recount.ballots).reduce((a, b) => a + b, 0);
console.log(
  `campaign ${campaignId}: ${ballots} ballots recounted, ${report.drift.length} counter(s) drifting`,
);
for (const d of report.drift)
  console.log(`  ${d.item} ${d.counter}: aggregate ${d.aggregate}, recount ${d.recount}`);
if (values.repair) console.log(`repaired ${report.repaired} aggregate item(s)`);
process.exit(report.drift.length > 0 && !values.repair ? 1 : 0);
