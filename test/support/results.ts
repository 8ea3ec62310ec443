// Results answers in tests: the counts of a live answer, after checking that its ballots per minute add up to them.
import { expect } from 'vitest';

/**
 * A live results answer without `pace`, which is not part of any recount (ballots store no time); the pace must
 * hold every counted ballot, in some minute, in the same consistent cut as the counts.
 */
export function countsOf(answer: Record<string, unknown>): Record<string, unknown> {
  const { pace, ...counts } = answer;
  const perMinute = (pace ?? []) as { minute: string; ballots: number }[];
  expect(perMinute.reduce((n, p) => n + p.ballots, 0)).toBe(answer.ballots);
  return counts;
}
