import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from './zoned.ts';

describe('times in a campaign zone', () => {
  it('read a form time in the campaign zone', () => {
    expect(fromLocalInput('2026-12-01T08:00', 'Asia/Shanghai')).toBe('2026-12-01T08:00:00+08:00');
    expect(fromLocalInput('2026-07-01T08:00', 'Europe/Berlin')).toBe('2026-07-01T08:00:00+02:00');
    expect(fromLocalInput('2026-12-01 08:00', 'Asia/Shanghai')).toBeUndefined();
  });

  it('show an instant as the zone’s wall clock', () => {
    expect(toLocalInput(new Date('2026-12-01T00:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-01T08:30');
  });
});
