// Renders sample reports from a synthetic campaign of 240 ballots and pictures them for docs/images:
// the 公示 page in the tests' Chromium, and the Excel workbook through LibreOffice (PDF) and pdftoppm.
// The workbook part needs LibreOffice and poppler (Debian: libreoffice-calc-nogui poppler-utils) and is skipped,
// with a note, where they are missing. Both draw with the fonts npm installs. Run: npm run samples
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Campaign, type CastBallot, computeResults, tallyOf } from '@pingyi/domain';
import { renderNotice, renderWorkbook } from '@pingyi/reports';
import { fontConfigFile } from '../test/browser/chromium.ts';
import { launchChromium } from '../test/browser/harness.ts';

const root = new URL('..', import.meta.url).pathname;
const campaign = Campaign.parse(
  JSON.parse(readFileSync(join(root, 'examples/education-bureau.campaign.json'), 'utf8')),
);

/** A deterministic spread of opinions: each subject has its own leaning, so ranks and one flag appear. */
const leaning: Record<string, number[]> = {
  'org-edu': [70, 20, 8, 2],
  'org-school': [40, 20, 36, 4],
  'm-li': [60, 25, 5, 10],
  'm-wang': [3, 1, 0, 1],
  'c-chen': [55, 30, 10, 5],
  'c-zhao': [30, 35, 30, 5],
};
const ballots: CastBallot[] = [];
for (let n = 0; n < 240; n++) {
  const group = n % 5 === 0 ? 'public' : n % 2 ? 'party' : 'staff';
  const g = campaign.groups.find((x) => x.id === group);
  const ratings: CastBallot['ratings'] = {};
  for (const s of campaign.subjects) {
    if (g?.evaluates && !g.evaluates.includes(s.kind)) continue;
    const weights = leaning[s.id] ?? [1, 1, 1, 1];
    const total = weights.reduce((a, b) => a + b, 0);
    let r = ((n * 37 + s.id.length * 11) % total) + 0.5;
    const options = s.kind === 'cadre' ? ['S', 'A', 'N', 'X'] : ['S', 'B', 'N', 'X'];
    let pick = options[0] ?? 'S';
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) {
        pick = options[i] ?? pick;
        break;
      }
    }
    if (s.id === 'm-wang' && n > 4) continue;
    ratings[s.id] = { overall: pick };
  }
  const options = campaign.matters?.options ?? [];
  const best = [options[n % 7 < 3 ? 1 : n % 5] ?? ''];
  const worst = n % 3 ? [options[n % 4 < 2 ? 2 : (n + 3) % 5] ?? ''] : [];
  ballots.push({ group, ratings, commented: [], best, worst });
}
const results = computeResults({
  campaignId: 'demo0001',
  campaign,
  status: 'closed',
  asOf: '2026-12-30T18:00:00+08:00',
  tally: tallyOf(ballots),
  issued: { party: 130, staff: 110 },
});

const out = mkdtempSync(join(tmpdir(), 'pingyi-samples-'));
const html = join(out, 'notice.html');
writeFileSync(html, renderNotice(campaign, results));
const xlsx = join(out, 'results.xlsx');
writeFileSync(xlsx, await renderWorkbook({ campaign, results, comments: { 'org-edu': ['（示例意见）'] } }));

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 820, height: 1100 } });
await page.goto(`file://${html}`);
await page.screenshot({ path: join(root, 'docs/images/report-notice.png'), fullPage: true });
await browser.close();

console.log('rendered docs/images/report-notice.png');

const missing = ['soffice', 'pdftoppm'].filter((tool) => spawnSync(tool, ['-v']).error !== undefined);
if (missing.length > 0) {
  console.log(
    `skipped the workbook pictures: ${missing.join(' and ')} not found. Install LibreOffice and poppler ` +
      `(Debian: apt-get install libreoffice-calc-nogui poppler-utils) to render them; the workbook is in ${xlsx}`,
  );
  process.exit(0);
}
// LibreOffice reads fonts through fontconfig too: the same Noto Sans SC, whatever the machine has installed
execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', out, xlsx], {
  stdio: 'ignore',
  env: { ...process.env, FONTCONFIG_FILE: await fontConfigFile() },
});
// The top of the first two printed pages (cover, then the first subject kind), at a readable resolution.
for (const [pageNumber, name, height] of [
  [1, 'report-xlsx-cover', 420],
  [2, 'report-xlsx-orgs', 240],
] as const) {
  const target = join(out, name);
  const crop = ['-x', '0', '-y', '0', '-W', '1290', '-H', String(height)];
  const pages = ['-f', String(pageNumber), '-l', String(pageNumber), '-singlefile'];
  execFileSync('pdftoppm', ['-png', '-r', '110', ...pages, ...crop, join(out, 'results.pdf'), target]);
  renameSync(`${target}.png`, join(root, `docs/images/${name}.png`));
}
console.log(`rendered docs/images/report-xlsx-{cover,orgs}.png (sources in ${out})`);
