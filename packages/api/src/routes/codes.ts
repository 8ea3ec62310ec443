// Code routes for organizers: issue single-use codes for token and paper groups, and the open-channel links.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requireCampaign, reserveSerials, voidCode } from '@pingyi/data';
import * as z from 'zod';
import { actorOf } from '../auth.ts';
import { forgetCampaign } from '../campaign-cache.ts';
import { MAX_SERIAL, signCode } from '../codes.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import {
  CampaignParams,
  errorResponse,
  IssueCodesBody,
  IssuedCodes,
  json,
  jsonBodyErrors,
  organizerErrors,
  VoidCodeBody,
} from '../schemas.ts';

const security = [{ organizer: [] }];
const tags = ['codes'];

const issue = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/codes',
  operationId: 'issueCodes',
  tags,
  security,
  summary: '为二维码或纸质评议人类别生成一次性评议码',
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: IssueCodesBody } }, required: true },
  },
  responses: {
    201: json(IssuedCodes, 'the new codes; each works once'),
    400: errorResponse(
      'unknown group, a group of the open channel, too many codes, or a body that is not JSON',
    ),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    ...jsonBodyErrors,
  },
});

const links = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/links',
  operationId: 'listOpenLinks',
  tags,
  security,
  summary: '公开渠道评议人类别的评议链接',
  request: { params: CampaignParams },
  responses: {
    200: json(z.record(z.string(), z.string()), 'group id → link'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

const voidOne = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/codes/void',
  operationId: 'voidCode',
  tags,
  security,
  summary: '作废一个未使用的评议码（纸条遗失）；其链接此后不能投票',
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: VoidCodeBody } }, required: true },
  },
  responses: {
    200: json(z.object({ group: z.string(), serial: z.number().int() }), 'the code is void'),
    400: errorResponse('unknown group, or a serial that was never issued'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    409: errorResponse('the code has voted: a counted ballot is never undone'),
    ...jsonBodyErrors,
  },
});

export function codeRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  const urlOf = (token: string) => `${deps.publicUrl}/b/${token}`;

  app.openapi(issue, async (c) => {
    const { id } = c.req.valid('param');
    const { group, count } = c.req.valid('json');
    const record = await requireCampaign(deps.db, id);
    const groupIndex = record.definition.groups.findIndex((g) => g.id === group);
    const found = record.definition.groups[groupIndex];
    if (!found) {
      throw new ValidationError('没有这个评议人类别', [
        { path: 'group', message: `未定义的评议人类别：${group}` },
      ]);
    }
    if (found.channel === 'open') {
      throw new ValidationError('公开渠道的评议人类别使用公开链接，不发放评议码', [
        { path: 'group', message: '请使用 GET /api/campaigns/{id}/links' },
      ]);
    }
    if ((record.issued[group] ?? 0) + count > MAX_SERIAL) {
      throw new ValidationError('评议码数量超过上限', [
        { path: 'count', message: `每个类别最多 ${MAX_SERIAL} 个` },
      ]);
    }
    const { first } = await reserveSerials(deps.db, id, group, count, deps.now(), actorOf(c));
    const codes = Array.from({ length: count }, (_, i) => {
      const token = signCode(deps.codeSecret, { campaign: id, groupIndex, serial: first + i });
      return { serial: first + i, token, url: urlOf(token) };
    });
    return c.json({ codes }, 201);
  });

  app.openapi(voidOne, async (c) => {
    const { id } = c.req.valid('param');
    const { group, serial } = c.req.valid('json');
    const record = await requireCampaign(deps.db, id);
    const found = record.definition.groups.find((g) => g.id === group);
    if (!found || found.channel === 'open') {
      throw new ValidationError('没有这个发放评议码的评议人类别', [
        { path: 'group', message: `不是发放评议码的评议人类别：${group}` },
      ]);
    }
    await voidCode(deps.db, id, group, serial, deps.now(), actorOf(c));
    forgetCampaign(deps.db, id);
    return c.json({ group, serial }, 200);
  });

  app.openapi(links, async (c) => {
    const { id } = c.req.valid('param');
    const record = await requireCampaign(deps.db, id);
    const result: Record<string, string> = {};
    record.definition.groups.forEach((g, groupIndex) => {
      if (g.channel === 'open')
        result[g.id] = urlOf(signCode(deps.codeSecret, { campaign: id, groupIndex, serial: 0 }));
    });
    return c.json(result, 200);
  });
  return app;
}
