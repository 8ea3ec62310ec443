// Ledger routes of the console: the code ledger per group, and voiding a lost slip's code through the JSON API
// (the API audits it with the signed-in account as actor), optionally reissuing it: one new code, shown as a slip.
import { requireCampaign } from '@pingyi/data';
import { Hono } from 'hono';
import { requireAccess } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { ApiAnswerError, InvalidInputError } from '../errors.ts';
import type { ResultsAnswer } from '../pages/campaigns.tsx';
import { documentOf } from '../pages/layout.tsx';
import { LedgerPage, ledgerOf } from '../pages/ledger.tsx';
import { SlipsPage } from '../pages/print.tsx';
import { slipsOf } from '../qr.ts';
import { type ConsoleEnv, callApi, postedForm, signedIn, text } from '../request.ts';
import type { SignedIn } from '../session.ts';

export function ledgerRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  async function ledgerPage(s: SignedIn, id: string, notice?: string, error?: string) {
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    const results = await callApi<ResultsAnswer>(deps, s, 'GET', `/api/campaigns/${id}/results`);
    return documentOf(
      <LedgerPage
        signedIn={s}
        record={record}
        rows={ledgerOf(record, results)}
        settled={results.settled !== false}
        notice={notice}
        error={error}
      />,
    );
  }

  app.get('/campaigns/:id/ledger', async (c) => {
    const s = signedIn(c);
    const voided = c.req.query('voided');
    const notice = voided ? `序号 ${voided} 的评议码已作废。需要时请补打一张新的评议码。` : undefined;
    return c.html(await ledgerPage(s, c.req.param('id'), notice));
  });

  app.post('/campaigns/:id/ledger/void', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const id = c.req.param('id');
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    const group = text(form, 'group');
    const serial = Number(text(form, 'serial'));
    try {
      if (!Number.isInteger(serial) || serial < 1)
        throw new InvalidInputError('请填写纸条上的序号（正整数）');
      await callApi(deps, s, 'POST', `/api/campaigns/${id}/codes/void`, { group, serial });
    } catch (error) {
      if (error instanceof InvalidInputError || (error instanceof ApiAnswerError && error.status < 500))
        return c.html(await ledgerPage(s, id, undefined, error.message), 400);
      throw error;
    }
    if (text(form, 'reissue') !== '1')
      return c.redirect(`/console/campaigns/${id}/ledger?voided=${serial}`, 303);
    // The void stands even if the new code cannot be issued: the error page says so, and the slips page prints one.
    const { codes } = await callApi<{ codes: { serial: number; url: string }[] }>(
      deps,
      s,
      'POST',
      `/api/campaigns/${id}/codes`,
      { group, count: 1 },
    );
    return c.html(
      documentOf(
        <SlipsPage
          campaignId={id}
          campaignTitle={record.definition.title}
          groupLabel={record.definition.groups.find((g) => g.id === group)?.label ?? group}
          slips={await slipsOf(codes)}
          replaces={serial}
        />,
      ),
      201,
    );
  });

  return app;
}
