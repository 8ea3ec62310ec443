import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Campaign } from './campaign.ts';
import {
  commentRef,
  dayIn,
  isOverdue,
  measureFromForm,
  problemOptions,
  problemText,
} from './rectification.ts';

const campaign = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);
const form = {
  description: '调整食堂采购与菜谱',
  problem: 'item:p1',
  owner: '张主任',
  deadline: '2026-12-10',
  status: 'planned',
};

describe('rectification measures', () => {
  it('are overdue from the day after the deadline in the campaign zone, and never once done', () => {
    const measure = { status: 'planned' as const, deadline: '2026-12-10' };
    expect(isOverdue(measure, new Date('2026-12-10T15:59:59Z'), 'Asia/Shanghai')).toBe(false); // 23:59:59 +08
    expect(isOverdue(measure, new Date('2026-12-10T16:00:00Z'), 'Asia/Shanghai')).toBe(true); // 12-11 00:00 +08
    expect(isOverdue(measure, new Date('2026-12-10T16:00:00Z'), 'UTC')).toBe(false);
    expect(isOverdue({ ...measure, status: 'done' }, new Date('2027-06-01T00:00:00Z'), 'Asia/Shanghai')).toBe(
      false,
    );
    expect(dayIn(new Date('2026-12-31T20:00:00Z'), 'Etc/GMT-14')).toBe('2027-01-01');
  });

  it("offer only the subject's own questions, the listed matters and its own comments as the problem", () => {
    const options = problemOptions(campaign, 'org-edu', ['食堂饭菜需要改进', '食堂饭菜需要改进']);
    expect(options.filter((o) => o.value.startsWith('item:')).map((o) => o.value)).toEqual([
      'item:overall',
      'item:p1',
      'item:p2',
      'item:p3',
      'item:p4',
      'item:p5',
    ]);
    expect(options.filter((o) => o.value.startsWith('matter:'))).toHaveLength(5);
    expect(options.filter((o) => o.value.startsWith('comment:'))).toEqual([
      { value: `comment:${commentRef('食堂饭菜需要改进')}`, label: '意见建议：食堂饭菜需要改进' },
    ]);
    expect(measureFromForm({ ...form, problem: 'item:d1' }, options)).toEqual({
      errors: ['请选择这条措施针对的问题'],
    });
    expect(problemText({ type: 'item', ref: 'p1' }, options)).toContain('评议内容：');
  });

  it('read a form into a measure, or say in Chinese what to fix', () => {
    const options = problemOptions(campaign, 'org-edu', []);
    expect(measureFromForm(form, options)).toEqual({
      input: { ...form, problem: { type: 'item', ref: 'p1' }, status: 'planned' },
    });
    const refused = measureFromForm(
      { ...form, owner: ' ', deadline: '2026-02-30', status: 'later' },
      options,
    );
    expect(refused).toEqual({ errors: ['请填写责任人', '日期无效', '请选择进展状态'] });
  });
});
