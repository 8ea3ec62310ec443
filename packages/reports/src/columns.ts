// What a result row says, once: labels and values shared by the Excel, CSV and 公示 renderings.
import type { Verification } from '@pingyi/data';
import {
  type Campaign,
  kindOf,
  type OptionCategory,
  type QuestionResult,
  questionsOf,
  type Results,
  type RuleFlag,
  rankScores,
  type SubjectResult,
  scaleOf,
} from '@pingyi/domain';

export const STATUS_LABELS: Record<Results['status'], string> = {
  draft: '未开始',
  open: '进行中',
  closed: '已结束',
};
export const CHANNEL_LABELS: Record<string, string> = { token: '二维码', open: '公开链接', paper: '纸质' };

/** The option labels of a kind's overall question, in the scale's order. */
export function overallOptions(
  campaign: Campaign,
  kindId: string,
): { id: string; label: string; category: OptionCategory }[] {
  return scaleOf(campaign, kindOf(campaign, kindId).overall.scale).options;
}

/** Whether a kind's overall scale has a neutral option (一般): then 一般及不满意率 is the telling rate. */
export function hasNeutral(campaign: Campaign, kindId: string): boolean {
  return overallOptions(campaign, kindId).some((o) => o.category === 'neutral');
}

/** Subjects of one kind in rank order (unranked last, then in the campaign's order). */
export function rankedSubjects(results: Results, kindId: string): SubjectResult[] {
  return results.subjects
    .map((s, order) => ({ s, order }))
    .filter(({ s }) => s.kind === kindId)
    .sort(
      (a, b) =>
        (a.s.rank ?? Number.MAX_SAFE_INTEGER) - (b.s.rank ?? Number.MAX_SAFE_INTEGER) || a.order - b.order,
    )
    .map(({ s }) => s);
}

export const flagText = (subject: SubjectResult) =>
  subject.rulesEvaluated ? subject.flags.map((f) => f.flag).join('；') : '无有效票，规则未评估';

export const minimumNote = (campaign: Campaign, subject: SubjectResult) =>
  subject.belowMinimum ? `有效票不足 ${campaign.minValidBallots} 张，比率不予公示` : '';

/** Percent text for people: 90.00%, or a dash when there is nothing to divide. */
export const percentText = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);
export const scoreText = (score: number | null) => (score === null ? '—' : score.toFixed(2));

/** Every question of every subject, with its result, for item-level tables. */
export function questionRows(campaign: Campaign, results: Results) {
  return results.subjects.flatMap((subject) => {
    const kind = kindOf(campaign, subject.kind);
    return questionsOf(campaign, kind).map((q) => {
      const result: QuestionResult | undefined = q.id === 'overall' ? subject.overall : subject.items[q.id];
      return { subject, kind, question: q, result };
    });
  });
}

/**
 * A file name safe on every desktop: the campaign title without path characters, controls, or invisible format
 * characters (a right-to-left override would show `评议gnp.exe-….xlsx` as `评议xslx.…-exe.png`).
 */
/** What every report of a rehearsal (试运行) says on it: its counts are test data. */
export const REHEARSAL_MARK = '试运行（测试数据，不是正式评议结果）';

export function fileStem(campaign: Campaign): string {
  const visible = campaign.title.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
  return visible.replace(/[\\/:*?"<>|]/g, '').slice(0, 60) || '评议';
}

export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** 计票核对: what a closing report says about its count, on the cover and the 公示 page. */
export function verificationText(v: Verification): string {
  if (v.agreed) return `逐票复核 ${v.ballots} 张，与实时统计一致`;
  const live =
    v.live === null
      ? '实时统计未能给出一致的读数'
      : `实时统计为 ${v.live} 张，有 ${v.differences} 项计数与复核不一致`;
  return `逐票复核 ${v.ballots} 张；${live}，本报告以逐票复核结果为准`;
}

/** A subject as a publication may show it: rank among the published only, and rates only at the minimum. */
export interface PublicRow {
  subject: SubjectResult;
  /** rank among the subjects whose rates are published; null when its rates are not */
  rank: number | null;
  /** false under the campaign's minValidBallots (or without valid ballots): no rates, no rank, no verdict */
  publishable: boolean;
}

/**
 * The rows of one subject kind for any publication (the 公示 file, the public page): ranks among what is published,
 * so a hidden subject leaves no gap that hints at its place, and listed after the published ones.
 */
export function publicRows(results: Results, kindId: string): PublicRow[] {
  const subjects = rankedSubjects(results, kindId);
  const publishable = subjects.filter((s) => !s.belowMinimum && s.overall.positiveRate !== null);
  const ranks = new Map(
    rankScores(publishable.map((s) => s.overall.weightedScore)).map((rank, i) => [publishable[i]?.id, rank]),
  );
  const rows = subjects.map((subject) => ({
    subject,
    rank: ranks.get(subject.id) ?? null,
    publishable: ranks.has(subject.id),
  }));
  // published first in their public rank; the hidden after them in the campaign's order, so that neither a gap
  // nor a place in the list hints at how a hidden subject scored
  const order = new Map(results.subjects.map((s, i) => [s.id, i]));
  return [
    ...rows.filter((r) => r.publishable),
    ...rows
      .filter((r) => !r.publishable)
      .sort((a, b) => (order.get(a.subject.id) ?? 0) - (order.get(b.subject.id) ?? 0)),
  ];
}

const METRIC_WORDS: Record<RuleFlag['metric'], string> = {
  negativeRate: '不满意率',
  neutralOrNegativeRate: '一般及不满意率',
  positiveRate: '满意率',
};
const FRACTION_WORDS: Record<string, string> = {
  '1/2': '二分之一',
  '1/3': '三分之一',
  '2/3': '三分之二',
  '1/4': '四分之一',
};

/**
 * A rule that fired, as a publication may state it: the condition (不满意率超过三分之一), never the consequence the
 * campaign attached to it (诫勉谈话 …), which the office decides and announces itself.
 */
export function ruleConditionText(flag: RuleFlag): string {
  const bound = flag.above ?? flag.below ?? '';
  return `${METRIC_WORDS[flag.metric]}${flag.above ? '超过' : '低于'}${FRACTION_WORDS[bound] ?? bound}`;
}
