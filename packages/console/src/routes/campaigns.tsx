// Campaign routes of the console: list, create from a template or a file, the campaign page and its tabs, open,
// close with a confirmation, issue codes, share. Changes go through the JSON API as the signed-in account.
import {
  listAccounts,
  listAudit,
  listCampaigns,
  RehearsalWipeError,
  requireCampaign,
  shareCampaign,
} from '@pingyi/data';
import { CAMPAIGN_JSON_MAX } from '@pingyi/domain';
import { Hono } from 'hono';
import { accessTo, requireAccess, requireRole } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { ApiAnswerError, InvalidInputError } from '../errors.ts';
import { templates } from '../examples.ts';
import {
  CampaignAuditPage,
  CampaignListPage,
  CloseConfirmPage,
  DefinitionPage,
  IssuedCodesPage,
  NewCampaignPage,
  type NewCampaignValues,
  OverviewPage,
  type ResultsAnswer,
  SharePage,
  WipeConfirmPage,
} from '../pages/campaigns.tsx';
import { documentOf } from '../pages/layout.tsx';
import { slipsOf } from '../qr.ts';
import {
  actorOf,
  type ConsoleEnv,
  callApi,
  type Form,
  postedForm,
  signedIn,
  text,
  texts,
} from '../request.ts';
import type { SignedIn } from '../session.ts';
import { fromLocalInput, toLocalInput } from '../zoned.ts';

const notices: Record<string, string> = {
  created: '评议活动已创建（草稿）。检查无误后点击“开始评议”。',
  opened: '评议已开始。在评议时间内，评议码和公开链接可以提交评议表。',
  closed: '评议已结束。最终报告正在生成，稍后可在“报告”中下载。',
  shared: '共享设置已保存。',
  reopened: '评议已重新开放，原因已记入操作记录；结束时的报告已标记为已被取代。',
  rehearsing: '试运行已开始：收到的评议表都标为测试数据。演练结束后请“结束评议”，再“清除试运行数据”。',
  wiped:
    '试运行数据已全部清除（评议票、意见、统计、报告），活动回到草稿。试运行中用过的评议码已作废，未用的评议码仍然有效。',
};

const TEMPLATE_ZONE = 'Asia/Shanghai';

export function campaignRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const results = (s: SignedIn, id: string) =>
    callApi<ResultsAnswer>(deps, s, 'GET', `/api/campaigns/${id}/results`);

  /** The campaign and what this account may do with it; invisible campaigns are "not found". */
  async function campaignFor(s: SignedIn, id: string, needed: 'read' | 'run') {
    const record = await requireCampaign(deps.db, id);
    const access = requireAccess(s.account, record, needed);
    return { record, access };
  }

  app.get('/campaigns', async (c) => {
    const s = signedIn(c);
    const visible = (await listCampaigns(deps.db, 200)).filter((x) => accessTo(s.account, x) !== 'none');
    const withResults = await Promise.all(
      visible.map(async (x) => ({ ...x, results: await results(s, x.id).catch(() => undefined) })),
    );
    return c.html(
      documentOf(
        <CampaignListPage signedIn={s} campaigns={withResults} canCreate={s.account.role !== 'viewer'} />,
      ),
    );
  });

  const defaults = (): NewCampaignValues => {
    const now = deps.now();
    const start = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    return {
      template: templates[0]?.id ?? '',
      title: '',
      opensAt: toLocalInput(start, TEMPLATE_ZONE),
      closesAt: toLocalInput(new Date(start.getTime() + 14 * 86_400_000), TEMPLATE_ZONE),
    };
  };

  app.get('/campaigns/new', (c) => {
    const s = signedIn(c);
    requireRole(s.account, 'admin', 'organizer');
    return c.html(documentOf(<NewCampaignPage signedIn={s} templates={templates} values={defaults()} />));
  });

  /** The definition a create form describes: a template with its title and window, or an uploaded file. */
  async function definitionOf(form: Form, values: NewCampaignValues): Promise<unknown> {
    if (text(form, 'source') === 'file') {
      const file = form.file;
      if (!(file instanceof File) || file.size === 0) throw new InvalidInputError('请选择评议方案文件');
      if (file.size > CAMPAIGN_JSON_MAX) throw new InvalidInputError('方案文件过大');
      try {
        return JSON.parse(await file.text());
      } catch {
        throw new InvalidInputError('方案文件不是有效的 JSON，请检查文件内容');
      }
    }
    const template = templates.find((t) => t.id === values.template);
    if (!template) throw new InvalidInputError('请选择一个示例方案');
    const zone = String(template.definition.timezone ?? TEMPLATE_ZONE);
    const opensAt = fromLocalInput(values.opensAt, zone);
    const closesAt = fromLocalInput(values.closesAt, zone);
    if (!opensAt || !closesAt) throw new InvalidInputError('请填写评议开始和结束时间');
    return {
      ...template.definition,
      ...(values.title ? { title: values.title } : {}),
      window: { opensAt, closesAt },
    };
  }

  app.post('/campaigns', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    requireRole(s.account, 'admin', 'organizer');
    const values: NewCampaignValues = {
      template: text(form, 'template'),
      title: text(form, 'title'),
      opensAt: text(form, 'opensAt'),
      closesAt: text(form, 'closesAt'),
    };
    const again = (error: string, issues: { path: string; message: string }[] = []) =>
      c.html(
        documentOf(
          <NewCampaignPage
            signedIn={s}
            templates={templates}
            values={{ ...defaults(), ...Object.fromEntries(Object.entries(values).filter(([, v]) => v)) }}
            error={error}
            issues={issues}
          />,
        ),
        400,
      );
    try {
      const definition = await definitionOf(form, values);
      const { id } = await callApi<{ id: string }>(deps, s, 'POST', '/api/campaigns', definition);
      return c.redirect(`/console/campaigns/${id}?done=created`, 303);
    } catch (error) {
      if (error instanceof InvalidInputError) return again(error.message);
      if (error instanceof ApiAnswerError && error.status === 400) return again(error.message, error.issues);
      throw error;
    }
  });

  app.get('/campaigns/:id', async (c) => {
    const s = signedIn(c);
    const { record, access } = await campaignFor(s, c.req.param('id'), 'read');
    const [answer, links] = await Promise.all([
      results(s, record.id),
      access === 'run'
        ? callApi<Record<string, string>>(deps, s, 'GET', `/api/campaigns/${record.id}/links`)
        : Promise.resolve({}),
    ]);
    return c.html(
      documentOf(
        <OverviewPage
          signedIn={s}
          record={record}
          access={access}
          results={answer}
          links={links}
          notice={notices[c.req.query('done') ?? '']}
        />,
      ),
    );
  });

  app.get('/campaigns/:id/definition', async (c) => {
    const s = signedIn(c);
    const { record, access } = await campaignFor(s, c.req.param('id'), 'read');
    return c.html(documentOf(<DefinitionPage signedIn={s} record={record} access={access} />));
  });

  app.get('/campaigns/:id/definition.json', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'read');
    c.header('Content-Disposition', `attachment; filename="campaign-${record.id}.json"`);
    return c.json(record.definition);
  });

  app.post('/campaigns/:id/open', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    const rehearsal = text(form, 'rehearsal') === 'true';
    await callApi(deps, s, 'POST', `/api/campaigns/${record.id}/open${rehearsal ? '?rehearsal=true' : ''}`);
    return c.redirect(`/console/campaigns/${record.id}?done=${rehearsal ? 'rehearsing' : 'opened'}`, 303);
  });

  app.get('/campaigns/:id/wipe', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    if (!record.rehearsal) throw new RehearsalWipeError(record.id, 'formal');
    const answer = await results(s, record.id);
    return c.html(documentOf(<WipeConfirmPage signedIn={s} record={record} ballots={answer.ballots} />));
  });

  app.post('/campaigns/:id/wipe', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    await deps.wipeRehearsal(record.id, actorOf(s));
    return c.redirect(`/console/campaigns/${record.id}?done=wiped`, 303);
  });

  app.get('/campaigns/:id/close', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    const answer = await results(s, record.id);
    return c.html(documentOf(<CloseConfirmPage signedIn={s} record={record} ballots={answer.ballots} />));
  });

  app.post('/campaigns/:id/close', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    await callApi(deps, s, 'POST', `/api/campaigns/${record.id}/close`);
    return c.redirect(`/console/campaigns/${record.id}?done=closed`, 303);
  });

  /** Closing is final: only a county admin reopens, with a reason (the API records it and supersedes the reports). */
  app.post('/campaigns/:id/reopen', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    requireRole(s.account, 'admin');
    const reason = text(form, 'reason');
    if (!reason) throw new InvalidInputError('请填写重新开放的原因');
    await callApi(deps, s, 'POST', `/api/campaigns/${record.id}/reopen`, { reason });
    return c.redirect(`/console/campaigns/${record.id}?done=reopened`, 303);
  });

  app.post('/campaigns/:id/codes', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    const group = text(form, 'group');
    const count = Number(text(form, 'count'));
    if (!Number.isInteger(count) || count < 1 || count > 5000)
      throw new InvalidInputError('评议码数量须为 1 到 5000 之间的整数');
    const { codes } = await callApi<{ codes: { serial: number; url: string }[] }>(
      deps,
      s,
      'POST',
      `/api/campaigns/${record.id}/codes`,
      { group, count },
    );
    return c.html(
      documentOf(<IssuedCodesPage signedIn={s} record={record} group={group} codes={await slipsOf(codes)} />),
      201,
    );
  });

  app.get('/campaigns/:id/audit', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    const entries = (await listAudit(deps.db, record.id)).reverse();
    return c.html(documentOf(<CampaignAuditPage signedIn={s} record={record} entries={entries} />));
  });

  app.get('/campaigns/:id/share', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    return c.html(
      documentOf(
        <SharePage
          signedIn={s}
          record={record}
          accounts={await listAccounts(deps.db)}
          notice={notices[c.req.query('done') ?? '']}
        />,
      ),
    );
  });

  app.post('/campaigns/:id/share', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const { record } = await campaignFor(s, c.req.param('id'), 'run');
    const accounts = new Map((await listAccounts(deps.db)).map((a) => [a.name, a]));
    const chosen = texts(form, 'share');
    for (const name of chosen) {
      const a = accounts.get(name);
      if (!a || a.role === 'admin') throw new InvalidInputError(`不能共享给账号“${name}”`);
    }
    await shareCampaign(deps.db, record.id, chosen, record.sharedWith, deps.now(), actorOf(s));
    return c.redirect(`/console/campaigns/${record.id}/share?done=shared`, 303);
  });

  return app;
}
