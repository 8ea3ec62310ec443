import type { Campaign } from '@pingyi/domain';
import { describe, expect, it } from 'vitest';
import { fileStem } from './columns.ts';
import { csvCell } from './csv.ts';

describe('hidden characters in reports', () => {
  it('keeps a file name free of invisible format characters, whatever an old stored title holds', () => {
    // Definitions parsed today lose these already; a stem must not depend on that.
    const campaign = { title: '评议\u202egnp.exe\u200f\u2028' } as Campaign;
    expect(fileStem(campaign)).toBe('评议gnp.exe');
  });

  it('shows a voter’s bidi override in a CSV cell as a visible mark, still defusing formulas', () => {
    expect(csvCell('好评\u202egnp.exe')).toBe('好评[U+202E]gnp.exe');
    expect(csvCell('=1+1\u2066')).toBe("'=1+1[U+2066]");
    expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"');
  });
});
