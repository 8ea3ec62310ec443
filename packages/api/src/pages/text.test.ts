import { describe, expect, it } from 'vitest';
import { fill, formatWindowEn, langOf } from './text.ts';

describe('page language', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['zh-TW;q=0.7,en-GB;q=0.8', 'en'],
    ['fr-FR,de;q=0.9', 'zh-CN'],
    ['fr-FR,en;q=0.5', 'en'],
    ['en;q=0,zh;q=0.1', 'zh-CN'],
    ['EN-us', 'en'],
  ])('reads %j as %s', (header, lang) => {
    expect(langOf(header)).toBe(lang);
  });
});

describe('page words', () => {
  it('fills known placeholders and leaves unknown ones for the script', () => {
    expect(fill('已评 {done} / {total}', { done: 3, total: 12 })).toBe('已评 3 / 12');
    expect(fill('{n} / {max} 字', { max: 500 })).toBe('{n} / 500 字');
  });

  it('writes the voting window in the offset the organizer used', () => {
    expect(
      formatWindowEn({ opensAt: '2026-12-01T08:00:00+08:00', closesAt: '2026-12-30T18:30:00+08:00' }),
    ).toBe('1 Dec 2026, 08:00 (UTC+8) to 30 Dec 2026, 18:30 (UTC+8)');
    expect(formatWindowEn({ opensAt: '2026-03-01T00:00:00Z', closesAt: '2026-03-10T00:00:00-05:30' })).toBe(
      '1 Mar 2026, 00:00 (UTC) to 10 Mar 2026, 00:00 (UTC-5:30)',
    );
  });
});
