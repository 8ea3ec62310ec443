import { readFileSync } from 'node:fs';
import { Campaign, type CastBallot, computeResults, tallyOf } from '@pingyi/domain';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { publicRows, ruleConditionText } from './columns.ts';
import { paceChart, rateChart, renderNotice } from './notice.ts';

const campaign = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);
const vote = (ratings: CastBallot['ratings'], comment = false): CastBallot => ({
  group: 'party',
  ratings,
  commented: comment ? ['org-edu'] : [],
  best: [],
  worst: [],
  otherBest: '不该公开的自填',
});
const results = computeResults({
  campaignId: 'c1',
  campaign,
  status: 'closed',
  asOf: '2026-12-30T10:00:00Z',
  // org-edu: 3 valid (below the minimum 5) but all 满意; org-school: 5 valid, lower score
  tally: tallyOf([
    ...Array.from({ length: 3 }, () =>
      vote({ 'org-edu': { overall: 'S' }, 'org-school': { overall: 'B' } }, true),
    ),
    ...Array.from({ length: 2 }, () => vote({ 'org-school': { overall: 'N' } })),
  ]),
  issued: {},
});
const rowOf = (html: string, name: string) =>
  html.slice(html.indexOf(`<td>${name}`) - 30, html.indexOf('</tr>', html.indexOf(name)));

describe('公示 page', () => {
  it('hides the rates and rank of a subject under the minimum, and ranks the rest among themselves', () => {
    const html = renderNotice(campaign, results);
    expect(results.subjects.find((s) => s.id === 'org-edu')?.rank).toBe(1); // organizer view
    expect(rowOf(html, '县教育和科学技术局党委')).toContain('不公示比率');
    expect(rowOf(html, '县教育和科学技术局党委')).not.toContain('%');
    expect(rowOf(html, '县中学党支部')).toContain('<td class="num">1</td>');
    // listed after the published subject: its place in the list does not say it scored higher
    expect(html.indexOf('县中学党支部')).toBeLessThan(html.indexOf('县教育和科学技术局党委'));
  });

  it('shapes public rows once: published first in their public rank, the hidden after them', () => {
    const rows = publicRows(results, 'org');
    expect(rows.map((r) => [r.subject.id, r.rank, r.publishable])).toEqual([
      ['org-school', 1, true],
      ['org-edu', null, false],
    ]);
  });

  it('states a rule that fired by its condition, never its consequence', () => {
    expect(ruleConditionText({ flag: '诫勉谈话', metric: 'negativeRate', above: '1/3' })).toBe(
      '不满意率超过三分之一',
    );
    expect(ruleConditionText({ flag: 'x', metric: 'neutralOrNegativeRate', above: '1/2' })).toBe(
      '一般及不满意率超过二分之一',
    );
    expect(ruleConditionText({ flag: 'x', metric: 'positiveRate', below: '3/5' })).toBe('满意率低于3/5');
  });

  it('publishes no comment counts, no free texts and no rule consequences', () => {
    const html = renderNotice(campaign, results);
    expect(html).not.toContain('不该公开的自填');
    expect(html).not.toContain('诫勉谈话');
    expect(html).not.toMatch(/<script|<link/);
  });
});

describe('the charts', () => {
  // An SVG that is not well-formed XML draws nothing as an <img> (the console's board shows its charts that way).
  it('are well-formed SVG documents, CJK labels and font list included', () => {
    const rate = rateChart('基层党组织满意率', [{ name: '县教育局党委', rate: 0.875 }]);
    const pace = paceChart('每分钟投票（09:00–09:29）', [
      { label: '09:00', ballots: 3 },
      { label: '09:01', ballots: 0 },
    ]);
    for (const svg of [rate, pace]) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).toContain('Noto Sans CJK SC');
    }
    expect(rate).toContain('县教育局党委');
    expect(pace).toContain('09:00');
  });
});
