// The campaign definition (评议方案): schema, cross-reference checks and lookups used everywhere else.
import * as z from 'zod';
import { Fraction } from './fraction.ts';
import { stripMisleading } from './text.ts';

/** Ids appear in URLs, keys and spreadsheet headers: keep them short and plain. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, '只能包含字母、数字、- 和 _，且不超过 40 个字符')
  // Ids become keys of plain objects across the code (counts, results, reports): none may name a member
  // every object inherits, or a count for it would read that member instead of a number.
  .refine((id) => !(id in Object.prototype), '不能使用保留字（如 constructor、toString、valueOf）作为 id');

/** A campaign text: controls and bidi overrides are removed before it is trimmed and measured (see text.ts). */
const Text = (max: number) => z.string().overwrite(stripMisleading).trim().min(1).max(max);

export const OptionCategory = z.enum(['positive', 'neutral', 'negative', 'abstain']);
export type OptionCategory = z.infer<typeof OptionCategory>;

export const ScaleOption = z
  .object({
    id: Id,
    label: Text(20),
    category: OptionCategory,
    score: z.number().finite().min(0).max(1000).optional(),
  })
  .superRefine((option, ctx) => {
    if (option.category !== 'abstain' && option.score === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['score'],
        message: '除“不了解”类选项外，每个选项都需要分值 score',
      });
    }
  });
export type ScaleOption = z.infer<typeof ScaleOption>;

export const Scale = z.object({ options: z.array(ScaleOption).min(2).max(8) });
export type Scale = z.infer<typeof Scale>;

export const Question = z.object({ label: Text(100), scale: Id });
export const Item = z.object({ id: Id, label: Text(100), scale: Id });
export type Item = z.infer<typeof Item>;

export const SubjectKind = z.object({
  id: Id,
  label: Text(40),
  overall: Question,
  items: z.array(Item).max(20).default([]),
});
export type SubjectKind = z.infer<typeof SubjectKind>;

export const Subject = z.object({
  id: Id,
  kind: Id,
  name: Text(60),
  title: Text(60).optional(),
  unit: Text(60).optional(),
});
export type Subject = z.infer<typeof Subject>;

export const Channel = z.enum(['token', 'open', 'paper']);
export type Channel = z.infer<typeof Channel>;

export const Group = z.object({
  id: Id,
  label: Text(40),
  channel: Channel,
  weight: z.number().finite().positive().max(1_000_000).optional(),
  evaluates: z.array(Id).min(1).optional(),
});
export type Group = z.infer<typeof Group>;

export const Matters = z.object({
  options: z.array(Text(50)).max(50).default([]),
  allowOther: z.boolean().default(false),
  maxPicks: z.number().int().min(1).max(10).default(1),
  bestPrompt: Text(100).optional(),
  worstPrompt: Text(100).optional(),
});
export type Matters = z.infer<typeof Matters>;

export const Metric = z.enum(['negativeRate', 'neutralOrNegativeRate', 'positiveRate']);
export type Metric = z.infer<typeof Metric>;

export const Rule = z
  .object({
    kind: Id,
    metric: Metric,
    above: Fraction.optional(),
    below: Fraction.optional(),
    flag: Text(200),
  })
  .refine((rule) => (rule.above === undefined) !== (rule.below === undefined), {
    message: '每条规则必须且只能设置 above 或 below 之一',
  });
export type Rule = z.infer<typeof Rule>;

/**
 * Open-channel quota: at most `perSource` ballots accepted from one source (network address, kept as a keyed
 * digest) per `windowMinutes`, over all open groups of the campaign. Windows start at the campaign's opensAt. A
 * meeting hall or an office behind one address needs more than the default; phones on a carrier network rarely
 * share an address with another voter of the same campaign within a day.
 */
export const OpenChannel = z.object({
  perSource: z.number().int().min(1).max(1_000_000).optional(),
  windowMinutes: z
    .number()
    .int()
    .min(10)
    .max(366 * 1440)
    .optional(),
});
export type OpenChannel = z.infer<typeof OpenChannel>;

export const OPEN_CHANNEL_DEFAULTS = { perSource: 100, windowMinutes: 1440 } as const;

const Timezone = z.string().refine(isTimeZone, '不是有效的 IANA 时区（例如 Asia/Shanghai）');

const CampaignShape = z.object({
  title: Text(100),
  organizer: Text(100),
  timezone: Timezone,
  window: z.object({
    opensAt: z.iso.datetime({ offset: true }),
    closesAt: z.iso.datetime({ offset: true }),
  }),
  scales: z.record(Id, Scale),
  subjectKinds: z.array(SubjectKind).min(1).max(20),
  subjects: z.array(Subject).min(1).max(2000),
  groups: z.array(Group).min(1).max(50),
  matters: Matters.optional(),
  minValidBallots: z.number().int().min(0).max(100_000).default(5),
  rules: z.array(Rule).max(50).default([]),
  openChannel: OpenChannel.optional(),
});
/**
 * The largest definition, as compact JSON (UTF-8 bytes). A campaign is stored as one DynamoDB item, which holds
 * at most 400 KB; the schema's other limits alone allow several megabytes (2,000 subjects with long titles).
 */
export const CAMPAIGN_JSON_MAX = 350 * 1024;

function checkSize(c: z.output<typeof CampaignShape>, ctx: z.RefinementCtx): void {
  const bytes = new TextEncoder().encode(JSON.stringify(c)).length;
  if (bytes > CAMPAIGN_JSON_MAX) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `评议方案过大（约 ${Math.ceil(bytes / 1024)} KB，上限 ${CAMPAIGN_JSON_MAX / 1024} KB）：请精简评议对象的名称、职务、单位等文字，或分为多个评议活动`,
    });
  }
}

export const Campaign = CampaignShape.superRefine(checkReferences).superRefine(checkSize);
export type Campaign = z.infer<typeof Campaign>;
/** What a campaign file may leave out (defaults are filled in by parsing). */
export type CampaignInput = z.input<typeof Campaign>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function duplicates(ids: string[]): string[] {
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}

function checkReferences(c: z.output<typeof CampaignShape>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });

  if (Date.parse(c.window.opensAt) >= Date.parse(c.window.closesAt)) {
    issue(['window', 'closesAt'], '结束时间必须晚于开始时间');
  }
  for (const [name, scale] of Object.entries(c.scales)) {
    const ids = scale.options.map((o) => o.id);
    for (const dup of duplicates(ids)) issue(['scales', name, 'options'], `选项 id 重复：${dup}`);
    if (scale.options.every((o) => o.category === 'abstain')) {
      issue(['scales', name, 'options'], '至少需要一个计入有效票的选项');
    }
  }
  const kindIds = c.subjectKinds.map((k) => k.id);
  for (const dup of duplicates(kindIds)) issue(['subjectKinds'], `评议对象类别 id 重复：${dup}`);
  c.subjectKinds.forEach((kind, k) => {
    if (!(kind.overall.scale in c.scales)) {
      issue(['subjectKinds', k, 'overall', 'scale'], `未定义的评价等级：${kind.overall.scale}`);
    }
    kind.items.forEach((item, i) => {
      if (!(item.scale in c.scales))
        issue(['subjectKinds', k, 'items', i, 'scale'], `未定义的评价等级：${item.scale}`);
      if (item.id === OVERALL) issue(['subjectKinds', k, 'items', i, 'id'], `“${OVERALL}”是保留字`);
    });
    for (const dup of duplicates(kind.items.map((i) => i.id))) {
      issue(['subjectKinds', k, 'items'], `评议项目 id 重复：${dup}`);
    }
  });
  for (const dup of duplicates(c.subjects.map((s) => s.id))) issue(['subjects'], `评议对象 id 重复：${dup}`);
  c.subjects.forEach((subject, s) => {
    if (!kindIds.includes(subject.kind))
      issue(['subjects', s, 'kind'], `未定义的评议对象类别：${subject.kind}`);
  });
  for (const dup of duplicates(c.groups.map((g) => g.id))) issue(['groups'], `评议人类别 id 重复：${dup}`);
  c.groups.forEach((group, g) => {
    for (const kind of group.evaluates ?? []) {
      if (!kindIds.includes(kind)) issue(['groups', g, 'evaluates'], `未定义的评议对象类别：${kind}`);
    }
  });
  if (c.matters) {
    for (const dup of duplicates(c.matters.options)) issue(['matters', 'options'], `事项重复：${dup}`);
  }
  c.rules.forEach((rule, r) => {
    if (!kindIds.includes(rule.kind)) issue(['rules', r, 'kind'], `未定义的评议对象类别：${rule.kind}`);
  });
}

/** The question id of a kind's overall question; item ids may not take it. */
export const OVERALL = 'overall';

export function kindOf(campaign: Campaign, kindId: string): SubjectKind {
  const kind = campaign.subjectKinds.find((k) => k.id === kindId);
  if (!kind) throw new Error(`unknown subject kind ${kindId}`);
  return kind;
}

export function groupEvaluates(group: Group, kindId: string): boolean {
  return group.evaluates === undefined || group.evaluates.includes(kindId);
}

/** The subjects one evaluator group rates, in the campaign's order. */
export function subjectsFor(campaign: Campaign, group: Group): Subject[] {
  return campaign.subjects.filter((s) => groupEvaluates(group, s.kind));
}

/** The questions of a kind: the overall question first, then its items, each with its scale. */
export function questionsOf(
  campaign: Campaign,
  kind: SubjectKind,
): { id: string; label: string; scale: Scale }[] {
  return [
    { id: OVERALL, label: kind.overall.label, scale: scaleOf(campaign, kind.overall.scale) },
    ...kind.items.map((item) => ({ id: item.id, label: item.label, scale: scaleOf(campaign, item.scale) })),
  ];
}

export function scaleOf(campaign: Campaign, scaleId: string): Scale {
  const scale = campaign.scales[scaleId];
  if (!scale) throw new Error(`unknown scale ${scaleId}`);
  return scale;
}

/** Voting is possible only while the campaign is open and the clock is inside its window (评议时间). */
export function windowState(campaign: Campaign, now: Date): 'before' | 'inside' | 'after' {
  const t = now.getTime();
  if (t < Date.parse(campaign.window.opensAt)) return 'before';
  if (t >= Date.parse(campaign.window.closesAt)) return 'after';
  return 'inside';
}

/** The open-channel quota of a campaign, defaults filled in. */
export function openChannelQuota(campaign: Campaign): { perSource: number; windowMinutes: number } {
  return {
    perSource: campaign.openChannel?.perSource ?? OPEN_CHANNEL_DEFAULTS.perSource,
    windowMinutes: campaign.openChannel?.windowMinutes ?? OPEN_CHANNEL_DEFAULTS.windowMinutes,
  };
}

/** The quota window that holds `now`: windows follow each other from the campaign's opensAt. */
export function quotaWindow(campaign: Campaign, now: Date): { start: Date; end: Date } {
  const length = openChannelQuota(campaign).windowMinutes * 60_000;
  const opens = Date.parse(campaign.window.opensAt);
  const start = opens + Math.floor((now.getTime() - opens) / length) * length;
  return { start: new Date(start), end: new Date(start + length) };
}
