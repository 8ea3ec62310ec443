// The ballot (评议表): its wire schema, the check against one campaign and group, and the stored form.
import * as z from 'zod';
import { type Campaign, type Group, kindOf, OVERALL, scaleOf, subjectsFor } from './campaign.ts';

export const COMMENT_MAX = 500;
export const OTHER_MAX = 50;
export const BALLOT_BODY_MAX = 64 * 1024;

/** Counts what a reader sees as characters (an emoji is one), not UTF-16 units. */
const chars = (text: string) => [...text].length;

/**
 * Free text as it is stored and counted: a lone UTF-16 surrogate (JSON can carry "\ud800") becomes U+FFFD.
 * Otherwise two different broken texts would count apart in a recount but together in the aggregates, whose
 * keys are hashed as UTF-8; and DynamoDB accepts only valid UTF-8.
 */
const wellFormed = (text: string) => text.replace(/\p{Cs}/gu, '\uFFFD');

export const SubmissionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'submissionId 须为 16–64 位字母、数字、- 或 _');

export const Answer = z.strictObject({
  overall: z.string().max(40).optional(),
  items: z.record(z.string().max(40), z.string().max(40)).optional(),
  comment: z
    .string()
    .optional()
    .refine((text) => text === undefined || chars(text) <= COMMENT_MAX, `意见建议不能超过 ${COMMENT_MAX} 字`),
});
export type Answer = z.infer<typeof Answer>;

export const MattersAnswer = z.strictObject({
  best: z.array(z.string().max(50)).max(50).default([]),
  worst: z.array(z.string().max(50)).max(50).default([]),
  otherBest: z.string().optional(),
  otherWorst: z.string().optional(),
});

export const Ballot = z.strictObject({
  answers: z.record(z.string().max(40), Answer),
  matters: MattersAnswer.optional(),
  submissionId: SubmissionId.optional(),
});
export type Ballot = z.infer<typeof Ballot>;

/** A ballot that passed every check, as it is stored and counted. Comments travel apart from ratings. */
export interface CastBallot {
  group: string;
  /** subject id → question id (OVERALL or an item id) → option id */
  ratings: Record<string, Record<string, string>>;
  /** subjects this ballot commented on: counted, while the texts are stored apart */
  commented: string[];
  best: string[];
  worst: string[];
  otherBest?: string;
  otherWorst?: string;
}
export interface CastComment {
  subject: string;
  text: string;
}

export interface BallotIssue {
  path: (string | number)[];
  message: string;
}

export type BallotCheck =
  | { ok: true; ballot: CastBallot; comments: CastComment[] }
  | { ok: false; issues: BallotIssue[] };

const hasOption = (campaign: Campaign, scale: string, option: string) =>
  scaleOf(campaign, scale).options.some((o) => o.id === option);

/** Checks a ballot against this campaign and the voter's group; every message is plain Chinese for the voter. */
export function checkBallot(campaign: Campaign, group: Group, ballot: Ballot): BallotCheck {
  const issues: BallotIssue[] = [];
  const subjects = subjectsFor(campaign, group);
  const subjectIds = new Set(subjects.map((s) => s.id));
  for (const id of Object.keys(ballot.answers)) {
    if (!subjectIds.has(id)) issues.push({ path: ['answers', id], message: '评议对象不在本次评议范围内' });
  }

  // Every ballot takes this path: it reads the campaign as it is, without building per-subject maps or copies (they
  // cost allocations per ballot and made this function the costliest one for V8 to optimize, `node --trace-opt`).
  const ratings: CastBallot['ratings'] = {};
  const comments: CastComment[] = [];
  for (const subject of subjects) {
    const answer = ballot.answers[subject.id];
    if (!answer?.overall) {
      issues.push({ path: ['answers', subject.id, OVERALL], message: `请对“${subject.name}”作出总体评价` });
      continue;
    }
    const kind = kindOf(campaign, subject.kind);
    // The overall answer comes from `overall` only: an item named like it is an unknown item, not an override.
    const rated: Record<string, string> = {};
    if (hasOption(campaign, kind.overall.scale, answer.overall)) rated[OVERALL] = answer.overall;
    else
      issues.push({
        path: ['answers', subject.id, OVERALL],
        message: `“${subject.name}”的“${kind.overall.label}”选项无效`,
      });
    for (const [id, option] of Object.entries(answer.items ?? {})) {
      const item = id === OVERALL ? undefined : kind.items.find((i) => i.id === id);
      const at = ['answers', subject.id, 'items', id];
      if (!item) issues.push({ path: at, message: `“${subject.name}”没有这一评议项目` });
      else if (!hasOption(campaign, item.scale, option))
        issues.push({ path: at, message: `“${subject.name}”的“${item.label}”选项无效` });
      else rated[id] = option;
    }
    ratings[subject.id] = rated;
    const text = answer.comment && wellFormed(answer.comment).trim();
    if (text) comments.push({ subject: subject.id, text });
  }

  const matters = ballot.matters ?? { best: [], worst: [] };
  const best = [...new Set(matters.best)];
  const worst = [...new Set(matters.worst)];
  const otherBest = (matters.otherBest && wellFormed(matters.otherBest).trim()) || undefined;
  const otherWorst = (matters.otherWorst && wellFormed(matters.otherWorst).trim()) || undefined;
  const allowed = campaign.matters;
  for (const [side, picks, other] of [
    ['best', best, otherBest],
    ['worst', worst, otherWorst],
  ] as const) {
    const label = side === 'best' ? '最满意的事项' : '最不满意的事项';
    const otherKey = side === 'best' ? 'otherBest' : 'otherWorst';
    for (const pick of picks) {
      if (!allowed?.options.includes(pick)) {
        issues.push({ path: ['matters', side], message: `“${pick}”不在可选事项中` });
      }
    }
    const maxPicks = allowed?.maxPicks ?? 0;
    if (picks.length > maxPicks) {
      issues.push({ path: ['matters', side], message: `${label}最多选 ${maxPicks} 项` });
    }
    if (other && !allowed?.allowOther)
      issues.push({ path: ['matters', otherKey], message: `本次评议不接受自填${label}` });
    if (other && chars(other) > OTHER_MAX) {
      issues.push({ path: ['matters', otherKey], message: `自填${label}不能超过 ${OTHER_MAX} 字` });
    }
  }
  for (const pick of best.filter((p) => worst.includes(p))) {
    issues.push({ path: ['matters'], message: `“${pick}”不能同时是最满意和最不满意的事项` });
  }

  if (issues.length > 0) return { ok: false, issues };
  const cast: CastBallot = {
    group: group.id,
    ratings,
    commented: comments.map((c) => c.subject),
    best,
    worst,
  };
  if (otherBest) cast.otherBest = otherBest;
  if (otherWorst) cast.otherWorst = otherWorst;
  return { ok: true, ballot: cast, comments };
}
