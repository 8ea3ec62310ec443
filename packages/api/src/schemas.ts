// Request and response schemas of the JSON API: the same zod schemas validate requests and make /api/openapi.json.
// Described with zod's own .meta(), which zod-to-openapi reads (`id` names a component), not .openapi(): plain zod
// schemas, whatever was imported first.
import { Ballot, Campaign } from '@pingyi/domain';
import * as z from 'zod';

export const CampaignDefinition = Campaign.meta({ id: 'Campaign', description: '评议方案（活动定义）' });
export const BallotBody = Ballot.meta({ id: 'Ballot', description: '一张评议表' });

export const CampaignParams = z.object({
  id: z.string().meta({ param: { name: 'id', in: 'path' }, example: '0a1b2c3d' }),
});
export const TokenParams = z.object({
  token: z.string().meta({ param: { name: 'token', in: 'path' }, description: '二维码上的评议码' }),
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'what to fix, at most 50' }),
      issueCount: z.number().int().optional().meta({ description: 'how many issues there were in all' }),
    }),
  })
  .meta({ id: 'Error' });

export const Status = z.enum(['draft', 'open', 'closed']);

export const CampaignSummary = z
  .object({ id: z.string(), title: z.string(), status: Status, createdAt: z.string() })
  .meta({ id: 'CampaignSummary' });

export const CampaignDetail = z
  .object({
    id: z.string(),
    status: Status,
    createdAt: z.string(),
    updatedAt: z.string(),
    issued: z.record(z.string(), z.number().int()),
    rehearsal: z.literal(true).optional().meta({
      description: 'opened as a rehearsal (试运行): its ballots are test data until it is wiped',
    }),
    definition: z.unknown().meta({ description: 'the validated campaign definition (see Campaign)' }),
  })
  .meta({ id: 'CampaignDetail' });

export const IssueCodesBody = z
  .object({ group: z.string().min(1), count: z.number().int().min(1).max(5000) })
  .meta({ id: 'IssueCodes' });

export const VoidCodeBody = z
  .object({ group: z.string().min(1), serial: z.number().int().min(1) })
  .meta({ id: 'VoidCode' });

export const IssuedCodes = z
  .object({
    codes: z.array(z.object({ serial: z.number().int(), token: z.string(), url: z.string() })),
  })
  .meta({ id: 'IssuedCodes' });

export const Receipt = z.object({ receipt: z.string() }).meta({ id: 'Receipt' });

const Rate = z.number().min(0).max(1).nullable();
const Counts = z.record(z.string(), z.number().int());
const QuestionResult = z
  .object({
    counts: Counts,
    valid: z.number().int(),
    positiveRate: Rate,
    neutralRate: Rate,
    negativeRate: Rate,
    neutralOrNegativeRate: Rate,
    byGroup: z.record(
      z.string(),
      z.object({ counts: Counts, valid: z.number().int(), mean: z.number().nullable() }),
    ),
    weightedScore: z.number().nullable(),
  })
  .meta({ id: 'QuestionResult' });

/** 计票核对 of a closing: the recount of the ballots, and how the live count compared with it. */
export const Verification = z
  .object({
    ballots: z.number().int().meta({ description: 'ballots recounted one by one' }),
    live: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'ballots in the live count; null: no consistent read' }),
    differences: z.number().int().nullable().meta({ description: 'counters that differ; 0 when they agree' }),
    agreed: z.boolean(),
    verifiedAt: z.string(),
  })
  .meta({
    id: 'Verification',
    // its one use is a report's, whose description the document has always shown here (routes/reports.ts)
    description: 'a report of a closed campaign: made from the recount; how the live count compared',
  });

export const ResultsBody = z
  .object({
    campaignId: z.string(),
    status: Status,
    asOf: z.string(),
    ballots: z.number().int(),
    turnout: z.record(
      z.string(),
      z.object({ ballots: z.number().int(), issued: z.number().int().nullable() }),
    ),
    subjects: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        name: z.string(),
        title: z.string().optional(),
        unit: z.string().optional(),
        rank: z.number().int().nullable(),
        overall: QuestionResult,
        items: z.record(z.string(), QuestionResult),
        flags: z.array(
          z.object({
            flag: z.string(),
            metric: z.string(),
            above: z.string().optional(),
            below: z.string().optional(),
          }),
        ),
        rulesEvaluated: z.boolean(),
        belowMinimum: z.boolean(),
        comments: z.number().int(),
      }),
    ),
    matters: z.object({
      best: z.array(z.object({ option: z.string(), count: z.number().int() })),
      worst: z.array(z.object({ option: z.string(), count: z.number().int() })),
      otherBest: z.array(z.object({ text: z.string(), count: z.number().int() })),
      otherWorst: z.array(z.object({ text: z.string(), count: z.number().int() })),
    }),
    rehearsal: z.literal(true).optional().meta({
      description:
        'present on a rehearsal (试运行): every ballot counted here is test data, wiped before the formal opening',
    }),
    final: z.boolean().meta({
      description:
        'true once the closing report exists: the counts are its verified recount and never change',
    }),
    settled: z.boolean().meta({
      description:
        'true when the counts are a consistent cut read now; false when the aggregates were mid-update for ' +
        'the whole read and this is the last consistent cut this server saw (asOf tells when)',
    }),
    pace: z
      .array(z.object({ minute: z.string(), ballots: z.number().int() }))
      .optional()
      .meta({
        description:
          'live answers: ballots per minute (UTC `YYYY-MM-DDTHH:MM`, by when the table recorded them), oldest ' +
          'first, minutes with ballots only, at most the latest 1,440; read in the same cut as the counts',
      }),
    verification: z
      .object({
        ballots: z.number().int(),
        live: z.number().int().nullable(),
        differences: z.number().int().nullable(),
        agreed: z.boolean(),
        verifiedAt: z.string(),
      })
      .optional()
      .meta({
        description: 'a final answer: how the recount of the ballots compared with the live count',
      }),
  })
  .meta({ id: 'Results' });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const errorResponse = (description: string) => json(ErrorBody, description);

/** A whole HTML page in the reader's language (zh-CN, or en when the browser ranks English first). */
const htmlPage = { schema: { type: 'string' as const, description: 'an HTML document' } };

/** An evaluator page: HTML for a browser. */
export const html = (description: string) => ({ content: { 'text/html': htmlPage }, description });

/** An answer to a submit, in the format it came in: JSON for the script and API clients, HTML for a plain form. */
export const jsonOrHtml = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema }, 'text/html': htmlPage },
  description,
});

/** Every organizer operation answers 401 before anything else without the right token. */
export const organizerErrors = {
  401: errorResponse('no organizer token, or a wrong one (Authorization: Bearer <token>)'),
};

/** Every operation that requires a JSON body: another content type is refused before it is read. */
export const jsonBodyErrors = {
  415: errorResponse('the body is not application/json'),
};

/**
 * The ballot page's plain form (`application/x-www-form-urlencoded`), as `form.ts` reads it. Subject and item
 * ids contain no dot, so the names split unambiguously; unknown fields are ignored.
 */
export const BallotForm = {
  type: 'object' as const,
  description: '评议表页面提交的表单（无脚本时）',
  properties: {
    submissionId: {
      type: 'string' as const,
      description: 'the id the page was rendered with; a retry repeats it',
    },
    best: {
      type: 'array' as const,
      items: { type: 'string' as const },
      description: 'picked matters (repeated)',
    },
    worst: {
      type: 'array' as const,
      items: { type: 'string' as const },
      description: 'picked matters (repeated)',
    },
    otherBest: { type: 'string' as const },
    otherWorst: { type: 'string' as const },
  },
  patternProperties: {
    '^a\\.[^.]+$': { type: 'string' as const, description: 'a.<subject>: the overall rating' },
    '^a\\.[^.]+\\.[^.]+$': { type: 'string' as const, description: 'a.<subject>.<item>: an item rating' },
    '^c\\.[^.]+$': { type: 'string' as const, description: 'c.<subject>: a comment' },
  },
};
