// The HTTP app: every sub-app mounted in one place, organizer auth, one error mapping, the OpenAPI document.
import { createHmac } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { API_REQUEST_TIMEOUT_MS, commitPaperBatch, wipeRehearsal } from '@pingyi/data';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type ConsoleCall, organizerAuth } from './auth.ts';
import { forgetCampaign } from './campaign-cache.ts';
import type { AppDeps } from './deps.ts';
import {
  ApiError,
  MalformedBodyError,
  NotFoundError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.ts';
import { evaluatorCsp } from './evaluator-headers.ts';
import { errorBody, internalErrorBody, logInternal, statusOf, toApiError } from './on-error.ts';
import { BallotPage } from './pages/ballot-page.tsx';
import { documentOf } from './pages/layout.tsx';
import { MessagePage } from './pages/message-page.tsx';
import { sourceAddress } from './rate-limit.ts';
import { ballotRoutes } from './routes/ballots.tsx';
import { campaignRoutes } from './routes/campaigns.ts';
import { codeRoutes } from './routes/codes.ts';
import { feedbackRoutes } from './routes/feedback.tsx';
import { publicationRoutes } from './routes/publications.tsx';
import { reportRoutes } from './routes/reports.ts';
import { resultRoutes } from './routes/results.ts';
import { zodIssues } from './voting.ts';

// Validation messages a person reads are Chinese, for organizers and evaluators alike.
z.config(z.locales.zhCN());

const pageTitles: Record<string, string> = {
  invalid_code: '评议码无效',
  code_used: '该评议码已使用',
  not_open: '评议未开放',
  payload_too_large: '提交内容过大',
  rate_limited: '操作太频繁',
};

/** Evaluator pages answer in HTML unless the request came as JSON. */
const wantsHtml = (c: Context) =>
  c.req.path.startsWith('/b/') && !(c.req.header('content-type') ?? '').includes('application/json');

function htmlError(c: Context, title: string, message: string, status: ContentfulStatusCode) {
  return c.html(`<!DOCTYPE html>${<MessagePage title={title} message={message} />}`, status);
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw new ValidationError('请求内容无效', zodIssues(result.error));
    },
  });

  // A ballot request that runs longer answers 503 and never 201: a closing report waits out this bound (and the
  // campaign cache) before it recounts, as the API function's timeout bounds it on AWS.
  app.use('/b/*', timeout(API_REQUEST_TIMEOUT_MS, new HTTPException(503, { message: 'request timeout' })));

  const auth = organizerAuth(deps.adminToken);
  app.use('/api/campaigns', auth);
  app.use('/api/campaigns/*', auth);

  app.route('/', campaignRoutes(deps));
  app.route('/', codeRoutes(deps));
  app.route('/', resultRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', ballotRoutes(deps));
  // after the vote: the public 公示 pages and each subject's private feedback link
  app.route('/', publicationRoutes(deps));
  app.route('/', feedbackRoutes(deps));
  // The organizer console: its own pages and sessions; what it changes goes through the routes above, in-process,
  // with the signed-in account as the actor. Loaded on its first request: it carries charts, spreadsheets and QR
  // codes that a ballot never needs, and the API function's cold start would pay for them on every container.
  let consoleRoutes: Promise<Hono> | undefined;
  const loadConsole = async () => {
    const { consoleApp } = await import('@pingyi/console');
    return new Hono().route(
      '/console',
      consoleApp({
        db: deps.db,
        now: deps.now,
        api: async (request, actor) => app.fetch(request, { consoleActor: actor } satisfies ConsoleCall),
        publicUrl: deps.publicUrl,
        clientAddress: sourceAddress,
        clientKey: createHmac('sha256', deps.codeSecret).update('pingyi-console-client-key-v1').digest(),
        ballotPreview: (campaign, groupId) => {
          const group = campaign.groups.find((g) => g.id === groupId);
          if (!group) throw new Error(`no group ${groupId}`);
          return {
            html: documentOf(
              <BallotPage campaign={campaign} group={group} action="#preview" submissionId="preview" />,
            ),
            csp: evaluatorCsp,
          };
        },
        wipeRehearsal: async (id, actor) => {
          const summary = await wipeRehearsal(
            deps.db,
            id,
            async (keys) => {
              if (keys.length === 0) return;
              if (!deps.reports) throw new Error('report files to delete, but no report store');
              const { deleteReportFiles } = await import('@pingyi/reports/wipe');
              await deleteReportFiles(await deps.reports(), keys);
            },
            deps.now(),
            actor,
          );
          forgetCampaign(deps.db, id);
          return summary;
        },
        commitPaperBatch: (record, batch, actor) =>
          commitPaperBatch(deps.db, record, batch, deps.codeSecret, deps.now(), actor),
        ...(deps.passwordCost ? { scrypt: deps.passwordCost } : {}),
      }),
    );
  };
  // The console answers everything under /console itself (its own not-found page and error handler).
  const toConsole = async (c: Context) => {
    consoleRoutes ??= loadConsole().catch((error: unknown) => {
      consoleRoutes = undefined; // a failed load is tried again by the next request
      throw error;
    });
    return (await consoleRoutes).fetch(c.req.raw, c.env);
  };
  app.all('/console', toConsole);
  app.all('/console/*', toConsole);
  app.get('/', (c) => c.redirect('/console', 303));

  app.openAPIRegistry.registerComponent('securitySchemes', 'organizer', {
    type: 'http',
    scheme: 'bearer',
    description:
      '服务凭证（service credential）：本县部署的 API 令牌，供脚本和其他系统自动化调用，变更在操作记录中记为“服务凭证”。' +
      '工作人员请使用管理控制台（/console）的个人账号。',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Pingyi 评议 API', version: '0.1.0', description: '群众评议 / 民主测评 活动平台' },
    // the base of printed links is the base of the API: one deployment, one server
    servers: [{ url: deps.publicUrl, description: 'this deployment' }],
  });

  // a probe for load balancers and scripts, not part of the API: left out of the document
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.notFound((c) => {
    const error = new NotFoundError('页面不存在');
    return wantsHtml(c) ? htmlError(c, '页面不存在', error.message, 404) : c.json(errorBody(error), 404);
  });

  app.onError((raw, c) => {
    let error = toApiError(raw);
    if (error instanceof HTTPException && error.status === 400) {
      error = new MalformedBodyError('请求体不是有效的 JSON', undefined, { cause: error });
    }
    // The route validator refuses a body that is not JSON before any handler runs: answer in the same format.
    if (error instanceof HTTPException && error.status === 503) {
      error = new UnavailableError('系统繁忙，本次提交未完成，请稍后重试', undefined, { cause: error });
    }
    if (error instanceof HTTPException && error.status === 415) {
      error = new UnsupportedMediaTypeError('请求体须为 JSON（Content-Type: application/json）', undefined, {
        cause: error,
      });
    }
    if (error instanceof ApiError) {
      const status = statusOf(error);
      if (wantsHtml(c)) return htmlError(c, pageTitles[error.code] ?? '提交失败', error.message, status);
      return c.json(errorBody(error), status);
    }
    if (error instanceof HTTPException) return error.getResponse();
    logInternal(c, raw);
    return wantsHtml(c)
      ? htmlError(c, '系统繁忙', internalErrorBody.error.message, 500)
      : c.json(internalErrorBody, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
