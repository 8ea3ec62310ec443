// The tally: plain counters that ballots add to. Aggregates store it, a recount rebuilds it, results read it.
import type { CastBallot } from './ballot.ts';

/** option id (or matter text) → count */
export type Counts = Record<string, number>;

export interface GroupTally {
  /** question id → option id → count */
  questions: Record<string, Counts>;
}

export interface Tally {
  /** evaluator group → ballots received */
  ballots: Counts;
  /** subject → evaluator group → counts */
  subjects: Record<string, Record<string, GroupTally>>;
  /** subject → comments received; counted from the comment items, which carry no group (unlinkable) */
  comments: Counts;
  matters: { best: Counts; worst: Counts; otherBest: Counts; otherWorst: Counts };
}

/**
 * A map with no prototype. Its keys include free text a voter typed (其他), and a text such as "constructor",
 * "toString" or "__proto__" must count like any other, not read an inherited member of Object.prototype.
 */
const dictionary = <T>(): Record<string, T> => Object.create(null);

export function emptyTally(): Tally {
  return {
    ballots: dictionary(),
    subjects: dictionary(),
    comments: dictionary(),
    matters: { best: dictionary(), worst: dictionary(), otherBest: dictionary(), otherWorst: dictionary() },
  };
}

function bump(counts: Counts, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export function groupTally(tally: Tally, subject: string, group: string): GroupTally {
  const bySubject = (tally.subjects[subject] ??= dictionary());
  return (bySubject[group] ??= { questions: dictionary() });
}

/** Adds one ballot to a tally in place and returns the tally. */
export function addBallot(tally: Tally, ballot: CastBallot): Tally {
  bump(tally.ballots, ballot.group);
  for (const [subject, answers] of Object.entries(ballot.ratings)) {
    const target = groupTally(tally, subject, ballot.group);
    for (const [question, option] of Object.entries(answers))
      bump((target.questions[question] ??= dictionary()), option);
  }
  for (const subject of ballot.commented) bump(tally.comments, subject);
  for (const matter of ballot.best) bump(tally.matters.best, matter);
  for (const matter of ballot.worst) bump(tally.matters.worst, matter);
  if (ballot.otherBest) bump(tally.matters.otherBest, normalizeOther(ballot.otherBest));
  if (ballot.otherWorst) bump(tally.matters.otherWorst, normalizeOther(ballot.otherWorst));
  return tally;
}

/** Free-text matters are counted by their text; spacing differences should not split a count. */
export function normalizeOther(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

export function tallyOf(ballots: Iterable<CastBallot>): Tally {
  const tally = emptyTally();
  for (const ballot of ballots) addBallot(tally, ballot);
  return tally;
}

/** A tally from its JSON form (a stored final tally), rebuilt on maps without a prototype; non-numbers dropped. */
export function tallyFromJson(value: unknown): Tally {
  const tally = emptyTally();
  const object = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const copyCounts = (from: unknown, to: Counts) => {
    for (const [key, n] of Object.entries(object(from))) if (typeof n === 'number') to[key] = n;
  };
  const json = object(value);
  copyCounts(json.ballots, tally.ballots);
  for (const [subject, byGroup] of Object.entries(object(json.subjects))) {
    for (const [group, counts] of Object.entries(object(byGroup))) {
      const target = groupTally(tally, subject, group);
      const { questions } = object(counts);
      for (const [question, options] of Object.entries(object(questions)))
        copyCounts(options, (target.questions[question] ??= dictionary()));
    }
  }
  copyCounts(json.comments, tally.comments);
  const matters = object(json.matters);
  for (const side of ['best', 'worst', 'otherBest', 'otherWorst'] as const)
    copyCounts(matters[side], tally.matters[side]);
  return tally;
}
