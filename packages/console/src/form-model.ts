// The form editor's model: a campaign definition as flat form fields (names are dotted paths such as
// `subjectKinds.0.items.2.label`) and back, and the schema's issues mapped to the field they are about. The
// definition is checked by the domain's own Campaign schema, so the editor applies exactly the API's rules.
import { Campaign, type CampaignInput } from '@pingyi/domain';
import * as z from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { fromLocalInput, toLocalInput } from './zoned.ts';

// The API's messages are Chinese (packages/api/src/app.tsx); the editor shows the same ones in any process.
z.config(zhCN());

export type Fields = Record<string, string | string[]>;

/** A definition the schema has not accepted yet: what the form holds, possibly with wrong types. */
export type Draft = Record<string, unknown>;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The fields that show a definition (or a draft read back from a form). */
export function fieldsOf(d: Draft): Fields {
  const f: Fields = {};
  const zone = str(d.timezone);
  const window = (d.window ?? {}) as Record<string, unknown>;
  f.title = str(d.title);
  f.organizer = str(d.organizer);
  f.timezone = zone;
  f.opensAt = localOf(window.opensAt, zone);
  f.closesAt = localOf(window.closesAt, zone);
  f.minValidBallots = str(d.minValidBallots ?? 5);
  Object.entries((d.scales ?? {}) as Record<string, { options?: Record<string, unknown>[] }>).forEach(
    ([id, scale], s) => {
      f[`scales.${s}.id`] = id;
      (scale.options ?? []).forEach((o, i) => {
        for (const key of ['id', 'label', 'category', 'score'])
          f[`scales.${s}.options.${i}.${key}`] = str(o[key]);
      });
    },
  );
  ((d.subjectKinds ?? []) as Record<string, unknown>[]).forEach((k, i) => {
    const overall = (k.overall ?? {}) as Record<string, unknown>;
    f[`subjectKinds.${i}.id`] = str(k.id);
    f[`subjectKinds.${i}.label`] = str(k.label);
    f[`subjectKinds.${i}.overall.label`] = str(overall.label);
    f[`subjectKinds.${i}.overall.scale`] = str(overall.scale);
    ((k.items ?? []) as Record<string, unknown>[]).forEach((item, j) => {
      for (const key of ['id', 'label', 'scale']) f[`subjectKinds.${i}.items.${j}.${key}`] = str(item[key]);
    });
  });
  ((d.groups ?? []) as Record<string, unknown>[]).forEach((g, i) => {
    for (const key of ['id', 'label', 'channel', 'weight']) f[`groups.${i}.${key}`] = str(g[key]);
    f[`groups.${i}.evaluates`] = Array.isArray(g.evaluates) ? g.evaluates.map(str) : [];
    f[`groups.${i}.evaluatesAll`] = Array.isArray(g.evaluates) ? '' : 'on';
  });
  const m = d.matters as Record<string, unknown> | undefined;
  f['matters.enabled'] = m ? 'on' : '';
  f['matters.bestPrompt'] = str(m?.bestPrompt);
  f['matters.worstPrompt'] = str(m?.worstPrompt);
  f['matters.options'] = Array.isArray(m?.options) ? m.options.map(str).join('\n') : '';
  f['matters.allowOther'] = m?.allowOther ? 'on' : '';
  f['matters.maxPicks'] = str(m?.maxPicks ?? (m ? 1 : ''));
  ((d.rules ?? []) as Record<string, unknown>[]).forEach((r, i) => {
    f[`rules.${i}.kind`] = str(r.kind);
    f[`rules.${i}.metric`] = str(r.metric);
    f[`rules.${i}.direction`] = r.below !== undefined ? 'below' : 'above';
    f[`rules.${i}.threshold`] = str(r.below ?? r.above);
    f[`rules.${i}.flag`] = str(r.flag);
  });
  return f;
}

function localOf(iso: unknown, zone: string): string {
  const text = str(iso);
  const at = new Date(text);
  if (!text || Number.isNaN(at.getTime())) return text;
  try {
    return toLocalInput(at, zone);
  } catch {
    return toLocalInput(at, 'Asia/Shanghai');
  }
}

/** How many rows of a repeated part the fields hold (the highest index plus one). */
export function rowsOf(f: Fields, prefix: string): number {
  let n = 0;
  const re = new RegExp(`^${prefix.replaceAll('.', '\\.')}\\.(\\d+)\\.`);
  for (const name of Object.keys(f)) {
    const m = re.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

const one = (f: Fields, name: string): string => {
  const v = f[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
};
const many = (f: Fields, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
};
/** A number typed in a field; a text that is not one is kept so the schema names the field. */
const num = (text: string): unknown =>
  text === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
const blank = (...values: string[]) => values.every((v) => v === '');
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

/**
 * The definition a posted form describes, with `subjects` (edited on their own page) and `openChannel` kept from
 * `base`. Rows left entirely empty are dropped: the form always offers one empty row to add another.
 */
export function draftOf(f: Fields, base: { subjects: unknown; openChannel?: unknown }): Draft {
  const zone = one(f, 'timezone');
  const at = (name: string) => {
    const local = one(f, name);
    try {
      return fromLocalInput(local, zone) ?? local;
    } catch {
      return local;
    }
  };
  const scales: Record<string, unknown> = {};
  for (let s = 0; s < rowsOf(f, 'scales'); s++) {
    const options = [];
    for (let i = 0; i < rowsOf(f, `scales.${s}.options`); i++) {
      const p = `scales.${s}.options.${i}`;
      const [id, label, category, score] = ['id', 'label', 'category', 'score'].map((k) =>
        one(f, `${p}.${k}`),
      ) as [string, string, string, string];
      if (blank(id, label, score)) continue;
      options.push(
        defined({ id, label, category, score: category === 'abstain' && !score ? undefined : num(score) }),
      );
    }
    const id = one(f, `scales.${s}.id`);
    if (id === '' && options.length === 0) continue;
    scales[id] = { options };
  }
  const subjectKinds = [];
  for (let k = 0; k < rowsOf(f, 'subjectKinds'); k++) {
    const p = `subjectKinds.${k}`;
    const items = [];
    for (let i = 0; i < rowsOf(f, `${p}.items`); i++) {
      const [id, label, scale] = ['id', 'label', 'scale'].map((x) => one(f, `${p}.items.${i}.${x}`)) as [
        string,
        string,
        string,
      ];
      if (blank(id, label)) continue;
      items.push({ id, label, scale });
    }
    const [id, label, overallLabel] = [one(f, `${p}.id`), one(f, `${p}.label`), one(f, `${p}.overall.label`)];
    if (blank(id, label, overallLabel) && items.length === 0) continue;
    subjectKinds.push({
      id,
      label,
      overall: { label: overallLabel, scale: one(f, `${p}.overall.scale`) },
      items,
    });
  }
  const groups = [];
  for (let g = 0; g < rowsOf(f, 'groups'); g++) {
    const p = `groups.${g}`;
    const [id, label, channel, weight] = ['id', 'label', 'channel', 'weight'].map((x) =>
      one(f, `${p}.${x}`),
    ) as [string, string, string, string];
    if (blank(id, label, weight)) continue;
    const all = one(f, `${p}.evaluatesAll`) === 'on';
    groups.push(
      defined({
        id,
        label,
        channel,
        weight: num(weight),
        evaluates: all ? undefined : many(f, `${p}.evaluates`),
      }),
    );
  }
  const rules = [];
  for (let r = 0; r < rowsOf(f, 'rules'); r++) {
    const p = `rules.${r}`;
    const [kind, metric, direction, threshold, flag] = [
      'kind',
      'metric',
      'direction',
      'threshold',
      'flag',
    ].map((x) => one(f, `${p}.${x}`)) as [string, string, string, string, string];
    if (blank(threshold, flag)) continue;
    rules.push({ kind, metric, [direction === 'below' ? 'below' : 'above']: threshold, flag });
  }
  const matters =
    one(f, 'matters.enabled') === 'on'
      ? defined({
          bestPrompt: one(f, 'matters.bestPrompt'),
          worstPrompt: one(f, 'matters.worstPrompt'),
          options: one(f, 'matters.options')
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean),
          allowOther: one(f, 'matters.allowOther') === 'on',
          maxPicks: num(one(f, 'matters.maxPicks')),
        })
      : undefined;
  return defined({
    title: one(f, 'title'),
    organizer: one(f, 'organizer'),
    timezone: zone,
    window: { opensAt: at('opensAt'), closesAt: at('closesAt') },
    scales,
    subjectKinds,
    subjects: base.subjects,
    groups,
    matters,
    minValidBallots: num(one(f, 'minValidBallots')),
    rules,
    openChannel: base.openChannel,
  });
}

/** The field (or part of the form) an issue's path is about: the nearest one of `known`, else '' (the page top). */
export function fieldOfIssue(path: PropertyKey[], draft: Draft, known: Set<string>): string {
  const parts = path.map(String);
  if (parts[0] === 'window') parts.splice(0, 2, parts[1] ?? 'opensAt');
  if (parts[0] === 'scales' && parts[1] !== undefined) {
    const index = Object.keys((draft.scales ?? {}) as object).indexOf(parts[1]);
    parts[1] = String(index);
    if (parts.length === 2) parts.push('id');
  }
  if (parts[0] === 'rules' && (parts[2] === 'above' || parts[2] === 'below' || parts.length === 2))
    parts.splice(2, 1, 'threshold');
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    if (known.has(name)) return name;
  }
  return '';
}

export interface Checked {
  draft: Draft;
  campaign?: Campaign;
  /** messages by field name; '' holds those about the whole definition */
  issues: Map<string, string[]>;
}

/** Every field name of a form and every part that holds fields (`subjectKinds.0.items`, `groups.1`, …). */
export function knownOf(fields: Fields): Set<string> {
  const known = new Set<string>();
  for (const name of Object.keys(fields)) {
    const parts = name.split('.');
    for (let n = 1; n <= parts.length; n++) known.add(parts.slice(0, n).join('.'));
  }
  return known;
}

/** Checks a draft with the domain schema and files each issue under the field of the form that shows it. */
export function check(draft: Draft): Checked {
  const known = knownOf(fieldsOf(draft));
  const parsed = Campaign.safeParse(draft);
  const issues = new Map<string, string[]>();
  if (parsed.success) return { draft, campaign: parsed.data, issues };
  for (const issue of parsed.error.issues) {
    const field = fieldOfIssue(issue.path, draft, known);
    issues.set(field, [...(issues.get(field) ?? []), issue.message]);
  }
  return { draft, issues };
}

/** The campaign file as the editor exports it: the definition as stored (defaults filled in), indented. */
export const exportFile = (campaign: Campaign | CampaignInput | Draft) =>
  `${JSON.stringify(campaign, null, 2)}\n`;
