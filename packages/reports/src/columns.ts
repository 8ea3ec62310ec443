// What a result row says, once: labels and values shared by the Excel, CSV and 公示 renderings.
import type { Verification } from '@pingyi/data';
import {
  type Campaign,
  kindOf,
  type OptionCategory,
  type QuestionResult,
  questionsOf,
  type Results,
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
