// Paper ballots: the fields of a group's slip, the keys typed turned into a ballot, and the comparison of two passes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBallot } from './ballot.ts';
import { Campaign } from './campaign.ts';
import { comparePaperEntries, type PaperRatings, paperBallot, paperFields } from './paper.ts';

const campaign = Campaign.parse(
  JSON.parse(
    readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
  ),
);
const groupOf = (id: string) => {
  const group = campaign.groups.find((g) => g.id === id);
  if (!group) throw new Error(`no group ${id}`);
  return group;
};

describe('paper ballot fields', () => {
  it('lists each subject the group rates, its overall question first, one key per option in order', () => {
    const fields = paperFields(campaign, groupOf('public'));
    expect(new Set(fields.map((f) => f.subject)).size).toBe(
      campaign.subjects.filter((s) => s.kind !== 'member').length,
    );
    expect(fields[0]).toMatchObject({ name: 'a.org-edu.overall', required: true });
    expect(fields[0]?.options.map((o) => `${o.key}${o.id}`)).toEqual(['1S', '2B', '3N', '4X']);
    expect(fields[1]?.required).toBe(false);
  });

  it('turns typed keys into a ballot the online check accepts, items left at 0 unrated', () => {
    const party = groupOf('party');
    const fields = paperFields(campaign, party);
    const keys = Object.fromEntries(fields.map((f) => [f.name, f.required ? '2' : '0']));
    keys['a.org-edu.p1'] = '3';
    const typed = paperBallot(fields, keys);
    if (!typed.ok) throw new Error('typed ballot refused');
    expect(typed.ballot.answers['org-edu']).toEqual({ overall: 'B', items: { p1: 'N' } });
    const checked = checkBallot(campaign, party, typed.ballot);
    expect(checked.ok).toBe(true);
  });

  it('refuses a missing overall answer and a key the scale lacks, naming the field', () => {
    const fields = paperFields(campaign, groupOf('party'));
    const keys = Object.fromEntries(fields.map((f) => [f.name, f.required ? '1' : '0']));
    keys['a.org-edu.overall'] = '0';
    keys['a.org-edu.p2'] = '5';
    const typed = paperBallot(fields, keys);
    expect(typed.ok).toBe(false);
    if (typed.ok) return;
    expect(typed.issues.map((i) => i.field)).toEqual(['a.org-edu.overall', 'a.org-edu.p2']);
    expect(typed.issues[0]?.message).toContain('必须填写');
  });
});

describe('comparing two passes', () => {
  it('matches equal entries, flags differing fields and one-sided serials, and lets a resolution settle them', () => {
    const first = new Map<number, PaperRatings>([
      [1, { a: { overall: 'S' } }],
      [2, { a: { overall: 'S', p1: 'B' } }],
      [3, { a: { overall: 'N' } }],
    ]);
    const second = new Map<number, PaperRatings>([
      [1, { a: { overall: 'S' } }],
      [2, { a: { overall: 'S' } }],
      [4, { a: { overall: 'B' } }],
    ]);
    const rows = comparePaperEntries(first, second, new Map([[3, undefined]]));
    expect(rows.map((r) => `${r.serial}:${r.state}`)).toEqual([
      '1:match',
      '2:mismatch',
      '3:resolved',
      '4:mismatch',
    ]);
    const two = rows[1];
    expect(two?.state === 'mismatch' && two.differs).toEqual(['a.p1']);
    const four = rows[3];
    expect(four?.state === 'mismatch' && four.first).toBeUndefined();
  });
});
