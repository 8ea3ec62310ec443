// Evaluator routes: the ballot page behind a code or an open link, the submit that takes JSON or a plain HTML
// form and answers in kind, the page's script, and on open links one ballot per device, a flood brake and the
// per-source quota.
import { BALLOT_BODY_MAX } from '@pingyi/domain';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { assetRoutes } from '../assets/index.ts';
import { limitBody } from '../body-limit.ts';
import { verifyCode } from '../codes.ts';
import type { AppDeps } from '../deps.ts';
import { isSameSubmission, type OpenLink, readDeviceMark, setDeviceMark } from '../device-cookie.ts';
import {
  ApiError,
  DeviceVotedError,
  ForgedCodeError,
  MalformedBodyError,
  PayloadTooLargeError,
  QuotaExceededError,
  RateLimitedError,
  ValidationError,
} from '../errors.ts';
import { evaluatorHeaders } from '../evaluator-headers.ts';
import { ballotFromForm, formValuesOf } from '../form.ts';
import { MAX_ISSUES, statusOf, toApiError } from '../on-error.ts';
import { BallotPage } from '../pages/ballot-page.tsx';
import { documentOf } from '../pages/layout.tsx';
import { ErrorPage, SuccessPage } from '../pages/message-page.tsx';
import { langOf } from '../pages/text.ts';
import { OPEN_LINK_LIMIT, type RateLimit, RateLimiter, sourceAddress, sourceKey } from '../rate-limit.ts';
import {
  ensureNotVoted,
  FORGED,
  newSubmissionId,
  resolveVoter,
  submitBallot,
  type Voter,
} from '../voting.ts';

const isJson = (c: Context) =>
  (c.req.header('content-type') ?? '').toLowerCase().includes('application/json');
const langOfRequest = (c: Context) => langOf(c.req.header('accept-language'));

const DEVICE_VOTED = '本设备已经提交过本次评议，每台设备只能提交一次。感谢您的参与！';

/** The open link a voter came through, if any: where the device cookie lives. */
function openLinkOf(voter: Voter, token: string): OpenLink | undefined {
  if (voter.group.channel !== 'open') return undefined;
  return {
    campaign: voter.campaignId,
    group: voter.group.id,
    path: `/b/${token}`,
    closesAt: voter.record.definition.window.closesAt,
  };
}

const submissionIdOf = (body: unknown) => {
  const id = (body as { submissionId?: unknown } | null)?.submissionId;
  return typeof id === 'string' ? id : '';
};

/**
 * The code of a ballot route, in its one canonical form: the path exactly as we print it (no percent-encoding, no
 * other spelling), so that a ballot's key and an open link's cookie path each have one form.
 */
function tokenOf(c: Context): string {
  const token = c.req.param('token') ?? '';
  if (new URL(c.req.url).pathname !== `/b/${token}`) throw new ForgedCodeError(FORGED);
  return token;
}

export interface BallotRouteOptions {
  /** per-container flood brake on open links (attempts); codes are single-use already */
  openLinkLimit?: RateLimit;
}

export function ballotRoutes(deps: AppDeps, options: BallotRouteOptions = {}) {
  // A plain Hono app: the evaluator path loads no OpenAPI code. The full app registers these routes' description
  // (ballots-doc.ts) for the document; they are handled here by hand, as the same route takes JSON and HTML forms
  // and answers in kind.
  const app = new Hono<{ Variables: { voter: Voter | undefined } }>();

  const limiter = new RateLimiter(options.openLinkLimit ?? OPEN_LINK_LIMIT);
  /** Before any read or parse: a flood on an open link costs one HMAC per request, and no write. */
  const limitOpenLinks: MiddlewareHandler = async (c, next) => {
    const claims = verifyCode(deps.codeSecret, c.req.param('token') ?? '');
    if (claims?.serial === 0) {
      const key = sourceKey(deps.codeSecret, claims.campaign, sourceAddress(c));
      const taken = limiter.take(key, deps.now());
      if (!taken.ok) {
        c.header('Retry-After', String(taken.retryAfterSeconds));
        throw new RateLimitedError('提交太频繁，请稍后再试');
      }
    }
    await next();
  };

  app.route('/', assetRoutes());
  // Only the page is worth compressing (tens of KB); a submit's answer is a few hundred bytes, and compressing it
  // cost about 1 ms of CPU per ballot (`npm run profile`).
  const compressPage = compress();
  app.use('/b/*', evaluatorHeaders, (c, next) => (c.req.method === 'GET' ? compressPage(c, next) : next()));

  // A page request that ends in a known error gets that error's page in the reader's language; the status
  // still comes from on-error.ts. JSON requests and unknown errors go on to the app's one error handler.
  app.onError((raw, c) => {
    const error = toApiError(raw);
    if (!(error instanceof ApiError) || isJson(c) || !c.req.path.startsWith('/b/')) throw raw;
    const campaign = c.get('voter')?.record.definition;
    return c.html(
      documentOf(<ErrorPage error={error} lang={langOfRequest(c)} campaign={campaign} />),
      statusOf(error),
    );
  });

  app.get('/b/:token', async (c) => {
    const token = tokenOf(c);
    const voter = await resolveVoter(deps, token);
    c.set('voter', voter);
    await ensureNotVoted(deps, voter);
    const link = openLinkOf(voter, token);
    if (link && readDeviceMark(deps.codeSecret, link, c)) throw new DeviceVotedError(DEVICE_VOTED);
    return c.html(
      documentOf(
        <BallotPage
          campaign={voter.record.definition}
          group={voter.group}
          action={`/b/${token}`}
          submissionId={newSubmissionId()}
          lang={langOfRequest(c)}
          rehearsal={voter.record.rehearsal === true}
        />,
      ),
    );
  });

  app.post(
    '/b/:token',
    limitOpenLinks,
    limitBody({
      maxSize: BALLOT_BODY_MAX,
      onError: () => {
        throw new PayloadTooLargeError('提交的内容过大（上限 64 KB），请精简意见建议后再提交');
      },
    }),
    async (c) => {
      const token = tokenOf(c);
      const voter = await resolveVoter(deps, token);
      c.set('voter', voter);
      const asJson = isJson(c);
      let body: unknown;
      if (asJson) {
        try {
          body = await c.req.json();
        } catch (error) {
          throw new MalformedBodyError('提交的内容格式有误（不是有效的 JSON）', undefined, { cause: error });
        }
      } else {
        // e.g. multipart/form-data without a boundary, or a body cut short: the voter's fault, not ours
        let form: Awaited<ReturnType<typeof c.req.parseBody>>;
        try {
          form = await c.req.parseBody({ all: true });
        } catch (error) {
          throw new MalformedBodyError('提交的内容格式有误，请重新打开评议表再提交', undefined, {
            cause: error,
          });
        }
        body = ballotFromForm(form);
      }

      const link = openLinkOf(voter, token);
      if (link) {
        const mark = readDeviceMark(deps.codeSecret, link, c);
        // the same submission again is a retry whose answer was lost: let it through for its receipt
        if (mark && !isSameSubmission(deps.codeSecret, link, mark, submissionIdOf(body))) {
          throw new DeviceVotedError(DEVICE_VOTED);
        }
      }

      let result: Awaited<ReturnType<typeof submitBallot>>;
      try {
        const source = link ? sourceKey(deps.codeSecret, voter.campaignId, sourceAddress(c)) : undefined;
        result = await submitBallot(deps, voter, body, source ? { source } : {});
      } catch (error) {
        if (error instanceof QuotaExceededError) c.header('Retry-After', String(error.retryAfterSeconds));
        if (asJson || !(error instanceof ValidationError)) throw error;
        const form = body as Record<string, unknown>;
        const again = (
          <BallotPage
            campaign={voter.record.definition}
            group={voter.group}
            action={`/b/${token}`}
            submissionId={submissionIdOf(form) || newSubmissionId()}
            lang={langOfRequest(c)}
            rehearsal={voter.record.rehearsal === true}
            values={formValuesOf(form)}
            issues={(error.issues ?? []).slice(0, MAX_ISSUES)}
          />
        );
        return c.html(documentOf(again), statusOf(error));
      }

      if (link) setDeviceMark(deps.codeSecret, link, c, result.submissionId, deps.now());
      const status = result.outcome === 'cast' ? 201 : 200;
      if (asJson) return c.json({ receipt: result.receipt }, status);
      const done = (
        <SuccessPage lang={langOfRequest(c)} receipt={result.receipt} campaign={voter.record.definition} />
      );
      return c.html(documentOf(done), status);
    },
  );
  return app;
}
