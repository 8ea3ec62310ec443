// Campaign routes for organizers: create from a definition, read, list, open and close, a county admin's reopening,
// the audit trail, and how the open channel's ballots spread over sources.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  createCampaign,
  listAudit,
  listCampaigns,
  openChannelCounts,
  reopenCampaign,
  requireCampaign,
  setCampaignStatus,
} from '@pingyi/data';
import { openChannelQuota } from '@pingyi/domain';
import { logger } from '@pingyi/runtime/logger';
import * as z from 'zod';
import { actorOf, COUNTY_ADMIN } from '../auth.ts';
import { forgetCampaign } from '../campaign-cache.ts';
import type { AppDeps } from '../deps.ts';
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
    summary:
      to === 'open'
        ? '开始评议（草稿 → 进行中；还需当前时间在评议时间内）'
        : '结束评议（结束是最终的：只有县级管理员说明理由才能重新开放）',
    request: { params: CampaignParams },
    responses: {
      200: json(CampaignDetail, 'the campaign with its new status'),
      ...organizerErrors,
      404: errorResponse('no such campaign'),
      409: errorResponse('the current status does not allow this change'),
    },
  });

/** Opening may make the campaign a rehearsal (试运行). */
const openRoute = createRoute({
  ...statusRoute('open'),
  request: {
    params: CampaignParams,
    query: z.object({
      rehearsal: z.string().optional().meta({
        description:
          '`true`: open as a rehearsal (试运行): its ballots are marked as test data everywhere and are wiped before the formal opening',
      }),
    }),
  },
});

const ReopenBody = z
  .object({
    reason: z
      .string()
      .trim()
      .min(5, '请写明重新开放的理由（至少 5 个字）')
      .max(500)
      .meta({ example: '部分村组因停电未能参评，经领导小组研究决定延长评议' }),
  })
  .meta({ id: 'Reopen' });

const reopen = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/reopen',
  operationId: 'reopenCampaign',
  tags,
  security,
  summary: '重新开放已结束的评议活动（县级管理员，须说明理由；记入变更记录，结束时的报告标记为已被取代）',
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: ReopenBody } }, required: true },
  },
  responses: {
    200: json(CampaignDetail, 'the campaign, open again'),
    400: errorResponse('no reason given'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    409: errorResponse('the campaign is not closed'),
    ...jsonBodyErrors,
  },
});

const SourceCounts = z.object({
  source: z.string().meta({
    description: 'keyed digest of a network source (shortened): tells sources apart, names none',
  }),
  ballots: z.number().int(),
  refused: z.number().int(),
  windows: z.number().int(),
});

const OpenChannelSpread = z
  .object({
    perSource: z.number().int().meta({ description: 'the quota: ballots per source per window' }),
    windowMinutes: z.number().int(),
    ballots: z
      .number()
      .int()
      .meta({ description: 'open-channel ballots accepted, as the quota counted them' }),
    refused: z.number().int().meta({ description: 'open-channel ballots refused by the quota' }),
    sources: z.number().int().meta({ description: 'distinct sources' }),
    sourcesRefused: z.number().int().meta({ description: 'sources refused at least once' }),
    distribution: z
      .array(z.object({ ballots: z.string(), sources: z.number().int() }))
      .meta({ description: 'how many sources sent how many accepted ballots' }),
    top: z
      .array(SourceCounts)
      .meta({ description: 'the sources with the most ballots, then the most refusals' }),
    windows: z.array(
      z.object({
        start: z.string(),
        ballots: z.number().int(),
        refused: z.number().int(),
        sources: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'OpenChannelSpread' });

const spread = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/open-channel',
  operationId: 'getOpenChannelSpread',
  tags,
  security,
  summary: '公开渠道的评议来源分布（按网络来源的加密摘要统计，不关联任何评议表）',
  request: {
    params: CampaignParams,
    query: z.object({ top: z.coerce.number().int().min(1).max(1000).default(20) }),
  },
  responses: {
    200: json(OpenChannelSpread, 'the spread'),
    400: errorResponse('top is not a whole number from 1 to 1000'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

/** Buckets of accepted ballots per source: one voter, a household or a small office, a larger site, a hall. */
const BUCKETS: [string, number, number][] = [
  ['1', 1, 1],
  ['2–5', 2, 5],
  ['6–20', 6, 20],
  ['21–100', 21, 100],
  ['>100', 101, Number.POSITIVE_INFINITY],
];

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
      z.array(
        z.object({
          at: z.string(),
          action: z.string(),
          detail: z.record(z.string(), z.unknown()),
          actor: z
            .discriminatedUnion('type', [
              z.object({ type: z.literal('account'), name: z.string() }),
              z.object({ type: z.literal('service') }),
              z.object({ type: z.literal('system') }),
              z.object({ type: z.literal('client'), digest: z.string() }),
              // the holder of a subject's feedback link (反馈链接), who keeps its rectification measures
              z.object({ type: z.literal('feedback'), subject: z.string() }),
            ])
            .optional()
            .meta({
              description: 'who made the change; absent on entries written before actors were recorded',
            }),
          campaign: z.string().optional(),
        }),
      ),
      'entries, oldest first, each with its actor',
    ),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

export function campaignRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.openapi(create, async (c) => {
    const record = await createCampaign(deps.db, c.req.valid('json'), deps.now(), actorOf(c));
    return c.json({ id: record.id }, 201);
  });
  app.openapi(list, async (c) => c.json(await listCampaigns(deps.db), 200));
  app.openapi(get, async (c) => c.json(await requireCampaign(deps.db, c.req.valid('param').id), 200));
  app.openapi(openRoute, async (c) => {
    const { id } = c.req.valid('param');
    const rehearsal = c.req.valid('query').rehearsal === 'true';
    const record = await setCampaignStatus(deps.db, id, 'open', deps.now(), actorOf(c), { rehearsal });
    forgetCampaign(deps.db, id);
    return c.json(record, 200);
  });
  app.openapi(statusRoute('close'), async (c) => {
    const { id } = c.req.valid('param');
    const record = await setCampaignStatus(deps.db, id, 'closed', deps.now(), actorOf(c));
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
  app.openapi(reopen, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const actor = actorOf(c);
    const by = actor.type === 'account' ? actor.name : COUNTY_ADMIN;
    const record = await reopenCampaign(deps.db, id, { reason, by }, deps.now(), actor);
    forgetCampaign(deps.db, id);
    logger.info('campaign reopened', { campaignId: id });
    return c.json(record, 200);
  });
  app.openapi(spread, async (c) => {
    const { id } = c.req.valid('param');
    const { top } = c.req.valid('query');
    const record = await requireCampaign(deps.db, id);
    const counts = await openChannelCounts(deps.db, id);
    const sources = counts.sources.map((s) => ({ ...s, source: s.source.slice(0, 10) }));
    const sum = (key: 'ballots' | 'refused') => sources.reduce((n, s) => n + s[key], 0);
    return c.json(
      {
        ...openChannelQuota(record.definition),
        ballots: sum('ballots'),
        refused: sum('refused'),
        sources: sources.length,
        sourcesRefused: sources.filter((s) => s.refused > 0).length,
        distribution: BUCKETS.map(([label, low, high]) => ({
          ballots: label,
          sources: sources.filter((s) => s.ballots >= low && s.ballots <= high).length,
        })),
        top: [...sources]
          .sort((a, b) => b.ballots - a.ballots || b.refused - a.refused || a.source.localeCompare(b.source))
          .slice(0, top),
        windows: counts.windows.sort((a, b) => a.start.localeCompare(b.start)),
      },
      200,
    );
  });
  app.openapi(audit, async (c) => {
    const { id } = c.req.valid('param');
    await requireCampaign(deps.db, id);
    return c.json(await listAudit(deps.db, id), 200);
  });
  return app;
}
