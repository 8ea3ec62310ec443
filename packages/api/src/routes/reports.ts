// Report routes for organizers: start an export now, and list reports with freshly signed download links.
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { listReports, requireCampaign, writeAudit } from '@pingyi/data';
import * as z from 'zod';
import { actorOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { UnavailableError } from '../errors.ts';
import { CampaignParams, errorResponse, json, organizerErrors, Verification } from '../schemas.ts';

const security = [{ organizer: [] }];
const tags = ['reports'];

const ExportBody = z
  .object({ raw: z.boolean().optional().meta({ description: '同时导出全部原始评议数据（匿名）' }) })
  .meta({ id: 'ExportRequest' });

const ReportList = z
  .array(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      trigger: z.enum(['schedule', 'close', 'manual']),
      superseded: z.object({ at: z.string(), reason: z.string() }).optional().meta({
        description: 'a closing report no longer the record: the campaign was reopened (when, why)',
      }),
      files: z.array(
        z.object({
          format: z.enum(['xlsx', 'csv', 'html', 'raw-csv', 'texts-csv']),
          name: z.string(),
          size: z.number().int(),
          sha256: z.string(),
          url: z.string().meta({ description: 'presigned GET, valid for at most 15 minutes' }),
        }),
      ),
      // described on the component (metadata of its own here would make zod-to-openapi inline the schema)
      verification: Verification.optional(),
    }),
  )
  .meta({ id: 'Reports' });

const start = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/reports',
  operationId: 'requestReport',
  tags,
  security,
  summary: '立即导出报告（Excel、CSV、公示页，可选原始数据）',
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: ExportBody } }, required: false },
  },
  responses: {
    202: json(
      z.object({ reportId: z.string() }),
      'the export has started; it appears in the list when complete',
    ),
    400: errorResponse('a JSON body that is not valid'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    503: errorResponse('reports are not configured'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/reports',
  operationId: 'listReports',
  tags,
  security,
  summary: '报告列表（每次请求重新签发下载链接）',
  request: { params: CampaignParams },
  responses: {
    200: json(ReportList, 'reports, newest first'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    503: errorResponse('reports are not configured'),
  },
});

export function reportRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  const unavailable = () => new UnavailableError('报告服务未配置（缺少报告存储）');

  app.openapi(start, async (c) => {
    const { id } = c.req.valid('param');
    const raw = (c.req.header('content-type') ?? '').includes('json') ? c.req.valid('json')?.raw : undefined;
    if (!deps.requestExport || !deps.reports) throw unavailable();
    await requireCampaign(deps.db, id);
    const reportId = randomUUID();
    await deps.requestExport({ campaignId: id, reportId, trigger: 'manual', ...(raw ? { raw: true } : {}) });
    await writeAudit(deps.db, {
      campaign: id,
      at: deps.now(),
      action: 'export',
      detail: { reportId, raw: raw === true },
      actor: actorOf(c),
    });
    return c.json({ reportId }, 202);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    if (!deps.reports) throw unavailable();
    await requireCampaign(deps.db, id);
    const reports = await listReports(deps.db, id);
    // The S3 client and presigner are loaded on the first list: a cold start of the API function never needs them.
    const [store, { reportLinks }] = await Promise.all([deps.reports(), import('@pingyi/reports/links')]);
    return c.json(await Promise.all(reports.map((r) => reportLinks(store, r))), 200);
  });
  return app;
}
