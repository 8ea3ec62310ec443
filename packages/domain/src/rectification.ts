// Rectification measures (整改措施): what one is, and when it is overdue. Overdue is never stored: it follows from the
// deadline, the status and the clock, so a measure done late stops being overdue and a planned one becomes overdue
// the day after its deadline without any job running.
import * as z from 'zod';
import { type Campaign, kindOf, questionsOf } from './campaign.ts';
import { stripMisleading } from './text.ts';

export const MeasureStatus = z.enum(['planned', 'in_progress', 'done'], { error: '请选择进展状态' });
export type MeasureStatus = z.infer<typeof MeasureStatus>;

export const MEASURE_STATUS_LABELS: Record<MeasureStatus, string> = {
  planned: '计划中',
  in_progress: '整改中',
  done: '已完成',
};

/** What a measure answers: an item of the subject's questionnaire, a least-satisfied matter, or one comment. */
export const ProblemType = z.enum(['item', 'matter', 'comment']);
export type ProblemType = z.infer<typeof ProblemType>;
export const PROBLEM_TYPE_LABELS: Record<ProblemType, string> = {
  item: '评议内容',
  matter: '群众最不满意的事项',
  comment: '意见建议',
};

const Text = (max: number, what: string) =>
  z
    .string()
    .overwrite(stripMisleading)
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}不能超过 ${max} 个字`);

/** A calendar day as the office writes it: 2027-01-31. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '请填写日期（年-月-日）')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    '日期无效',
  );

export const MeasureInput = z.object({
  description: Text(500, '整改措施'),
  problem: z.object({ type: ProblemType, ref: z.string().min(1, '请选择这条措施针对的问题').max(200) }),
  owner: Text(50, '责任人'),
  deadline: Day,
  status: MeasureStatus,
});
export type MeasureInput = z.infer<typeof MeasureInput>;

/** The calendar day an instant falls on in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** Overdue: not done, and the campaign's local day is past the deadline (the deadline day itself is still in time). */
export function isOverdue(
  measure: { status: MeasureStatus; deadline: string },
  now: Date,
  timeZone: string,
): boolean {
  return measure.status !== 'done' && dayIn(now, timeZone) > measure.deadline;
}

/**
 * A comment's reference in a measure: a hash of its text (FNV-1a, 64 bits), so a measure can name the comment it
 * answers without any stored id, and the same text always gives the same reference.
 */
export function commentRef(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export interface ProblemOption {
  /** the form value: `<type>:<ref>` */
  value: string;
  label: string;
}

const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** What a subject's measure may answer: its own questions, the least-satisfied matters, its own comments. */
export function problemOptions(campaign: Campaign, subjectId: string, comments: string[]): ProblemOption[] {
  const subject = campaign.subjects.find((s) => s.id === subjectId);
  if (!subject) return [];
  const questions = questionsOf(campaign, kindOf(campaign, subject.kind)).map((q) => ({
    value: `item:${q.id}`,
    label: `${PROBLEM_TYPE_LABELS.item}：${q.label}`,
  }));
  const matters = (campaign.matters?.options ?? []).map((m) => ({
    value: `matter:${m}`,
    label: `${PROBLEM_TYPE_LABELS.matter}：${m}`,
  }));
  const seen = new Set<string>();
  const own = comments.flatMap((text) => {
    const ref = commentRef(text);
    if (seen.has(ref)) return [];
    seen.add(ref);
    return [{ value: `comment:${ref}`, label: `${PROBLEM_TYPE_LABELS.comment}：${excerpt(text)}` }];
  });
  return [...questions, ...matters, ...own];
}

/** Reads a form's `<type>:<ref>` into a problem, or undefined when it is not one of the subject's options. */
export function problemOf(
  value: string,
  options: ProblemOption[],
): { type: ProblemType; ref: string } | undefined {
  if (!options.some((o) => o.value === value)) return undefined;
  const at = value.indexOf(':');
  const type = ProblemType.safeParse(value.slice(0, at));
  return type.success ? { type: type.data, ref: value.slice(at + 1) } : undefined;
}

/** How a problem reads for people who may see it (the organizer, the subject). */
export function problemText(problem: { type: ProblemType; ref: string }, options: ProblemOption[]): string {
  return (
    options.find((o) => o.value === `${problem.type}:${problem.ref}`)?.label ??
    PROBLEM_TYPE_LABELS[problem.type]
  );
}

/** A measure from a posted form (the console's and the feedback page's): the input, or what to fix, in Chinese. */
export function measureFromForm(
  fields: { description: string; problem: string; owner: string; deadline: string; status: string },
  options: ProblemOption[],
): { input: MeasureInput } | { errors: string[] } {
  const problem = problemOf(fields.problem, options);
  const parsed = MeasureInput.safeParse({
    description: fields.description,
    problem: problem ?? { type: 'item', ref: '' },
    owner: fields.owner,
    deadline: fields.deadline,
    status: fields.status,
  });
  const errors = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  if (!problem) errors.unshift('请选择这条措施针对的问题');
  return errors.length > 0 || !parsed.success ? { errors: [...new Set(errors)] } : { input: parsed.data };
}
