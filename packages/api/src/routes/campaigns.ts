// Campaign routes for organizers: create from a definition, read, list, open and close, audit trail.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createCampaign, listAudit, listCampaigns, requireCampaign, setCampaignStatus } from '@pingyi/data';
import { forgetCampaign } from '../campaign-cache.ts';
import type { AppDeps } from '../deps.ts';
import { logger } from '../logger.ts';
import {
  CampaignDefinition,
  CampaignDetail,
  CampaignParams,
  CampaignSummary,
  errorResponse,
  json,
  jsonBodyErrors,
  organizerErrors,
} from '../schemas.ts';

const security = [{ organizer: [] }];
const tags = ['campaigns'];

const create = createRoute({
  method: 'post',
  path: '/api/campaigns',
  operationId: 'createCampaign',
  tags,
  security,
  summary: '从评议方案创建评议活动（草稿）',
  request: { body: { content: { 'application/json': { schema: CampaignDefinition } }, required: true } },
  responses: {
    201: json(z.object({ id: z.string() }), 'created'),
    400: errorResponse('the definition is invalid or too large (issues name the failing paths), or not JSON'),
    ...organizerErrors,
    ...jsonBodyErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/campaigns',
  operationId: 'listCampaigns',
  tags,
  security,
  summary: '评议活动列表（新的在前）',
  responses: { 200: json(z.array(CampaignSummary), 'campaigns'), ...organizerErrors },
});

const get = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}',
  operationId: 'getCampaign',
  tags,
  security,
  summary: '评议活动的定义和状态',
  request: { params: CampaignParams },
  responses: {
    200: json(CampaignDetail, 'the campaign'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

const statusRoute = (to: 'open' | 'close') =>
  createRoute({
    method: 'post',
    path: `/api/campaigns/{id}/${to}`,
    operationId: to === 'open' ? 'openCampaign' : 'closeCampaign',
    tags,
    security,
    summary: to === 'open' ? '开始评议（还需当前时间在评议时间内）' : '结束评议',
    request: { params: CampaignParams },
    responses: {
      200: json(CampaignDetail, 'the campaign with its new status'),
      ...organizerErrors,
      404: errorResponse('no such campaign'),
      409: errorResponse('the current status does not allow this change'),
    },
  });

const audit = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/audit',
  operationId: 'listCampaignAudit',
  tags,
  security,
  summary: '评议活动的变更记录',
  request: { params: CampaignParams },
  responses: {
    200: json(
      z.array(z.object({ at: z.string(), action: z.string(), detail: z.record(z.string(), z.unknown()) })),
      'entries',
    ),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

export function campaignRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.openapi(create, async (c) => {
    const record = await createCampaign(deps.db, c.req.valid('json'), deps.now());
    return c.json({ id: record.id }, 201);
  });
  app.openapi(list, async (c) => c.json(await listCampaigns(deps.db), 200));
  app.openapi(get, async (c) => c.json(await requireCampaign(deps.db, c.req.valid('param').id), 200));
  app.openapi(statusRoute('open'), async (c) => {
    const { id } = c.req.valid('param');
    const record = await setCampaignStatus(deps.db, id, 'open', deps.now());
    forgetCampaign(deps.db, id);
    return c.json(record, 200);
  });
  app.openapi(statusRoute('close'), async (c) => {
    const { id } = c.req.valid('param');
    const record = await setCampaignStatus(deps.db, id, 'closed', deps.now());
    forgetCampaign(deps.db, id);
    // The final report. If asking fails, closing still stands: the schedule exports closed campaigns it missed.
    await deps.requestExport?.({ campaignId: id, trigger: 'close' }).catch((error: unknown) => {
      logger.error('export on close not requested; the schedule will retry', {
        campaignId: id,
        error: String(error),
      });
    });
    return c.json(record, 200);
  });
  app.openapi(audit, async (c) => {
    const { id } = c.req.valid('param');
    await requireCampaign(deps.db, id);
    return c.json(await listAudit(deps.db, id), 200);
  });
  return app;
}
