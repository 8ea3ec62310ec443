// The HTTP app: the evaluator path (the ballot page and its submit, the page's script, /healthz) served by a plain
// Hono app, and every other request by the full app (full-app.tsx), loaded on the first request that needs it.
import { API_REQUEST_TIMEOUT_MS } from '@pingyi/data/timing';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import * as z from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { onError } from './app-errors.tsx';
import type { AppDeps } from './deps.ts';
import { toLazyApp } from './lazy-app.ts';
import { ballotRoutes } from './routes/ballots.tsx';

// Validation messages a person reads are Chinese, for organizers and evaluators alike. One locale by its own path:
// `z.locales` would bring all of them into every bundle.
z.config(zhCN());

/**
 * `createApp(deps).fetch` answers every route. The evaluator path is what a meeting's burst and most cold starts
 * serve, and its modules import none of the full app's: no organizer route, no schema of the document, neither
 * @hono/zod-openapi nor zod-to-openapi (test/infra/bundle.test.ts). The full app (organizer API, console, public
 * pages, /api/openapi.json) is imported on its first request, from chunks of its own in the Lambda bundle.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();

  // A ballot request that runs longer answers 503 and never 201: a closing report waits out this bound (and the
  // campaign cache) before it recounts, as the API function's timeout bounds it on AWS.
  app.use('/b/*', timeout(API_REQUEST_TIMEOUT_MS, new HTTPException(503, { message: 'request timeout' })));
  app.route('/', ballotRoutes(deps));
  // a probe for load balancers and scripts, not part of the API: left out of the document
  app.get('/healthz', (c) => c.json({ ok: true }));

  // Everything else, its not-found answers included, is the full app's.
  app.all(
    '*',
    toLazyApp(async () => {
      const { createFullApp } = await import('./full-app.tsx');
      return createFullApp(deps);
    }),
  );

  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
