// The OpenAPI description of the evaluator routes (GET and POST /b/{token}), which the full app registers for the
// document. Their one implementation is routes/ballots.tsx, on the evaluator path that loads no OpenAPI code.
import { createRoute } from '@hono/zod-openapi';
import { BallotBody, BallotForm, ErrorBody, html, jsonOrHtml, Receipt, TokenParams } from '../schemas.ts';

const tags = ['ballots'];

// The code in the path is the evaluator's only credential: no organizer token (security: []).
export const ballotPage = createRoute({
  method: 'get',
  path: '/b/{token}',
  operationId: 'getBallotPage',
  tags,
  security: [],
  summary: '评议表页面（HTML，zh-CN；浏览器偏好英文时界面为 en）',
  request: { params: TokenParams },
  responses: {
    200: html('the ballot page'),
    403: html('not a valid code: a page that says so'),
    409: html(
      'code already used, or this device already voted on the open link (with its receipt if it was this phone)',
    ),
    410: html('campaign not open (closed, or outside its window)'),
  },
});

export const ballotSubmit = createRoute({
  method: 'post',
  path: '/b/{token}',
  operationId: 'submitBallot',
  tags,
  security: [],
  summary: '提交评议表（JSON，或页面的表单）；以提交的格式回答',
  request: {
    params: TokenParams,
    body: {
      content: {
        'application/json': { schema: BallotBody },
        'application/x-www-form-urlencoded': { schema: BallotForm },
      },
      required: true,
    },
  },
  responses: {
    201: jsonOrHtml(Receipt, 'accepted: the ballot is stored (JSON: the receipt; form: the success page)'),
    200: jsonOrHtml(Receipt, 'a retry with the same submissionId: the original receipt'),
    400: jsonOrHtml(
      ErrorBody,
      'invalid ballot; JSON: issues say what to fix, in Chinese; form: the ballot again, answers kept, with the list',
    ),
    403: jsonOrHtml(ErrorBody, 'not a valid code'),
    409: jsonOrHtml(ErrorBody, 'code already used, or this device already voted on the open link'),
    410: jsonOrHtml(ErrorBody, 'campaign not open'),
    413: jsonOrHtml(ErrorBody, 'body over 64 KiB'),
    429: jsonOrHtml(
      ErrorBody,
      "open link: the source's quota for this window is used up (quota_exceeded), or too many attempts at once (rate_limited); see Retry-After",
    ),
    503: jsonOrHtml(
      ErrorBody,
      'stored, but not all of its comments yet: send the same ballot again with the same submissionId',
    ),
  },
});
