// The ballot page posts a plain HTML form; this turns its fields into the same shape as the JSON ballot.
//
// Field names: a.<subject> (overall), a.<subject>.<item>, c.<subject> (comment), best, worst (repeatable),
// otherBest, otherWorst, submissionId. Ids cannot contain '.', so the split is unambiguous.
import type { Ballot } from '@pingyi/domain';

type FormValue = string | File | (string | File)[];

const texts = (value: FormValue | undefined): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );

export function ballotFromForm(form: Record<string, FormValue>): Record<string, unknown> {
  // A Map, not an object: a field named a.__proto__ or a.constructor must not reach Object.prototype.
  const answers = new Map<string, { overall?: string; items?: Record<string, string>; comment?: string }>();
  const answerOf = (subject: string) => {
    let answer = answers.get(subject);
    if (!answer) answers.set(subject, (answer = {}));
    return answer;
  };
  for (const [name, value] of Object.entries(form)) {
    const [text] = texts(value);
    if (text === undefined || text === '') continue;
    const [prefix, subject, item, ...rest] = name.split('.');
    if (!subject || rest.length > 0) continue;
    if (prefix === 'a' && item === undefined) answerOf(subject).overall = text;
    if (prefix === 'a' && item !== undefined) {
      const answer = answerOf(subject);
      answer.items = { ...answer.items, [item]: text };
    }
    if (prefix === 'c' && item === undefined && text.trim() !== '') answerOf(subject).comment = text;
  }
  const ballot: Record<string, unknown> = {
    answers: Object.fromEntries(answers),
    matters: {
      best: texts(form.best),
      worst: texts(form.worst),
      otherBest: texts(form.otherBest)[0] ?? '',
      otherWorst: texts(form.otherWorst)[0] ?? '',
    },
  };
  const [submissionId] = texts(form.submissionId);
  if (submissionId) ballot.submissionId = submissionId;
  return ballot;
}

/** What a re-rendered page shows as already chosen: a loose view of a (possibly invalid) ballot. */
export interface FormValues {
  answers: Record<string, { overall?: string; items?: Record<string, string>; comment?: string }>;
  best: string[];
  worst: string[];
  otherBest: string;
  otherWorst: string;
}

export function formValuesOf(ballot: Record<string, unknown>): FormValues {
  const b = ballot as Partial<Ballot> & { matters?: Partial<NonNullable<Ballot['matters']>> };
  return {
    answers: (b.answers ?? {}) as FormValues['answers'],
    best: b.matters?.best ?? [],
    worst: b.matters?.worst ?? [],
    otherBest: b.matters?.otherBest ?? '',
    otherWorst: b.matters?.otherWorst ?? '',
  };
}
