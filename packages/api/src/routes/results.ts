// Live results for organizers: read from the aggregates, computed by the domain's results math.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { readTally, requireCampaign } from '@pingyi/data';
import { computeResults } from '@pingyi/domain';
import type { AppDeps } from '../deps.ts';
import { CampaignParams, errorResponse, json, organizerErrors, ResultsBody } from '../schemas.ts';

const results = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/results',
  operationId: 'getResults',
  tags: ['results'],
  security: [{ organizer: [] }],
  summary: '实时评议结果',
  request: { params: CampaignParams },
  responses: {
    200: json(ResultsBody, 'results as of now'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
  },
});

export function resultRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.openapi(results, async (c) => {
    const { id } = c.req.valid('param');
    const record = await requireCampaign(deps.db, id);
    const tally = await readTally(deps.db, id);
    const body = computeResults({
      campaignId: id,
      campaign: record.definition,
      status: record.status,
      asOf: deps.now().toISOString(),
      tally,
      issued: record.issued,
    });
    return c.json(body, 200);
  });
  return app;
}
