// axe-core in the browser tests: a page state passes when axe finds no WCAG 2.x level A or AA violation in it.
// Reusable by any page's tests: `await expectNoAxeViolations(page)` after bringing the page to the state to check.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what every page of the project promises. */
export const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface AxeCheck {
  /** axe tags to run @default WCAG_A_AA; add 'best-practice' for axe's other rules (landmarks, headings) */
  tags?: string[];
  /** CSS selectors of parts to leave out (say why where you call it) */
  exclude?: string[];
}

/**
 * Runs axe on the page as it is now and fails with one readable line per violation: rule, impact, what to fix,
 * and where. Also fails on contrast axe could not decide (`incomplete`), so text over an unknown background is
 * looked at rather than passed.
 */
export async function expectNoAxeViolations(page: Page, check: AxeCheck = {}): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(check.tags ?? WCAG_A_AA);
  for (const selector of check.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const lines = (entries: typeof results.violations) =>
    entries.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${n.target.join(' ')}`),
    );
  expect(lines(results.violations), `axe on ${page.url()}`).toEqual([]);
  const undecided = results.incomplete.filter((v) => v.id === 'color-contrast');
  expect(lines(undecided), `contrast axe could not decide on ${page.url()}`).toEqual([]);
  // a run that checked nothing would pass anything
  expect(results.passes.length).toBeGreaterThan(5);
}
