// The 公示 page: a self-contained printable HTML notice of what may be published. No comments, no free texts,
// no rule consequences, and no rates for a subject with fewer valid ballots than the campaign's minimum.
import type { Verification } from '@pingyi/data';
import type { Campaign, Results, SubjectResult } from '@pingyi/domain';
import * as echarts from 'echarts';
import {
  formatTime,
  hasNeutral,
  percentText,
  publicRows,
  REHEARSAL_MARK,
  scoreText,
  verificationText,
} from './columns.ts';

// Single quotes: ECharts writes the family into a double-quoted style attribute, where a double quote ends it and
// leaves an SVG that is not XML (an image of it never draws).
const FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

/** A horizontal bar chart of a rate per subject, rendered to an inline SVG string on the server. */
export function rateChart(title: string, rows: { name: string; rate: number }[]): string {
  const height = 70 + rows.length * 34;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 680, height });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    grid: { left: 150, right: 60, top: 40, bottom: 20 },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisLabel: { width: 140, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => Math.round(r.rate * 10000) / 100),
        itemStyle: { color: '#b3261e' },
        label: { show: true, position: 'right', formatter: '{c}%' },
        barMaxWidth: 20,
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Ballots per minute as vertical bars (the console's live board), rendered to an inline SVG string. */
export function paceChart(title: string, rows: { label: string; ballots: number }[]): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 680, height: 220 });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { interval: 4 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', data: rows.map((r) => r.ballots), itemStyle: { color: '#1d4f91' }, barMaxWidth: 16 },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function rateCells(campaign: Campaign, s: SubjectResult, neutral: boolean): string {
  if (s.belowMinimum) {
    return `<td colspan="${neutral ? 4 : 3}" class="note">有效票不足 ${campaign.minValidBallots} 张，不公示比率</td>`;
  }
  const cells = [
    percentText(s.overall.positiveRate),
    percentText(s.overall.negativeRate),
    ...(neutral ? [percentText(s.overall.neutralOrNegativeRate)] : []),
    scoreText(s.overall.weightedScore),
  ];
  return cells.map((c) => `<td class="num">${c}</td>`).join('');
}

export function renderNotice(campaign: Campaign, results: Results, verification?: Verification): string {
  const asOf = formatTime(results.asOf, campaign.timezone);
  const sections = campaign.subjectKinds.map((kind) => {
    const neutral = hasNeutral(campaign, kind.id);
    const kindRows = publicRows(results, kind.id);
    const rows = kindRows
      .map(
        ({ subject: s, rank }) =>
          `<tr><td class="num">${rank ?? '—'}</td><td>${escapeHtml(s.name)}</td><td>${escapeHtml(
            [s.title, s.unit].filter(Boolean).join('，'),
          )}</td><td class="num">${s.overall.valid}</td>${rateCells(campaign, s, neutral)}</tr>`,
      )
      .join('');
    const publishable = kindRows.filter((r) => r.publishable).map((r) => r.subject);
    const chart =
      publishable.length > 0
        ? `<figure>${rateChart(
            `${kind.label}满意率`,
            publishable.map((s) => ({ name: s.name, rate: s.overall.positiveRate ?? 0 })),
          )}</figure>`
        : '';
    return `<section><h2>${escapeHtml(kind.label)}</h2><table><thead><tr><th>排名</th><th>评议对象</th><th>职务/单位</th><th>有效票</th><th>满意率</th><th>不满意率</th>${
      neutral ? '<th>一般及不满意率</th>' : ''
    }<th>综合得分</th></tr></thead><tbody>${rows}</tbody></table>${chart}</section>`;
  });

  const matterList = (title: string, list: { option: string; count: number }[]) =>
    list.length === 0
      ? ''
      : `<div class="matters"><h3>${escapeHtml(title)}</h3><ol>${list
          .filter((m) => m.count > 0)
          .map((m) => `<li>${escapeHtml(m.option)}（${m.count} 票）</li>`)
          .join('')}</ol></div>`;
  const matters = campaign.matters
    ? `<section><h2>群众满意与不满意事项</h2>${matterList(campaign.matters.bestPrompt ?? '最满意的事项', results.matters.best)}${matterList(
        campaign.matters.worstPrompt ?? '最不满意的事项',
        results.matters.worst,
      )}</section>`
    : '';

  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${results.rehearsal ? '【试运行】' : ''}${escapeHtml(campaign.title)} 评议结果公示</title>
<style>
@page{size:A4;margin:18mm 15mm}
body{font-family:${FONT};color:#111;max-width:190mm;margin:0 auto;padding:12px;line-height:1.6}
h1{text-align:center;font-size:22px;margin:8px 0 4px}h2{font-size:17px;border-left:4px solid #b3261e;padding-left:8px;margin:22px 0 8px}
h3{font-size:15px;margin:10px 0 4px}.lead{text-indent:2em}.meta{text-align:center;color:#444;font-size:13px}
table{width:100%;border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #777;padding:4px 6px}
th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}td.note{color:#555;text-align:center}
figure{margin:8px 0;text-align:center}svg{max-width:100%;height:auto}.matters ol{margin:0;padding-left:2em}
.rehearsal{border:3px solid #8a4b00;background:#fff4d6;color:#3d2600;font-weight:700;text-align:center;padding:6px;font-size:16px}
section{break-inside:avoid-page}footer{margin-top:28px;text-align:right}.hint{font-size:12px;color:#555}
@media print{body{padding:0}h2{break-after:avoid}}
</style></head><body>${results.rehearsal ? `\n<p class="rehearsal" id="rehearsal">${REHEARSAL_MARK}</p>` : ''}
<h1>${escapeHtml(campaign.title)}<br>评议结果公示</h1>
<p class="meta">统计截至 ${escapeHtml(asOf)} · 收回评议表 ${results.ballots} 份</p>${
    verification ? `\n<p class="meta">计票核对：${escapeHtml(verificationText(verification))}</p>` : ''
  }
<p class="lead">根据评议工作安排，现将评议结果予以公示。满意率、不满意率按有效票计算（“不了解”不计入有效票）；综合得分按各评议人类别的权重加权。</p>
${sections.join('\n')}
${matters}
<p class="hint">有效票少于 ${campaign.minValidBallots} 张的评议对象不公示比率与排名。意见建议已转交各评议对象，不予公开。</p>
<footer>${escapeHtml(campaign.organizer)}<br>${escapeHtml(asOf.slice(0, 11))}</footer>
</body></html>
`;
}
