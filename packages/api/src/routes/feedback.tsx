// A subject's private feedback link (反馈): its own results and comments from the closing record, and its
// rectification measures, added and updated by form posts. The token in the path is the only credential; posts are
// also refused from another origin (Hono's csrf), so a page elsewhere cannot make a holder's browser post.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  addMeasure,
  type FeedbackLink,
  FollowUpStateError,
  feedbackLinkState,
  findFeedbackLink,
  getCampaign,
  listComments,
  listMeasures,
  MEASURE_ID,
  newMeasureId,
  updateMeasure,
} from '@pingyi/data';
import { measureFromForm, problemOptions } from '@pingyi/domain';
import { formatTime, publicRows } from '@pingyi/reports/columns';
import type { Context, MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { limitBody } from '../body-limit.ts';
import type { AppDeps } from '../deps.ts';
import { FeedbackPage, type FeedbackView } from '../pages/feedback-page.tsx';
import { documentOf } from '../pages/layout.tsx';
import { publicCsp } from '../pages/public-styles.ts';
import { PublicMessagePage } from '../pages/publication-page.tsx';
import { html } from '../schemas.ts';
import { readClosingResults } from './results.ts';

const tags = ['feedback'];
const FeedbackParams = z.object({
  token: z.string().meta({ param: { name: 'token', in: 'path' }, description: '反馈链接中的令牌' }),
});
const MeasureParams = FeedbackParams.extend({
  measure: z.string().meta({ param: { name: 'measure', in: 'path' }, description: '整改措施编号' }),
});
const refusals = {
  404: html('not a feedback link: a page that says so'),
  410: html('revoked, expired, or the campaign was reopened: a page that says so'),
};
const MeasureForm = z.object({
  description: z.string(),
  problem: z.string().meta({ description: '`item:<question>`, `matter:<option>` or `comment:<ref>`' }),
  owner: z.string(),
  deadline: z.string().meta({ description: 'YYYY-MM-DD' }),
  status: z.enum(['planned', 'in_progress', 'done']),
  nonce: z
    .string()
    .optional()
    .meta({ description: 'the id the add form was shown with: a repeat adds nothing' }),
});
const postAnswers = {
  200: html('saved: the feedback page with the measure (posting the same add form again stores it once)'),
  400: html('not saved: the feedback page with what to fix, the form kept'),
  403: html('posted from another site: refused'),
  ...refusals,
};
const form = { content: { 'application/x-www-form-urlencoded': { schema: MeasureForm } }, required: true };

const page = createRoute({
  method: 'get',
  path: '/f/{token}',
  operationId: 'getFeedbackPage',
  tags,
  security: [],
  summary: '评议对象的结果反馈页（本对象的结果、分项评价、意见建议与整改措施）',
  request: { params: FeedbackParams },
  responses: { 200: html('the feedback page'), ...refusals },
});
const add = createRoute({
  method: 'post',
  path: '/f/{token}/measures',
  operationId: 'addMeasure',
  tags,
  security: [],
  summary: '新增整改措施（表单）',
  request: { params: FeedbackParams, body: form },
  responses: postAnswers,
});
const update = createRoute({
  method: 'post',
  path: '/f/{token}/measures/{measure}',
  operationId: 'updateMeasure',
  tags,
  security: [],
  summary: '更新整改措施（表单）',
  request: { params: MeasureParams, body: form },
  responses: postAnswers,
});

const feedbackHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // the page holds a subject's comments and the path holds its credential: never cached, never in a Referer
  c.header('Cache-Control', 'no-store');
  c.header('Content-Security-Policy', publicCsp);
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
};

type Fields = NonNullable<FeedbackView['draft']>;

export function feedbackRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  for (const route of [page, add, update]) app.openAPIRegistry.registerPath(route);
  app.use(
    '/f/*',
    feedbackHeaders,
    compress(),
    csrf(),
    limitBody({
      maxSize: 16 * 1024,
      onError: (c) =>
        c.html(documentOf(<PublicMessagePage title="提交内容过大" message="请精简后再提交。" />), 400),
    }),
  );

  const refuse = (c: Context, status: 403 | 404 | 410, title: string, message: string) =>
    c.html(documentOf(<PublicMessagePage title={title} message={message} />), status);

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return refuse(
        c,
        403,
        '请求来源不符',
        '出于安全考虑，只接受从本反馈页面提交的表单。请回到反馈页面重新操作。',
      );
    }
    throw error;
  });

  /** The link, its campaign and subject, and the closing results, or the page that says why not. */
  async function open(c: Context) {
    const link = await findFeedbackLink(deps.db, c.req.param('token') ?? '');
    if (!link)
      return refuse(c, 404, '链接无效', '这不是有效的反馈链接。请核对链接是否完整，或联系活动办公室。');
    const record = await getCampaign(deps.db, link.campaign);
    const zone = record?.definition.timezone ?? 'Asia/Shanghai';
    const state = feedbackLinkState(link, deps.now());
    if (state === 'revoked')
      return refuse(
        c,
        410,
        '链接已收回',
        '活动办公室已收回这个反馈链接。如需查看，请联系活动办公室重新签发。',
      );
    if (state === 'expired') {
      return refuse(
        c,
        410,
        '链接已过期',
        `这个反馈链接已于 ${formatTime(link.expiresAt, zone)} 过期。如需查看，请联系活动办公室重新签发。`,
      );
    }
    const closing = record && (await readClosingResults(deps.db, record));
    const subject = closing?.subjects.find((s) => s.id === link.subject);
    if (!record || !closing || !subject) {
      return refuse(c, 410, '暂无结果', '评议活动已重新开放，结果待重新结束后再反馈。');
    }
    const comments = await listComments(deps.db, link.campaign, link.subject);
    const options = problemOptions(record.definition, link.subject, comments);
    // its place among the published ranks of its kind: the same number the 公示 shows (none under the minimum)
    const rank = publicRows(closing, subject.kind).find((r) => r.subject.id === subject.id)?.rank ?? null;
    return { link, campaign: record.definition, subject, rank, comments, options };
  }

  async function render(
    c: Context,
    link: FeedbackLink,
    opened: Exclude<Awaited<ReturnType<typeof open>>, Response>,
    extra: Pick<FeedbackView, 'saved' | 'errors' | 'draft'>,
    status: 200 | 400,
  ) {
    const measures = await listMeasures(deps.db, link.campaign, link.subject);
    const path = `/f/${c.req.param('token')}`;
    return c.html(
      documentOf(
        <FeedbackPage
          {...opened}
          measures={measures}
          now={deps.now()}
          path={path}
          nonce={newMeasureId()}
          {...extra}
        />,
      ),
      status,
    );
  }

  app.get('/f/:token', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    return render(c, opened.link, opened, {}, 200);
  });

  async function save(c: Context, measure?: string) {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const body = await c.req.parseBody();
    const field = (name: keyof Fields) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const fields = {
      description: field('description'),
      problem: field('problem'),
      owner: field('owner'),
      deadline: field('deadline'),
      status: field('status'),
    };
    const parsed = measureFromForm(fields, opened.options);
    if ('errors' in parsed)
      return render(c, opened.link, opened, { errors: parsed.errors, draft: fields }, 400);
    const actor = { type: 'feedback' as const, subject: opened.link.subject };
    const target = {
      campaign: opened.link.campaign,
      subject: opened.link.subject,
      at: deps.now().toISOString(),
    };
    if (measure === undefined) {
      const nonce = typeof body.nonce === 'string' && MEASURE_ID.test(body.nonce) ? body.nonce : undefined;
      await addMeasure(deps.db, { ...parsed.input, ...target, ...(nonce ? { id: nonce } : {}) }, actor);
    } else {
      try {
        // the subject is part of the measure's key: another subject's measure is simply not found
        await updateMeasure(deps.db, { ...parsed.input, ...target, id: measure }, actor);
      } catch (error) {
        if (!(error instanceof FollowUpStateError)) throw error;
        return render(c, opened.link, opened, { errors: [error.message] }, 400);
      }
    }
    // the page itself, not a redirect: the add form's nonce makes a reload's repost harmless
    return render(c, opened.link, opened, { saved: true }, 200);
  }

  app.post('/f/:token/measures', (c) => save(c));
  app.post('/f/:token/measures/:measure', (c) => save(c, c.req.param('measure')));
  return app;
}
