// Public routes of a publication (公示): the results page, the receipts list with its search, and the list as plain
// text and CSV. No credential: the link is public by design; what it shows, and until when, the organizer decided.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  getCampaign,
  getPublication,
  listMeasures,
  listReceipts,
  type Publication,
  parsePublicationId,
  publicationState,
} from '@pingyi/data';
import type { Campaign } from '@pingyi/domain';
import { formatTime } from '@pingyi/reports/columns';
import type { Context, MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import * as z from 'zod';
import type { AppDeps } from '../deps.ts';
import { documentOf } from '../pages/layout.tsx';
import { publicCsp } from '../pages/public-styles.ts';
import { PublicationPage, PublicMessagePage, ReceiptsPage } from '../pages/publication-page.tsx';
import { html } from '../schemas.ts';
import { readClosingResults } from './results.ts';

const tags = ['publications'];
const PublicationParams = z.object({
  id: z.string().meta({ param: { name: 'id', in: 'path' }, description: '公示链接中的编号' }),
});
const refusals = {
  404: html('no such publication, or not started yet: a page that says so (and when it starts)'),
  410: html('withdrawn, over, or superseded by a reopening of the campaign: a page that says so'),
};

const page = createRoute({
  method: 'get',
  path: '/g/{id}',
  operationId: 'getPublicationPage',
  tags,
  security: [],
  summary: '评议结果公示页（HTML；可打印为 A4）',
  request: { params: PublicationParams },
  responses: { 200: html('the 公示 page'), ...refusals },
});
const receiptsPage = createRoute({
  method: 'get',
  path: '/g/{id}/receipts',
  operationId: 'getReceiptsPage',
  tags,
  security: [],
  summary: '计入统计的评议回执清单与查询（HTML）',
  request: {
    params: PublicationParams,
    query: z.object({ q: z.string().max(40).optional().meta({ description: '要查询的回执码' }) }),
  },
  responses: { 200: html('the receipts list, with the answer to a search'), ...refusals },
});
const text = (type: 'text/plain' | 'text/csv', description: string) => ({
  content: { [type]: { schema: { type: 'string' as const } } },
  description,
});
const receiptsText = createRoute({
  method: 'get',
  path: '/g/{id}/receipts.txt',
  operationId: 'getReceiptsText',
  tags,
  security: [],
  summary: '回执清单（纯文本，每行一个，按字母顺序）',
  request: { params: PublicationParams },
  responses: { 200: text('text/plain', 'one receipt a line, sorted, nothing else'), ...refusals },
});
const receiptsCsv = createRoute({
  method: 'get',
  path: '/g/{id}/receipts.csv',
  operationId: 'getReceiptsCsv',
  tags,
  security: [],
  summary: '回执清单（CSV，UTF-8 带 BOM）',
  request: { params: PublicationParams },
  responses: { 200: text('text/csv', 'a header 回执码 and one receipt a row, sorted'), ...refusals },
});

type Live = {
  publication: Publication;
  campaign: Campaign;
  closing: NonNullable<Awaited<ReturnType<typeof readClosingResults>>>;
};

const publicHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // a withdrawal must show at once: revalidate every time (no shared cache keeps an old answer)
  c.header('Cache-Control', 'no-cache');
  c.header('Content-Security-Policy', publicCsp);
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
};

export function publicationRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  for (const route of [page, receiptsPage, receiptsText, receiptsCsv])
    app.openAPIRegistry.registerPath(route);
  app.use('/g/*', publicHeaders, compress());

  const refuse = (c: Context, status: 404 | 410, title: string, message: string, campaign?: Campaign) =>
    c.html(documentOf(<PublicMessagePage title={title} message={message} campaign={campaign} />), status);

  /** The publication behind an id when it is live now, or the page that says why not. */
  async function live(c: Context, id: string, needsReceipts: boolean): Promise<Live | Response> {
    const parsed = parsePublicationId(id);
    const publication = parsed && (await getPublication(deps.db, parsed.campaign, parsed.slug));
    const record = publication && (await getCampaign(deps.db, publication.campaign));
    if (!publication || !record) return refuse(c, 404, '未找到公示', '没有这个公示。请核对链接是否完整。');
    const campaign = record.definition;
    const zone = campaign.timezone;
    switch (publicationState(publication, record, deps.now())) {
      case 'withdrawn':
        return refuse(
          c,
          410,
          '公示已撤回',
          `该公示已于 ${formatTime(publication.withdrawnAt ?? '', zone)} 撤回，不再公开。`,
          campaign,
        );
      case 'superseded':
        return refuse(
          c,
          410,
          '公示已失效',
          '评议活动已重新开放，此前的评议结果不再有效，本公示随之停止。',
          campaign,
        );
      case 'scheduled':
        return refuse(
          c,
          404,
          '公示尚未开始',
          `该公示将于 ${formatTime(publication.startsAt, zone)} 开始。`,
          campaign,
        );
      case 'ended':
        return refuse(
          c,
          410,
          '公示期已结束',
          `该公示已于 ${formatTime(publication.endsAt, zone)} 结束。`,
          campaign,
        );
      case 'live':
        break;
    }
    if (needsReceipts && !publication.scope.receipts) {
      return refuse(c, 404, '未公布回执清单', '本次公示不含评议回执清单。', campaign);
    }
    const closing = await readClosingResults(deps.db, record);
    // a publication is only made from a closing report, and a reopening supersedes it: this is a broken table
    if (!closing) throw new Error(`publication ${id} has no closing results`);
    return { publication, campaign, closing };
  }

  app.get('/g/:id', async (c) => {
    const id = c.req.param('id');
    const found = await live(c, id, false);
    if (found instanceof Response) return found;
    const { closing } = found;
    const measures = found.publication.scope.progress
      ? await listMeasures(deps.db, found.publication.campaign)
      : [];
    return c.html(
      documentOf(
        <PublicationPage
          campaign={found.campaign}
          publication={found.publication}
          results={closing}
          verification={closing.verification}
          measures={measures}
          now={deps.now()}
          id={id}
          publicUrl={deps.publicUrl}
        />,
      ),
    );
  });

  app.get('/g/:id/receipts', async (c) => {
    const id = c.req.param('id');
    const found = await live(c, id, true);
    if (found instanceof Response) return found;
    const receipts = await listReceipts(deps.db, found.publication.campaign);
    const query = c.req.query('q')?.slice(0, 40);
    return c.html(
      documentOf(
        <ReceiptsPage
          campaign={found.campaign}
          publication={found.publication}
          id={id}
          receipts={receipts}
          counted={found.closing.verification.ballots}
          {...(query ? { query } : {})}
        />,
      ),
    );
  });

  for (const format of ['txt', 'csv'] as const) {
    app.get(`/g/:id/receipts.${format}`, async (c) => {
      const id = c.req.param('id');
      const found = await live(c, id, true);
      if (found instanceof Response) return found;
      const receipts = await listReceipts(deps.db, found.publication.campaign);
      const name = `receipts-${found.publication.campaign}.${format}`;
      c.header('Content-Disposition', `attachment; filename="${name}"`);
      if (format === 'txt') {
        c.header('Content-Type', 'text/plain; charset=utf-8');
        return c.body(receipts.map((r) => `${r}\n`).join(''));
      }
      c.header('Content-Type', 'text/csv; charset=utf-8');
      return c.body(`\uFEFF回执码\r\n${receipts.map((r) => `${r}\r\n`).join('')}`);
    });
  }
  return app;
}
