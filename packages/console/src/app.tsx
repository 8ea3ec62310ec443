// The console: one Hono app mounted under /console by the API app. Security headers, the Origin check, the
// session, the routes, and the one place where an error becomes a page and a status.
import {
  AccountExistsError,
  AccountNotFoundError,
  CampaignNotFoundError,
  CampaignStatusError,
  FollowUpStateError,
  LinkInvalidError,
  PaperBatchError,
  RehearsalWipeError,
} from '@pingyi/data';
import { CAMPAIGN_JSON_MAX } from '@pingyi/domain';
import { logger } from '@pingyi/runtime';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { projectorStylesCspHash } from './dashboard-assets.ts';
import type { ConsoleDeps } from './deps.ts';
import { ConsoleError, SignInRequiredError, TooLargeError } from './errors.ts';
import { documentOf, MessagePage } from './pages/layout.tsx';
import { printStylesCspHash } from './print-styles.ts';
import type { ConsoleEnv } from './request.ts';
import { accountRoutes } from './routes/accounts.tsx';
import { authRoutes } from './routes/auth.tsx';
import { campaignRoutes } from './routes/campaigns.tsx';
import { dashboardRoutes } from './routes/dashboard.tsx';
import { editorRoutes } from './routes/editor.tsx';
import { followUpRoutes } from './routes/follow-up.tsx';
import { ledgerRoutes } from './routes/ledger.tsx';
import { paperRefusals, paperRoutes } from './routes/paper.tsx';
import { printRoutes } from './routes/print.tsx';
import { reportRoutes } from './routes/reports.tsx';
import { subjectRoutes } from './routes/subjects.tsx';
import { script, scriptPath } from './script.ts';
import { currentSession } from './session.ts';
import { stylesCspHash } from './styles.ts';

const csp = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  `style-src ${stylesCspHash} ${printStylesCspHash} ${projectorStylesCspHash}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Data-layer errors a person can cause, in their words. */
function pageOf(error: unknown): { status: number; title: string; message: string } | undefined {
  if (error instanceof ConsoleError)
    return { status: error.status, title: error.title, message: error.message };
  if (error instanceof CampaignNotFoundError)
    return { status: 404, title: '未找到', message: '未找到该评议活动，或您没有查看它的权限' };
  if (error instanceof CampaignStatusError)
    return {
      status: 409,
      title: '操作未完成',
      message: '评议活动的状态不允许此操作，请刷新页面查看当前状态',
    };
  if (error instanceof RehearsalWipeError)
    return {
      status: 409,
      title: '不能清除',
      message:
        error.reason === 'formal'
          ? '这是正式评议活动，它的评议数据任何时候都不能清除。只有以“试运行”开始的活动才能清除试运行数据。'
          : error.reason === 'not-closed'
            ? '试运行还在进行：请先结束评议，待结束时的报告生成后再清除。'
            : '结束时的报告正在生成（逐票复核），请稍后再清除。',
    };
  if (error instanceof PaperBatchError) {
    const refusal = paperRefusals[error.reason];
    return { status: refusal.status, title: '书面评议', message: refusal.message };
  }
  if (error instanceof AccountExistsError)
    return { status: 409, title: '账号已存在', message: `用户名“${error.account}”已被使用，请换一个` };
  if (error instanceof FollowUpStateError)
    return { status: 409, title: '操作未完成', message: error.message };
  if (error instanceof AccountNotFoundError) return { status: 404, title: '未找到', message: '没有这个账号' };
  if (error instanceof LinkInvalidError)
    return {
      status: 410,
      title: '链接已失效',
      message: '这个链接已经使用过、已被新的链接取代或已过期。请联系县级管理员重新签发。',
    };
  if (error instanceof HTTPException && error.status === 403)
    return {
      status: 403,
      title: '请求来源不符',
      message: '出于安全考虑，只接受从本平台页面提交的表单。请回到平台页面重新操作。',
    };
  return undefined;
}

export function consoleApp(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  app.use('*', async (c, next) => {
    await next();
    // pages hold names, results and one-time links: never kept; only the content-addressed script is cached
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    // the ballot preview brings the evaluator pages' own policy
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', csp);
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
  });
  // Hono's Origin (and Sec-Fetch-Site) check on every form post; the per-session token is checked per form.
  app.use('*', csrf());
  // the largest form is a campaign file upload: refuse more before reading it into memory
  app.use(
    '*',
    bodyLimit({
      maxSize: CAMPAIGN_JSON_MAX + 64 * 1024,
      onError: () => {
        throw new TooLargeError('提交的内容过大：方案文件不能超过 350 KB');
      },
    }),
  );
  app.get(scriptPath.slice('/console'.length), (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(script);
  });
  app.use('*', async (c, next) => {
    c.set('signedIn', await currentSession(c, deps));
    await next();
  });

  app.get('/', (c) => c.redirect('/console/campaigns', 303));
  app.route('/', authRoutes(deps));
  app.route('/', campaignRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', printRoutes(deps));
  app.route('/', ledgerRoutes(deps));
  app.route('/', paperRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  app.route('/', subjectRoutes(deps));
  app.route('/', editorRoutes(deps));
  app.route('/', followUpRoutes(deps));
  app.route('/', accountRoutes(deps));

  // Mounted under the API app, whose own not-found answer is JSON: the console's is a page.
  app.all('*', (c) =>
    c.html(documentOf(<MessagePage title="未找到" message="页面不存在" signedIn={c.get('signedIn')} />), 404),
  );

  app.onError((error, c) => {
    if (error instanceof SignInRequiredError && c.req.method === 'GET') {
      const next = new URL(c.req.url).pathname;
      return c.redirect(`/console/login?next=${encodeURIComponent(next)}`, 303);
    }
    const page = pageOf(error);
    if (page) {
      return c.html(
        documentOf(
          <MessagePage title={page.title} message={page.message} signedIn={c.get('signedIn')} tone="bad" />,
        ),
        page.status as 400,
      );
    }
    logger.error('console request failed', {
      method: c.req.method,
      route: c.req.routePath,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    return c.html(
      documentOf(<MessagePage title="系统繁忙" message="服务器内部错误，请稍后重试" tone="bad" />),
      500,
    );
  });
  return app;
}
