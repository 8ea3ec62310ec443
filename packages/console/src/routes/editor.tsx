// Form editor routes: the definition as a form, saved under the editing rules (editing.ts) with the domain schema's
// checks and an audited before/after summary; the campaign file's import; and the ballot preview of each group.
import { type CampaignRecord, updateDefinition } from '@pingyi/data';
import { CAMPAIGN_JSON_MAX, type Campaign } from '@pingyi/domain';
import { Hono } from 'hono';
import { requireRole } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { type EditableCampaign, editableCampaign } from '../editing.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { check, type Draft, draftOf, type Fields, fieldsOf } from '../form-model.ts';
import { EditorPage } from '../pages/editor.tsx';
import { documentOf } from '../pages/layout.tsx';
import { actorOf, type ConsoleEnv, callApi, postedForm, signedIn } from '../request.ts';
import type { SignedIn } from '../session.ts';
import { fromLocalInput, toLocalInput } from '../zoned.ts';

/** The parts of a definition, as the audit trail names what an edit changed. */
const parts: [keyof Campaign, string][] = [
  ['title', '活动名称'],
  ['organizer', '组织单位'],
  ['timezone', '时区'],
  ['window', '评议时间'],
  ['scales', '评价等级'],
  ['subjectKinds', '评议对象类别与评议内容'],
  ['subjects', '评议对象'],
  ['groups', '评议人类别'],
  ['matters', '事项'],
  ['minValidBallots', '最少有效票'],
  ['rules', '结果规则'],
  ['openChannel', '公开渠道限额'],
];

/** What an edit changed, and a short account of those parts before and after. */
export function changeSummary(before: Campaign, after: Campaign) {
  const changed = parts.filter(([key]) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  const brief = (c: Campaign) =>
    changed
      .map(([key, label]) => {
        const v = c[key];
        if (typeof v === 'string' || typeof v === 'number') return `${label}=${v}`;
        if (key === 'window') return `${label}=${c.window.opensAt}～${c.window.closesAt}`;
        if (Array.isArray(v)) return `${label} ${v.length} 项`;
        if (key === 'scales') return `${label} ${Object.keys(c.scales).join('、')}`;
        return `${label}${v ? '已设置' : '未设置'}`;
      })
      .join('；')
      .slice(0, 500);
  return {
    changed: changed.map(([, label]) => label).join('、'),
    before: brief(before),
    after: brief(after),
  };
}

export function editorRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  const campaignFor = (s: SignedIn, id: string) => editableCampaign(deps, s, id);

  const page = (
    s: SignedIn,
    found: EditableCampaign,
    fields: Fields,
    issues: Map<string, string[]> = new Map(),
    notice?: string,
  ) =>
    documentOf(
      <EditorPage
        signedIn={s}
        record={found.record}
        access={found.access}
        editable={found.rules}
        fields={fields}
        issues={issues}
        notice={notice}
      />,
    );

  /** A campaign from scratch: the smallest valid draft, to fill in with the form editor and the subject import. */
  app.post('/campaigns/blank', async (c) => {
    const { signedIn: s } = await postedForm(c);
    requireRole(s.account, 'admin', 'organizer');
    const start = new Date(Math.ceil(deps.now().getTime() / 3_600_000) * 3_600_000);
    const zone = 'Asia/Shanghai';
    const at = (d: Date) => fromLocalInput(toLocalInput(d, zone), zone);
    const { id } = await callApi<{ id: string }>(deps, s, 'POST', '/api/campaigns', {
      title: '新的评议活动',
      organizer: '（请填写组织单位）',
      timezone: zone,
      window: { opensAt: at(start), closesAt: at(new Date(start.getTime() + 14 * 86_400_000)) },
      scales: {
        satisfaction: {
          options: [
            { id: 'S', label: '满意', category: 'positive', score: 100 },
            { id: 'B', label: '基本满意', category: 'positive', score: 80 },
            { id: 'N', label: '不满意', category: 'negative', score: 0 },
            { id: 'X', label: '不了解', category: 'abstain' },
          ],
        },
      },
      subjectKinds: [{ id: 'unit', label: '单位', overall: { label: '总体评价', scale: 'satisfaction' } }],
      subjects: [{ id: 's0001', kind: 'unit', name: '（示例对象：请在“评议对象”中导入名单）' }],
      groups: [{ id: 'staff', label: '干部职工', channel: 'token' }],
    });
    return c.redirect(`/console/campaigns/${id}/edit`, 303);
  });

  app.get('/campaigns/:id/edit', async (c) => {
    const s = signedIn(c);
    const found = await campaignFor(s, c.req.param('id'));
    const notice = c.req.query('done') === 'saved' ? '评议方案已保存，修改已记入操作记录。' : undefined;
    return c.html(page(s, found, fieldsOf(found.record.definition), new Map(), notice));
  });

  /** Saves a draft definition if the schema accepts it; otherwise the form again with each message at its field. */
  async function save(s: SignedIn, found: EditableCampaign, draft: Draft) {
    if (!found.rules.definition) throw new ConflictError(found.rules.reason);
    const checked = check(draft);
    if (!checked.campaign) return { fields: fieldsOf(draft), issues: checked.issues };
    await saveDefinition(found.record, checked.campaign, s);
    return undefined;
  }

  async function saveDefinition(record: CampaignRecord, next: Campaign, s: SignedIn) {
    const summary = changeSummary(record.definition, next);
    if (!summary.changed) return;
    await updateDefinition(deps.db, record, next, summary, deps.now(), actorOf(s));
  }

  app.post('/campaigns/:id/edit', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const found = await campaignFor(s, c.req.param('id'));
    const fields: Fields = {};
    for (const [name, v] of Object.entries(form)) {
      if (name === '_csrf') continue;
      const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      fields[name] = name.endsWith('.evaluates') ? values : (values[0] ?? '');
    }
    const refused = await save(s, found, draftOf(fields, found.record.definition));
    if (refused) return c.html(page(s, found, refused.fields, refused.issues), 400);
    return c.redirect(`/console/campaigns/${found.record.id}/edit?done=saved`, 303);
  });

  app.post('/campaigns/:id/edit/import', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const found = await campaignFor(s, c.req.param('id'));
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) throw new InvalidInputError('请选择评议方案文件');
    if (file.size > CAMPAIGN_JSON_MAX) throw new InvalidInputError('方案文件过大');
    let draft: Draft;
    try {
      draft = JSON.parse(await file.text()) as Draft;
    } catch {
      throw new InvalidInputError('方案文件不是有效的 JSON，请检查文件内容');
    }
    if (typeof draft !== 'object' || draft === null || Array.isArray(draft))
      throw new InvalidInputError('方案文件的内容应是一个评议方案对象');
    const refused = await save(s, found, draft);
    if (refused) return c.html(page(s, found, refused.fields, refused.issues), 400);
    return c.redirect(`/console/campaigns/${found.record.id}/edit?done=saved`, 303);
  });

  app.get('/campaigns/:id/preview/:group', async (c) => {
    const s = signedIn(c);
    const found = await campaignFor(s, c.req.param('id'));
    const groupId = c.req.param('group');
    if (!deps.ballotPreview || !found.record.definition.groups.some((g) => g.id === groupId))
      throw new NotFoundError('没有这个评议人类别');
    const preview = deps.ballotPreview(found.record.definition, groupId);
    c.header('Content-Security-Policy', preview.csp);
    return c.html(preview.html);
  });

  return app;
}
