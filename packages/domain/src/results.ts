// Results math (评议结果): rates, group-weighted scores, ranks and rule flags, computed from a tally.
import {
  type Campaign,
  groupEvaluates,
  kindOf,
  type OptionCategory,
  OVERALL,
  questionsOf,
  type Rule,
  type Scale,
} from './campaign.ts';
import { exceeds, fallsBelow } from './fraction.ts';
import type { Counts, Tally } from './tally.ts';

export type CampaignStatus = 'draft' | 'open' | 'closed';

export interface GroupResult {
  counts: Counts;
  valid: number;
  /** Σ score·count / valid, rounded to 2 places; null without valid ballots */
  mean: number | null;
}

export interface QuestionResult {
  counts: Counts;
  /** ballots whose answer is not an abstain option (有效票) */
  valid: number;
  positiveRate: number | null; // 满意率
  neutralRate: number | null;
  negativeRate: number | null; // 不满意率
  neutralOrNegativeRate: number | null; // 一般及不满意率
  byGroup: Record<string, GroupResult>;
  /** Σ w_g·mean_g / Σ w_g over groups with valid ballots, rounded to 2 places */
  weightedScore: number | null;
}

export interface RuleFlag {
  flag: string;
  metric: Rule['metric'];
  above?: string;
  below?: string;
}

export interface SubjectResult {
  id: string;
  kind: string;
  name: string;
  title?: string;
  unit?: string;
  rank: number | null;
  overall: QuestionResult;
  items: Record<string, QuestionResult>;
  flags: RuleFlag[];
  /** false when the overall question has no valid ballots, so no rule could be evaluated */
  rulesEvaluated: boolean;
  /** fewer valid ballots than the campaign's minValidBallots: rates are not published (公示) */
  belowMinimum: boolean;
  comments: number;
}

export interface Results {
  campaignId: string;
  status: CampaignStatus;
  /** a rehearsal (试运行): every ballot counted here is test data, wiped before the formal opening */
  rehearsal?: true;
  asOf: string;
  ballots: number;
  turnout: Record<string, { ballots: number; issued: number | null }>;
  subjects: SubjectResult[];
  matters: {
    best: { option: string; count: number }[];
    worst: { option: string; count: number }[];
    otherBest: { text: string; count: number }[];
    otherWorst: { text: string; count: number }[];
  };
}

export interface ResultsInput {
  campaignId: string;
  campaign: Campaign;
  status: CampaignStatus;
  asOf: string;
  tally: Tally;
  /** codes issued per group (token and paper channels) */
  issued: Counts;
  /** the campaign runs as a rehearsal (试运行) */
  rehearsal?: boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Sums the counts of the options in one category. */
function countCategory(scale: Scale, counts: Counts, categories: OptionCategory[]): number {
  return scale.options
    .filter((o) => categories.includes(o.category))
    .reduce((sum, o) => sum + (counts[o.id] ?? 0), 0);
}

function share(part: number, valid: number): number | null {
  return valid === 0 ? null : part / valid;
}

function zeroCounts(scale: Scale): Counts {
  return Object.fromEntries(scale.options.map((o) => [o.id, 0]));
}

function groupResult(scale: Scale, counts: Counts): GroupResult & { exactMean: number | null } {
  const valid = countCategory(scale, counts, ['positive', 'neutral', 'negative']);
  const points = scale.options.reduce(
    (sum, o) => (o.category === 'abstain' ? sum : sum + (o.score ?? 0) * (counts[o.id] ?? 0)),
    0,
  );
  const exactMean = valid === 0 ? null : points / valid;
  return { counts, valid, mean: exactMean === null ? null : round2(exactMean), exactMean };
}

function questionResult(
  campaign: Campaign,
  scale: Scale,
  byGroupCounts: Record<string, Counts>,
): QuestionResult & { exactScore: number | null } {
  const counts = zeroCounts(scale);
  const byGroup: Record<string, GroupResult> = {};
  let weightSum = 0;
  let weighted = 0;
  for (const [groupId, groupCounts] of Object.entries(byGroupCounts)) {
    const full = { ...zeroCounts(scale), ...groupCounts };
    for (const [option, n] of Object.entries(full)) counts[option] = (counts[option] ?? 0) + n;
    const { exactMean, ...result } = groupResult(scale, full);
    byGroup[groupId] = result;
    if (exactMean !== null) {
      const weight = campaign.groups.find((g) => g.id === groupId)?.weight ?? 1;
      weightSum += weight;
      weighted += weight * exactMean;
    }
  }
  const valid = countCategory(scale, counts, ['positive', 'neutral', 'negative']);
  const positive = countCategory(scale, counts, ['positive']);
  const neutral = countCategory(scale, counts, ['neutral']);
  const negative = countCategory(scale, counts, ['negative']);
  const exactScore = weightSum === 0 ? null : weighted / weightSum;
  return {
    counts,
    valid,
    positiveRate: share(positive, valid),
    neutralRate: share(neutral, valid),
    negativeRate: share(negative, valid),
    neutralOrNegativeRate: share(neutral + negative, valid),
    byGroup,
    weightedScore: exactScore === null ? null : round2(exactScore),
    exactScore,
  };
}

/** Rule flags on the overall question's unweighted counts, with exact integer comparison (3·negative > valid). */
export function evaluateRules(rules: Rule[], scale: Scale, counts: Counts): RuleFlag[] {
  const valid = countCategory(scale, counts, ['positive', 'neutral', 'negative']);
  if (valid === 0) return [];
  const metricCount: Record<Rule['metric'], number> = {
    negativeRate: countCategory(scale, counts, ['negative']),
    neutralOrNegativeRate: countCategory(scale, counts, ['neutral', 'negative']),
    positiveRate: countCategory(scale, counts, ['positive']),
  };
  const flags: RuleFlag[] = [];
  for (const rule of rules) {
    const part = metricCount[rule.metric];
    const fires =
      (rule.above !== undefined && exceeds(part, valid, rule.above)) ||
      (rule.below !== undefined && fallsBelow(part, valid, rule.below));
    if (!fires) continue;
    const flag: RuleFlag = { flag: rule.flag, metric: rule.metric };
    if (rule.above !== undefined) flag.above = rule.above;
    if (rule.below !== undefined) flag.below = rule.below;
    flags.push(flag);
  }
  return flags;
}

/** Ranks by score, highest first; equal scores share a rank (1, 2, 2, 4); no score, no rank. */
export function rankScores(scores: (number | null)[]): (number | null)[] {
  // Float noise must not split a tie: scores are compared at 1e-9.
  const key = (x: number) => Math.round(x * 1e9);
  const present = scores.filter((s): s is number => s !== null).map(key);
  return scores.map((s) => (s === null ? null : 1 + present.filter((other) => other > key(s)).length));
}

export function computeResults(input: ResultsInput): Results {
  const { campaign, tally } = input;
  const subjects = campaign.subjects.map((subject) => {
    const kind = kindOf(campaign, subject.kind);
    const groups = campaign.groups.filter((g) => groupEvaluates(g, subject.kind));
    const bySubject = tally.subjects[subject.id] ?? {};
    const questions = questionsOf(campaign, kind).map((q) => {
      const byGroupCounts = Object.fromEntries(
        groups.map((g) => [g.id, bySubject[g.id]?.questions[q.id] ?? {}] as const),
      );
      return { id: q.id, scale: q.scale, result: questionResult(campaign, q.scale, byGroupCounts) };
    });
    const [overall, ...items] = questions;
    if (!overall || overall.id !== OVERALL) throw new Error('overall question missing');
    const { exactScore, ...overallResult } = overall.result;
    const rules = campaign.rules.filter((r) => r.kind === subject.kind);
    const result: SubjectResult & { exactScore: number | null } = {
      id: subject.id,
      kind: subject.kind,
      name: subject.name,
      rank: null,
      overall: overallResult,
      items: Object.fromEntries(items.map(({ id, result: { exactScore: _, ...r } }) => [id, r])),
      flags: evaluateRules(rules, overall.scale, overallResult.counts),
      rulesEvaluated: overallResult.valid > 0,
      belowMinimum: overallResult.valid < campaign.minValidBallots,
      comments: tally.comments[subject.id] ?? 0,
      exactScore,
    };
    if (subject.title) result.title = subject.title;
    if (subject.unit) result.unit = subject.unit;
    return result;
  });

  for (const kind of campaign.subjectKinds) {
    const ofKind = subjects.filter((s) => s.kind === kind.id);
    const ranks = rankScores(ofKind.map((s) => s.exactScore));
    ofKind.forEach((s, i) => {
      s.rank = ranks[i] ?? null;
    });
  }

  const turnout: Results['turnout'] = {};
  for (const group of campaign.groups) {
    turnout[group.id] = {
      ballots: tally.ballots[group.id] ?? 0,
      issued: group.channel === 'open' ? null : (input.issued[group.id] ?? 0),
    };
  }

  const options = campaign.matters?.options ?? [];
  const rankedOptions = (counts: Counts) =>
    options
      .map((option, order) => ({ option, count: counts[option] ?? 0, order }))
      .sort((a, b) => b.count - a.count || a.order - b.order)
      .map(({ option, count }) => ({ option, count }));
  const rankedTexts = (counts: Counts) =>
    Object.entries(counts)
      .map(([text, count]) => ({ text, count }))
      // Collation calls some distinct texts equal (control or ignorable characters): break such ties by code
      // units, so the order depends on the counts alone, not on the order a tally happened to be built in.
      .sort(
        (a, b) =>
          b.count - a.count ||
          a.text.localeCompare(b.text, 'zh-CN') ||
          (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
      );

  return {
    campaignId: input.campaignId,
    status: input.status,
    ...(input.rehearsal ? { rehearsal: true as const } : {}),
    asOf: input.asOf,
    ballots: Object.values(tally.ballots).reduce((a, b) => a + b, 0),
    turnout,
    subjects: subjects.map(({ exactScore: _, ...s }) => s),
    matters: {
      best: rankedOptions(tally.matters.best),
      worst: rankedOptions(tally.matters.worst),
      otherBest: rankedTexts(tally.matters.otherBest),
      otherWorst: rankedTexts(tally.matters.otherWorst),
    },
  };
}
