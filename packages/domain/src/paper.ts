// Paper ballots (书面评议): the fields a clerk types for one group, one key per answer, and the comparison of a
// batch's two blind entries. Pure: the data package stores entries, the console draws the form.
import type { Ballot } from './ballot.ts';
import { type Campaign, type Group, kindOf, OVERALL, questionsOf, subjectsFor } from './campaign.ts';

/** The key a clerk presses for "not rated" (an item left blank on the slip); never for an overall question. */
export const NOT_RATED_KEY = '0';

export interface PaperField {
  /** the form field's name: `a.<subject>.<question>` */
  name: string;
  subject: string;
  subjectName: string;
  question: string;
  questionLabel: string;
  /** overall questions must be answered; items may be left blank (key 0) */
  required: boolean;
  /** key 1, 2, 3 … for the scale's options in order */
  options: { key: string; id: string; label: string }[];
}

/**
 * The fields of a paper ballot of one group, in the order of the printed form: per subject its overall question,
 * then its items. Scales have at most 9 options here, so one digit names each.
 */
export function paperFields(campaign: Campaign, group: Group): PaperField[] {
  return subjectsFor(campaign, group).flatMap((subject) =>
    questionsOf(campaign, kindOf(campaign, subject.kind)).map((q) => ({
      name: `a.${subject.id}.${q.id}`,
      subject: subject.id,
      subjectName: subject.name,
      question: q.id,
      questionLabel: q.label,
      required: q.id === OVERALL,
      options: q.scale.options.slice(0, 9).map((o, i) => ({ key: String(i + 1), id: o.id, label: o.label })),
    })),
  );
}

export interface PaperIssue {
  field: string;
  message: string;
}

/**
 * Turns the keys a clerk typed into a ballot body (the same shape an evaluator's phone posts), or says which field
 * is wrong. The ballot check (checkBallot) then runs on it exactly as on an online ballot.
 */
export function paperBallot(
  fields: PaperField[],
  keys: Record<string, string>,
): { ok: true; ballot: Ballot } | { ok: false; issues: PaperIssue[] } {
  const issues: PaperIssue[] = [];
  const answers: Ballot['answers'] = {};
  for (const f of fields) {
    const key = (keys[f.name] ?? '').trim();
    const where = `“${f.subjectName}”的“${f.questionLabel}”`;
    if (key === '' || key === NOT_RATED_KEY) {
      if (f.required) issues.push({ field: f.name, message: `${where}必须填写（按 1–${f.options.length}）` });
      continue;
    }
    const option = f.options.find((o) => o.key === key);
    if (!option) {
      issues.push({
        field: f.name,
        message: `${where}只能按 1–${f.options.length}${f.required ? '' : ' 或 0'}`,
      });
      continue;
    }
    const answer = (answers[f.subject] ??= {});
    if (f.question === OVERALL) answer.overall = option.id;
    else answer.items = { ...answer.items, [f.question]: option.id };
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, ballot: { answers } };
}

/** A stored entry's ratings: subject → question → option. */
export type PaperRatings = Record<string, Record<string, string>>;

export type PaperRow =
  | { serial: number; state: 'match'; ratings: PaperRatings }
  | {
      serial: number;
      state: 'mismatch';
      first: PaperRatings | undefined;
      second: PaperRatings | undefined;
      /** the fields (`<subject>.<question>`) where the two entries differ */
      differs: string[];
    }
  | { serial: number; state: 'resolved'; ratings: PaperRatings | undefined };

const sameRatings = (a: PaperRatings, b: PaperRatings) => differingFields(a, b).length === 0;

function differingFields(a: PaperRatings | undefined, b: PaperRatings | undefined): string[] {
  const out = new Set<string>();
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const [subject, questions] of Object.entries(x ?? {})) {
      for (const [question, option] of Object.entries(questions)) {
        if (y?.[subject]?.[question] !== option) out.add(`${subject}.${question}`);
      }
    }
  }
  return [...out].sort();
}

/**
 * Compares the two entries of a batch serial by serial. A serial typed in only one pass is a mismatch too; a
 * resolution (one entry chosen, or the serial dropped) settles a mismatch. The batch may count only when no row is a
 * mismatch.
 */
export function comparePaperEntries(
  first: Map<number, PaperRatings>,
  second: Map<number, PaperRatings>,
  resolved: Map<number, PaperRatings | undefined>,
): PaperRow[] {
  const serials = [...new Set([...first.keys(), ...second.keys(), ...resolved.keys()])].sort((a, b) => a - b);
  return serials.map((serial): PaperRow => {
    if (resolved.has(serial)) return { serial, state: 'resolved', ratings: resolved.get(serial) };
    const a = first.get(serial);
    const b = second.get(serial);
    if (a && b && sameRatings(a, b)) return { serial, state: 'match', ratings: a };
    return { serial, state: 'mismatch', first: a, second: b, differs: differingFields(a, b) };
  });
}
