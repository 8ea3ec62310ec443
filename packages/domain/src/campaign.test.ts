import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Campaign, openChannelQuota, quotaWindow, windowState } from './campaign.ts';

const raw = JSON.parse(
  readFileSync(new URL('../../../examples/education-bureau.campaign.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & { groups: object[]; subjects: object[]; rules: object[] };

const issuePaths = (input: unknown) => {
  const parsed = Campaign.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('campaign definition', () => {
  it('accepts the shipped education bureau campaign unchanged', () => {
    const campaign = Campaign.parse(raw);
    expect(campaign.subjects).toHaveLength(6);
    expect(campaign.minValidBallots).toBe(5);
  });

  it('names the path of a subject whose kind does not exist', () => {
    expect(
      issuePaths({ ...raw, subjects: [...raw.subjects, { id: 'x', kind: 'nope', name: '某' }] }),
    ).toEqual(['subjects.6.kind']);
  });

  it('rejects a window that closes before it opens', () => {
    const window = { opensAt: '2026-12-02T08:00:00+08:00', closesAt: '2026-12-01T08:00:00+08:00' };
    expect(issuePaths({ ...raw, window })).toEqual(['window.closesAt']);
  });

  it('rejects a time without an offset and an unknown time zone', () => {
    const window = { opensAt: '2026-12-01T08:00:00', closesAt: '2026-12-30T18:00:00+08:00' };
    expect(issuePaths({ ...raw, window, timezone: 'Mars/Olympus' }).sort()).toEqual([
      'timezone',
      'window.opensAt',
    ]);
  });

  it('rejects a rule with a malformed or improper fraction, or with both above and below', () => {
    const rule = { kind: 'org', metric: 'negativeRate', flag: 'x' };
    expect(issuePaths({ ...raw, rules: [{ ...rule, above: '0.33' }] })).toEqual(['rules.0.above']);
    expect(issuePaths({ ...raw, rules: [{ ...rule, above: '4/3' }] })).toEqual(['rules.0.above']);
    expect(issuePaths({ ...raw, rules: [{ ...rule, above: '1/0' }] })).toEqual(['rules.0.above']);
    expect(issuePaths({ ...raw, rules: [{ ...rule, above: '1/3', below: '1/2' }] })).toEqual(['rules.0']);
  });

  it('rejects duplicate ids and groups that evaluate an unknown kind', () => {
    const groups = [...raw.groups, { id: 'party', label: '重复', channel: 'token' }];
    expect(issuePaths({ ...raw, groups })).toEqual(['groups']);
    const evaluatesUnknown = [{ id: 'g', label: 'g', channel: 'open', evaluates: ['nope'] }];
    expect(issuePaths({ ...raw, groups: evaluatesUnknown })).toEqual(['groups.0.evaluates']);
  });

  it('requires a score on every option except abstain', () => {
    const scales = {
      s: {
        options: [
          { id: 'a', label: '满意', category: 'positive' },
          { id: 'x', label: '不了解', category: 'abstain' },
        ],
      },
    };
    expect(issuePaths({ ...raw, scales })).toContain('scales.s.options.0.score');
  });
});

describe('voting window', () => {
  const campaign = Campaign.parse(raw);
  it('is inside from opensAt up to, not including, closesAt', () => {
    expect(windowState(campaign, new Date('2026-12-01T07:59:59+08:00'))).toBe('before');
    expect(windowState(campaign, new Date('2026-12-01T08:00:00+08:00'))).toBe('inside');
    expect(windowState(campaign, new Date('2026-12-30T18:00:00+08:00'))).toBe('after');
  });
});

describe('open-channel quota', () => {
  it('defaults to 100 ballots per source a day when the file says nothing', () => {
    expect(openChannelQuota(Campaign.parse(raw))).toEqual({ perSource: 100, windowMinutes: 1440 });
  });

  it('takes the file’s settings and refuses nonsense', () => {
    const campaign = Campaign.parse({ ...raw, openChannel: { perSource: 800, windowMinutes: 60 } });
    expect(openChannelQuota(campaign)).toEqual({ perSource: 800, windowMinutes: 60 });
    expect(issuePaths({ ...raw, openChannel: { perSource: 0 } })).toEqual(['openChannel.perSource']);
    expect(issuePaths({ ...raw, openChannel: { windowMinutes: 1.5 } })).toEqual([
      'openChannel.windowMinutes',
    ]);
  });

  it('counts windows from the campaign’s opening, each one window long', () => {
    const campaign = Campaign.parse({ ...raw, openChannel: { windowMinutes: 60 } });
    const at = (iso: string) => quotaWindow(campaign, new Date(iso));
    expect(at('2026-12-01T08:00:00+08:00')).toEqual({
      start: new Date('2026-12-01T08:00:00+08:00'),
      end: new Date('2026-12-01T09:00:00+08:00'),
    });
    expect(at('2026-12-01T09:59:59.999+08:00').start).toEqual(new Date('2026-12-01T09:00:00+08:00'));
    expect(at('2026-12-01T10:00:00+08:00').start).toEqual(new Date('2026-12-01T10:00:00+08:00'));
  });
});

describe('campaign texts', () => {
  it('lose controls and bidi overrides, so a title cannot pose as another file type', () => {
    const campaign = Campaign.parse({
      ...raw,
      title: '评议\u202egnp.exe',
      organizer: '办公室\u0007\u2066',
      subjects: [...raw.subjects, { id: 'rtl', kind: 'org', name: '\u202d某单位\u202c' }],
    });
    expect(campaign.title).toBe('评议gnp.exe');
    expect(campaign.organizer).toBe('办公室');
    expect(campaign.subjects.at(-1)?.name).toBe('某单位');
  });

  it('refuses a text that is nothing but such characters', () => {
    expect(issuePaths({ ...raw, title: '\u202e\u202c' })).toEqual(['title']);
  });
});
