import { describe, expect, it } from 'vitest';
import { neutralizeHidden, stripMisleading } from './text.ts';

describe('hidden characters', () => {
  it('strips controls and bidi overrides from campaign texts, and keeps everything else', () => {
    expect(stripMisleading('a\u202eb\u2067c\u0000d\u0085e')).toBe('abcde');
    expect(stripMisleading('县教育局 👨‍👩‍👧 ئۇيغۇرچە')).toBe('县教育局 👨‍👩‍👧 ئۇيغۇرچە');
  });

  it('shows them in free texts as visible marks, keeping line breaks and tabs', () => {
    expect(neutralizeHidden('好\u202e评\u200f')).toBe('好[U+202E]评[U+200F]');
    expect(neutralizeHidden('第一行\r\n第二行\t完')).toBe('第一行\r\n第二行\t完');
    expect(neutralizeHidden('\u0000')).toBe('[U+0000]');
  });
});
