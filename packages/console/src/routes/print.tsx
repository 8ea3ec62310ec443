// Print routes of the console: issue codes as A4 sheets of slips, the open link's poster, and the open link's QR
// code as an image for the campaign page. Codes are issued through the JSON API as the signed-in account.
import { requireCampaign } from '@pingyi/data';
import { Hono } from 'hono';
import { requireAccess } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { CampaignFrame } from '../pages/campaigns.tsx';
import { CsrfField, documentOf } from '../pages/layout.tsx';
import { PosterPage, SLIPS_PER_SHEET, SlipsPage } from '../pages/print.tsx';
import { qrSvg, slipsOf } from '../qr.ts';
import { type ConsoleEnv, callApi, postedForm, signedIn, text } from '../request.ts';
import type { SignedIn } from '../session.ts';

/** The most slips one print page holds: 5,000 is the API's limit per request. */
export const MAX_SLIPS = 5000;

export function printRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  async function runnable(s: SignedIn, id: string) {
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    return record;
  }

  /** The open link of an open-channel group, as the API signs it. */
  async function openLink(s: SignedIn, id: string, group: string) {
    const links = await callApi<Record<string, string>>(deps, s, 'GET', `/api/campaigns/${id}/links`);
    const url = links[group];
    if (!url) throw new NotFoundError('这个评议人类别没有公开链接');
    return url;
  }

  app.get('/campaigns/:id/slips', async (c) => {
    const s = signedIn(c);
    const record = await runnable(s, c.req.param('id'));
    const groups = record.definition.groups.filter((g) => g.channel !== 'open');
    const chosen = c.req.query('group');
    return c.html(
      documentOf(
        <CampaignFrame signedIn={s} record={record} access="run" tab="overview">
          <section class="panel">
            <h2>打印评议码</h2>
            <p>
              生成一批评议码，并排成 A4 纸的裁切条（每页 {SLIPS_PER_SHEET}{' '}
              张）：二维码、短链接、活动名称、评议人类别、序号和 “微信扫码参加评议，每码限用一次”。
            </p>
            {record.status === 'closed' ? (
              <p class="notice bad">评议已结束，不能再生成评议码。</p>
            ) : (
              <form method="post" action={`/console/campaigns/${record.id}/slips`} class="inline-form">
                <CsrfField signedIn={s} />
                <span>
                  <label for="slip-group">评议人类别</label>
                  <select id="slip-group" name="group" required>
                    {groups.map((g) => (
                      <option value={g.id} selected={g.id === chosen}>
                        {g.label}
                      </option>
                    ))}
                  </select>
                </span>
                <span>
                  <label for="slip-count">数量</label>
                  <input
                    id="slip-count"
                    name="count"
                    type="number"
                    min="1"
                    max={MAX_SLIPS}
                    value="12"
                    required
                  />
                </span>
                <button type="submit">生成并打印</button>
              </form>
            )}
          </section>
        </CampaignFrame>,
      ),
    );
  });

  app.post('/campaigns/:id/slips', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const record = await runnable(s, c.req.param('id'));
    const group = text(form, 'group');
    const count = Number(text(form, 'count'));
    if (!Number.isInteger(count) || count < 1 || count > MAX_SLIPS)
      throw new InvalidInputError(`评议码数量须为 1 到 ${MAX_SLIPS} 之间的整数`);
    const { codes } = await callApi<{ codes: { serial: number; url: string }[] }>(
      deps,
      s,
      'POST',
      `/api/campaigns/${record.id}/codes`,
      { group, count },
    );
    return c.html(
      documentOf(
        <SlipsPage
          campaignId={record.id}
          campaignTitle={record.definition.title}
          groupLabel={record.definition.groups.find((g) => g.id === group)?.label ?? group}
          slips={await slipsOf(codes)}
        />,
      ),
      201,
    );
  });

  app.get('/campaigns/:id/poster', async (c) => {
    const s = signedIn(c);
    const record = await runnable(s, c.req.param('id'));
    const group = c.req.query('group') ?? '';
    const url = await openLink(s, record.id, group);
    return c.html(
      documentOf(
        <PosterPage
          campaignId={record.id}
          campaignTitle={record.definition.title}
          groupLabel={record.definition.groups.find((g) => g.id === group)?.label ?? group}
          url={url}
          svg={await qrSvg(url)}
        />,
      ),
    );
  });

  app.get('/campaigns/:id/open-qr.svg', async (c) => {
    const s = signedIn(c);
    const record = await runnable(s, c.req.param('id'));
    const svg = await qrSvg(await openLink(s, record.id, c.req.query('group') ?? ''));
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    return c.body(svg);
  });

  return app;
}
