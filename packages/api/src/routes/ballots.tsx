// Evaluator routes: the ballot page behind a code, and the submit that accepts JSON or a plain HTML form.
import { randomBytes } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { BALLOT_BODY_MAX } from '@pingyi/domain';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../deps.ts';
import { MalformedBodyError, PayloadTooLargeError, ValidationError } from '../errors.ts';
import { ballotFromForm, formValuesOf } from '../form.ts';
import { statusOf } from '../on-error.ts';
import { BallotPage } from '../pages/ballot-page.tsx';
import { MessagePage, thanksMessage } from '../pages/message-page.tsx';
import { BallotBody, errorResponse, json, Receipt, TokenParams } from '../schemas.ts';
import { ensureNotVoted, resolveVoter, submitBallot } from '../voting.ts';

const tags = ['ballots'];

const page = createRoute({
  method: 'get',
  path: '/b/{token}',
  tags,
  summary: '评议表页面（HTML，zh-CN）',
  request: { params: TokenParams },
  responses: {
    200: { description: 'the ballot page', content: { 'text/html': { schema: { type: 'string' } } } },
    403: { description: 'forged code' },
    409: { description: 'code already used' },
    410: { description: 'campaign not open (closed, or outside its window)' },
  },
});

const submit = createRoute({
  method: 'post',
  path: '/b/{token}',
  tags,
  summary: '提交评议表（JSON，或页面的表单）',
  request: {
    params: TokenParams,
    body: { content: { 'application/json': { schema: BallotBody } }, required: true },
  },
  responses: {
    201: json(Receipt, 'accepted: the ballot is stored'),
    200: json(Receipt, 'a retry with the same submissionId: the original receipt'),
    400: errorResponse('invalid ballot; issues say what to fix, in Chinese'),
    403: errorResponse('forged code'),
    409: errorResponse('code already used'),
    410: errorResponse('campaign not open'),
    413: errorResponse('body over 64 KiB'),
    429: errorResponse('too many requests'),
  },
});

const isJson = (c: Context) =>
  (c.req.header('content-type') ?? '').toLowerCase().includes('application/json');
const newSubmissionId = () => randomBytes(18).toString('base64url');

export function ballotRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  // Documented here, handled below by hand: the same route takes JSON and HTML forms, and answers in kind.
  app.openAPIRegistry.registerPath(page);
  app.openAPIRegistry.registerPath(submit);

  app.use('/b/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  });

  app.get('/b/:token', async (c) => {
    const token = c.req.param('token');
    const voter = await resolveVoter(deps, token);
    await ensureNotVoted(deps, voter);
    return c.html(
      `<!DOCTYPE html>${(
        <BallotPage
          campaign={voter.record.definition}
          group={voter.group}
          action={`/b/${token}`}
          submissionId={newSubmissionId()}
        />
      )}`,
    );
  });

  app.post(
    '/b/:token',
    bodyLimit({
      maxSize: BALLOT_BODY_MAX,
      onError: () => {
        throw new PayloadTooLargeError('提交的内容过大（上限 64 KB），请精简意见建议后再提交');
      },
    }),
    async (c) => {
      const token = c.req.param('token');
      const voter = await resolveVoter(deps, token);
      if (isJson(c)) {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch (error) {
          throw new MalformedBodyError('提交的内容格式有误（不是有效的 JSON）', undefined, { cause: error });
        }
        const result = await submitBallot(deps, voter, body);
        return c.json({ receipt: result.receipt }, result.outcome === 'cast' ? 201 : 200);
      }
      const body = ballotFromForm(await c.req.parseBody({ all: true }));
      try {
        const result = await submitBallot(deps, voter, body);
        const thanks = (
          <MessagePage
            title="提交成功"
            message={thanksMessage}
            receipt={result.receipt}
            campaignTitle={voter.record.definition.title}
          />
        );
        return c.html(`<!DOCTYPE html>${thanks}`, result.outcome === 'cast' ? 201 : 200);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const values = formValuesOf(body);
        const again = (
          <BallotPage
            campaign={voter.record.definition}
            group={voter.group}
            action={`/b/${token}`}
            submissionId={typeof body.submissionId === 'string' ? body.submissionId : newSubmissionId()}
            values={values}
            issues={error.issues ?? []}
          />
        );
        return c.html(`<!DOCTYPE html>${again}`, statusOf(error));
      }
    },
  );
  return app;
}
