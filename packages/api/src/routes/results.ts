// Results for organizers: a consistent cut of the live aggregates, or the verified tally once a closing report exists.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  type CampaignRecord,
  type Db,
  type Pace,
  readConsistentCut,
  readFinalTally,
  requireCampaign,
  UnsettledAggregatesError,
  type Verification,
} from '@pingyi/data';
import { computeResults, type Results, type Tally } from '@pingyi/domain';
import type { AppDeps } from '../deps.ts';
import { CampaignParams, errorResponse, json, organizerErrors, ResultsBody } from '../schemas.ts';

const results = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/results',
  operationId: 'getResults',
  tags: ['results'],
  security: [{ organizer: [] }],
  summary: '评议结果（实时一致读数；结束后为复核定稿）',
  request: { params: CampaignParams },
  responses: {
    200: json(ResultsBody, 'results: one consistent count'),
    ...organizerErrors,
    404: errorResponse('no such campaign'),
    503: errorResponse('the live aggregates were mid-update throughout the read and no earlier cut is known'),
  },
});

export type ResultsAnswer = Results & {
  final: boolean;
  settled: boolean;
  verification?: Verification;
  pace?: { minute: string; ballots: number }[];
};

/** The most minutes a live answer lists: a day of voting at the dashboard's resolution. */
const PACE_MINUTES = 1440;

const paceOf = (pace: Pace) =>
  Object.entries(pace)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .slice(-PACE_MINUTES)
    .map(([minute, ballots]) => ({ minute, ballots }));

/**
 * The last consistent live answer per campaign in this process: shown (with `settled: false` and its own asOf)
 * when a read cannot settle, so a failed batch awaiting redelivery never shows a torn count.
 */
const lastSettled = new Map<string, ResultsAnswer>();

function remember(key: string, answer: ResultsAnswer) {
  if (lastSettled.size > 500) lastSettled.clear();
  lastSettled.set(key, answer);
}

function answer(
  record: CampaignRecord,
  tally: Tally,
  asOf: string,
  extra: Pick<ResultsAnswer, 'final' | 'settled' | 'verification' | 'pace'>,
): ResultsAnswer {
  const computed = computeResults({
    campaignId: record.id,
    campaign: record.definition,
    status: record.status,
    asOf,
    tally,
    issued: record.issued,
    rehearsal: record.rehearsal === true,
  });
  return { ...computed, ...extra };
}

/**
 * The record of a closed campaign: its results from the verified tally of its last closing, or undefined while the
 * campaign is not closed or its closing report is not made yet. Publications and feedback links show only this.
 */
export async function readClosingResults(
  db: Db,
  record: CampaignRecord,
): Promise<(ResultsAnswer & { verification: Verification }) | undefined> {
  if (record.status !== 'closed') return undefined;
  const final = await readFinalTally(db, record.id, record.closedAt ?? record.updatedAt);
  if (!final) return undefined;
  const { verification } = final;
  return {
    ...answer(record, final.tally, verification.verifiedAt, { final: true, settled: true, verification }),
    verification,
  };
}

/** The results of a campaign as one consistent count (what the API, the console and the dashboard show). */
export async function readResults(db: Db, id: string, now: Date): Promise<ResultsAnswer> {
  // The cut does not depend on the record: both reads run at once, so a live answer costs two round trips, not
  // three (the cut's own two stay in order: commit first). A closed campaign with its final tally drops the cut.
  const reading = readConsistentCut(db, id);
  reading.catch(() => {});
  const record = await requireCampaign(db, id);
  const closing = await readClosingResults(db, record);
  if (closing) return closing;
  const key = `${db.tableName}\u0000${id}`;
  const cut = await reading;
  if (cut.settled) {
    const live = answer(record, cut.tally, now.toISOString(), {
      final: false,
      settled: true,
      pace: paceOf(cut.pace),
    });
    remember(key, live);
    return live;
  }
  const previous = lastSettled.get(key);
  if (!previous) throw new UnsettledAggregatesError(id, cut.ahead);
  // Same counts as then; the record's status and issued codes are today's.
  return { ...previous, status: record.status, settled: false };
}

export function resultRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.openapi(results, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await readResults(deps.db, id, deps.now()), 200);
  });
  return app;
}
