// The full app: every route but the evaluator path's (the organizer API, the console, the public 公示 and feedback
// pages), the OpenAPI document of all of them, organizer auth. app.tsx loads it on the first request it does not serve
// itself, so a container that only takes ballots never loads @hono/zod-openapi and the organizer routes.
import { createHmac } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { commitPaperBatch, wipeRehearsal } from '@pingyi/data';
import { Hono } from 'hono';
import { notFound, onError } from './app-errors.tsx';
import { type ConsoleCall, organizerAuth } from './auth.ts';
import { forgetCampaign } from './campaign-cache.ts';
import type { AppDeps } from './deps.ts';
import { ValidationError } from './errors.ts';
import { evaluatorCsp } from './evaluator-headers.ts';
import { toLazyApp } from './lazy-app.ts';
import { BallotPage } from './pages/ballot-page.tsx';
import { documentOf } from './pages/layout.tsx';
import { sourceAddress } from './rate-limit.ts';
import { ballotPage, ballotSubmit } from './routes/ballots-doc.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { codeRoutes } from './routes/codes.ts';
import { feedbackRoutes } from './routes/feedback.tsx';
import { publicationRoutes } from './routes/publications.tsx';
import { reportRoutes } from './routes/reports.ts';
import { resultRoutes } from './routes/results.ts';
import { zodIssues } from './voting.ts';

export function createFullApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw new ValidationError('请求内容无效', zodIssues(result.error));
    },
  });

  const auth = organizerAuth(deps.adminToken);
  app.use('/api/campaigns', auth);
  app.use('/api/campaigns/*', auth);

  app.route('/', campaignRoutes(deps));
  app.route('/', codeRoutes(deps));
  app.route('/', resultRoutes(deps));
  app.route('/', reportRoutes(deps));
  // the evaluator routes are served by app.tsx; only their description is here, in the document's order
  app.openAPIRegistry.registerPath(ballotPage);
  app.openAPIRegistry.registerPath(ballotSubmit);
  // after the vote: the public 公示 pages and each subject's private feedback link
  app.route('/', publicationRoutes(deps));
  app.route('/', feedbackRoutes(deps));
  // The organizer console: its own pages and sessions; what it changes goes through the routes above, in-process,
  // with the signed-in account as the actor. Loaded on its first request: it carries charts, spreadsheets and QR
  // codes that a ballot never needs, and the API function's cold start would pay for them on every container.
  const toConsole = toLazyApp(async () => {
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
  });
  // The console answers everything under /console itself (its own not-found page and error handler).
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

  app.notFound(notFound);
  app.onError(onError);
  return app;
}

export type FullApp = ReturnType<typeof createFullApp>;
