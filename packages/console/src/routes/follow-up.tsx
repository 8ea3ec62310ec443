// Console routes after the vote: publish and withdraw a 公示, issue and revoke feedback links, keep rectification
// measures, and list the county's overdue measures. Each change is one transaction with its audit entry (data layer),
// the signed-in account as its actor.
import {
  addMeasure,
  createFeedbackLink,
  createPublication,
  FollowUpStateError,
  feedbackLinkState,
  getCampaign,
  listComments,
  listFeedbackLinks,
  listMeasures,
  listOpenMeasuresDueBy,
  listPublications,
  listReceipts,
  publicationId,
  publicationState,
  readFinalTally,
  requireCampaign,
  revokeFeedbackLink,
  updateMeasure,
  withdrawPublication,
} from '@pingyi/data';
import { dayIn, isOverdue, measureFromForm, problemOptions } from '@pingyi/domain';
import { Hono } from 'hono';
import { accessTo, requireAccess } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { InvalidInputError } from '../errors.ts';
import {
  MeasuresPage,
  OverduePage,
  PublicationConsolePage,
  type PublicationPageProps,
  type PublishValues,
} from '../pages/follow-up.tsx';
import { documentOf } from '../pages/layout.tsx';
import {
  actorOf,
  type ConsoleContext,
  type ConsoleEnv,
  type Form,
  postedForm,
  signedIn,
  text,
  texts,
} from '../request.ts';
import type { SignedIn } from '../session.ts';
import { fromLocalInput, toLocalInput } from '../zoned.ts';

const DAY = 86_400_000;
const notices: Record<string, string> = {
  published: '公示已发布。公示链接见下表，在公示期内任何人可打开。',
  withdrawn: '公示已撤回：公示链接现在显示“公示已撤回”。',
  revoked: '反馈链接已收回，立即失效。',
  added: '整改措施已登记。',
  updated: '整改措施已更新。',
};

export function followUpRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  async function publicationPage(
    s: SignedIn,
    id: string,
    extra: Partial<Pick<PublicationPageProps, 'notice' | 'error' | 'issued' | 'values'>> = {},
  ) {
    const record = await requireCampaign(deps.db, id);
    const access = requireAccess(s.account, record, 'run');
    const d = record.definition;
    const now = deps.now();
    const final =
      record.status === 'closed'
        ? await readFinalTally(deps.db, id, record.closedAt ?? record.updatedAt)
        : undefined;
    const blocked =
      record.status !== 'closed'
        ? '评议结束后才能发布公示和签发反馈链接。'
        : final
          ? undefined
          : '最终报告（逐票复核）尚在生成，完成后才能发布公示和签发反馈链接。请稍后刷新。';
    const publications = (await listPublications(deps.db, id)).map((publication) => ({
      publication,
      state: publicationState(publication, record, now),
      url: `${deps.publicUrl}/g/${publicationId(publication)}`,
    }));
    const links = (await listFeedbackLinks(deps.db, id)).map((link) => ({
      link,
      state: feedbackLinkState(link, now),
    }));
    const values: PublishValues = extra.values ?? {
      kinds: d.subjectKinds.map((k) => k.id),
      show: 'rates',
      progress: false,
      receipts: false,
      startsAt: toLocalInput(now, d.timezone),
      endsAt: toLocalInput(new Date(now.getTime() + 7 * DAY), d.timezone),
    };
    return documentOf(
      <PublicationConsolePage
        signedIn={s}
        record={record}
        access={access}
        publications={publications}
        links={links}
        values={values}
        publicUrl={deps.publicUrl}
        {...(blocked ? { blocked } : {})}
        {...extra}
      />,
    );
  }

  app.get('/campaigns/:id/publication', async (c) => {
    const s = signedIn(c);
    const notice = notices[c.req.query('done') ?? ''];
    return c.html(await publicationPage(s, c.req.param('id'), notice ? { notice } : {}));
  });

  /** The publish form as posted (kinds limited to the campaign's); the window is checked by the route. */
  function publishValues(form: Form, kinds: string[]): PublishValues {
    return {
      kinds: texts(form, 'kinds').filter((k) => kinds.includes(k)),
      show: text(form, 'show') === 'verdicts' ? 'verdicts' : 'rates',
      progress: text(form, 'progress') === '1',
      receipts: text(form, 'receipts') === '1',
      startsAt: text(form, 'startsAt'),
      endsAt: text(form, 'endsAt'),
    };
  }

  app.post('/campaigns/:id/publication', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const id = c.req.param('id');
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    const d = record.definition;
    const values = publishValues(
      form,
      d.subjectKinds.map((k) => k.id),
    );
    try {
      if (record.status !== 'closed') throw new InvalidInputError('评议结束后才能发布公示');
      const closedAt = record.closedAt ?? record.updatedAt;
      const final = await readFinalTally(deps.db, id, closedAt);
      if (!final) throw new InvalidInputError('最终报告尚在生成，完成后才能发布公示');
      if (values.kinds.length === 0) throw new InvalidInputError('请至少选择一个评议对象类别');
      const startsAt = fromLocalInput(values.startsAt, d.timezone);
      const endsAt = fromLocalInput(values.endsAt, d.timezone);
      if (!startsAt || !endsAt) throw new InvalidInputError('请填写公示开始和结束时间');
      if (Date.parse(endsAt) <= Date.parse(startsAt))
        throw new InvalidInputError('公示结束时间须晚于开始时间');
      if (Date.parse(endsAt) <= deps.now().getTime()) throw new InvalidInputError('公示结束时间须晚于现在');
      if (values.receipts) {
        const receipts = await listReceipts(deps.db, id);
        // the list proves inclusion only if it is exactly the counted ballots: never publish one that is not
        if (receipts.length !== final.verification.ballots) {
          throw new InvalidInputError(
            `回执 ${receipts.length} 个与最终报告逐票复核的 ${final.verification.ballots} 张不一致，不能公布回执清单。请联系运维核查。`,
          );
        }
      }
      await createPublication(
        deps.db,
        {
          campaign: id,
          closedAt,
          scope: {
            kinds: values.kinds,
            show: values.show,
            progress: values.progress,
            receipts: values.receipts,
          },
          startsAt,
          endsAt,
          publishedAt: deps.now().toISOString(),
        },
        actorOf(s),
      );
    } catch (error) {
      if (error instanceof InvalidInputError || error instanceof FollowUpStateError) {
        return c.html(await publicationPage(s, id, { error: error.message, values }), 400);
      }
      throw error;
    }
    return c.redirect(`/console/campaigns/${id}/publication?done=published`, 303);
  });

  app.post('/campaigns/:id/publication/:slug/withdraw', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const id = c.req.param('id');
    requireAccess(s.account, await requireCampaign(deps.db, id), 'run');
    try {
      await withdrawPublication(deps.db, id, c.req.param('slug'), deps.now().toISOString(), actorOf(s));
    } catch (error) {
      if (error instanceof FollowUpStateError) {
        return c.html(await publicationPage(s, id, { error: error.message }), 409);
      }
      throw error;
    }
    return c.redirect(`/console/campaigns/${id}/publication?done=withdrawn`, 303);
  });

  app.post('/campaigns/:id/feedback-links', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const id = c.req.param('id');
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    const subject = record.definition.subjects.find((x) => x.id === text(form, 'subject'));
    const days = Number(text(form, 'days'));
    const closedAt = record.closedAt ?? record.updatedAt;
    const ready = record.status === 'closed' && (await readFinalTally(deps.db, id, closedAt)) !== undefined;
    if (!subject || ![7, 30, 90].includes(days) || !ready) {
      const error = !ready ? '评议结束且最终报告生成后才能签发反馈链接' : '请选择评议对象和有效天数';
      return c.html(await publicationPage(s, id, { error }), 400);
    }
    const now = deps.now();
    const { token } = await createFeedbackLink(
      deps.db,
      {
        campaign: id,
        subject: subject.id,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + days * DAY).toISOString(),
      },
      actorOf(s),
    );
    // the token is shown in this answer only: never in a URL of the console, never stored
    return c.html(
      await publicationPage(s, id, {
        issued: { subject: subject.name, url: `${deps.publicUrl}/f/${token}` },
      }),
    );
  });

  app.post('/campaigns/:id/feedback-links/:digest/revoke', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const id = c.req.param('id');
    requireAccess(s.account, await requireCampaign(deps.db, id), 'run');
    try {
      await revokeFeedbackLink(deps.db, id, c.req.param('digest'), deps.now().toISOString(), actorOf(s));
    } catch (error) {
      if (error instanceof FollowUpStateError) {
        return c.html(await publicationPage(s, id, { error: error.message }), 409);
      }
      throw error;
    }
    return c.redirect(`/console/campaigns/${id}/publication?done=revoked`, 303);
  });

  async function measuresPage(s: SignedIn, id: string, extra: { notice?: string; error?: string } = {}) {
    const record = await requireCampaign(deps.db, id);
    const access = requireAccess(s.account, record, 'read');
    const d = record.definition;
    const options = Object.fromEntries(
      await Promise.all(
        d.subjects.map(async (x) => [
          x.id,
          problemOptions(d, x.id, access === 'run' ? await listComments(deps.db, id, x.id) : []),
        ]),
      ),
    );
    return documentOf(
      <MeasuresPage
        signedIn={s}
        record={record}
        access={access}
        measures={await listMeasures(deps.db, id)}
        options={options}
        now={deps.now()}
        {...extra}
      />,
    );
  }

  app.get('/campaigns/:id/measures', async (c) => {
    const s = signedIn(c);
    const notice = notices[c.req.query('done') ?? ''];
    return c.html(await measuresPage(s, c.req.param('id'), notice ? { notice } : {}));
  });

  async function saveMeasure(c: ConsoleContext, measure?: string) {
    const { form, signedIn: s } = await postedForm(c);
    const id = c.req.param('id') ?? '';
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    const subject = measure === undefined ? text(form, 'subject') : (c.req.param('subject') ?? '');
    if (!record.definition.subjects.some((x) => x.id === subject)) {
      return c.html(await measuresPage(s, id, { error: '未找到该评议对象' }), 400);
    }
    const options = problemOptions(record.definition, subject, await listComments(deps.db, id, subject));
    const parsed = measureFromForm(
      {
        description: text(form, 'description'),
        problem: text(form, 'problem'),
        owner: text(form, 'owner'),
        deadline: text(form, 'deadline'),
        status: text(form, 'status'),
      },
      options,
    );
    if ('errors' in parsed)
      return c.html(await measuresPage(s, id, { error: parsed.errors.join('；') }), 400);
    const target = { campaign: id, subject, at: deps.now().toISOString() };
    try {
      if (measure === undefined) await addMeasure(deps.db, { ...parsed.input, ...target }, actorOf(s));
      else await updateMeasure(deps.db, { ...parsed.input, ...target, id: measure }, actorOf(s));
    } catch (error) {
      if (error instanceof FollowUpStateError) {
        return c.html(await measuresPage(s, id, { error: error.message }), 404);
      }
      throw error;
    }
    return c.redirect(
      `/console/campaigns/${id}/measures?done=${measure === undefined ? 'added' : 'updated'}`,
      303,
    );
  }

  app.post('/campaigns/:id/measures', (c) => saveMeasure(c));
  app.post('/campaigns/:id/measures/:subject/:measure', (c) => saveMeasure(c, c.req.param('measure')));

  app.get('/measures/overdue', async (c) => {
    const s = signedIn(c);
    const now = deps.now();
    // the latest local day anywhere (UTC+14): every zone's overdue measures are among these candidates
    const candidates = await listOpenMeasuresDueBy(deps.db, dayIn(now, 'Etc/GMT-14'));
    const ids = [...new Set(candidates.map((m) => m.campaign))];
    const records = await Promise.all(ids.map((id) => getCampaign(deps.db, id)));
    const campaigns = new Map(records.flatMap((r) => (r ? [[r.id, r] as const] : [])));
    const rows = candidates.flatMap((measure) => {
      const record = campaigns.get(measure.campaign);
      if (!record || accessTo(s.account, record) === 'none') return [];
      const campaign = record.definition;
      if (!isOverdue(measure, now, campaign.timezone)) return [];
      const subject = campaign.subjects.find((x) => x.id === measure.subject)?.name ?? measure.subject;
      return [{ measure, campaign, campaignId: record.id, subject }];
    });
    return c.html(documentOf(<OverduePage signedIn={s} rows={rows} now={now} />));
  });

  return app;
}
