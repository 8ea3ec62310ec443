// Dashboard routes of the console: the live board in the campaign page, the projector view, the board fragment the
// script fetches (one results read each; 503 while the counts are catching up, so the wall keeps its last board),
// and the script.
import { requireCampaign } from '@pingyi/data';
import { Hono } from 'hono';
import { requireAccess } from '../access.ts';
import { dashboardScript, dashboardScriptPath } from '../dashboard-assets.ts';
import type { ConsoleDeps } from '../deps.ts';
import type { ResultsAnswer } from '../pages/campaigns.tsx';
import { Board, DashboardPage, ProjectorPage } from '../pages/dashboard.tsx';
import { documentOf } from '../pages/layout.tsx';
import { type ConsoleEnv, callApi, signedIn } from '../request.ts';
import type { SignedIn } from '../session.ts';

export function dashboardRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  async function board(s: SignedIn, id: string) {
    const record = await requireCampaign(deps.db, id);
    const access = requireAccess(s.account, record, 'read') === 'run' ? 'run' : 'read';
    const results = await callApi<ResultsAnswer>(deps, s, 'GET', `/api/campaigns/${id}/results`);
    return { record, access, results } as const;
  }

  app.get(dashboardScriptPath.slice('/console'.length), (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(dashboardScript);
  });

  app.get('/campaigns/:id/dashboard', async (c) => {
    const s = signedIn(c);
    const { record, access, results } = await board(s, c.req.param('id'));
    return c.html(
      documentOf(<DashboardPage signedIn={s} record={record} access={access} results={results} />),
    );
  });

  app.get('/campaigns/:id/dashboard/projector', async (c) => {
    const { record, results } = await board(signedIn(c), c.req.param('id'));
    return c.html(documentOf(<ProjectorPage record={record} results={results} />));
  });

  app.get('/campaigns/:id/dashboard/live', async (c) => {
    const { record, results } = await board(signedIn(c), c.req.param('id'));
    return c.html(`${<Board record={record} results={results} />}`);
  });

  return app;
}
