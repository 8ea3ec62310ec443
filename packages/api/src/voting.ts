// Voting: from a scanned code to a counted ballot. One campaign read (usually cached), one conditional write; on an
// open link also one quota counter, shared by every container.
import { randomBytes } from 'node:crypto';
// the data package by module: its index re-exports every repository, and all would load at the api's cold start
import { type CastInput, type CastOutcome, castBallot, hasVoted, storedOutcome } from '@pingyi/data/ballots';
import type { CampaignRecord } from '@pingyi/data/campaigns';
import { CommentsNotStoredError } from '@pingyi/data/errors';
import { codeBallot, openBallot, submissionDigest } from '@pingyi/data/keys';
import { countQuotaRefusal, type QuotaSlot, releaseQuotaSlot, takeQuotaSlot } from '@pingyi/data/quotas';
import {
  Ballot,
  type BallotIssue,
  checkBallot,
  type Group,
  openChannelQuota,
  quotaWindow,
  windowState,
} from '@pingyi/domain';
import { logger } from '@pingyi/runtime/logger';
import type * as z from 'zod';
import { cachedCampaign } from './campaign-cache.ts';
import { verifyCode } from './codes.ts';
import type { AppDeps } from './deps.ts';
import {
  CodeUsedError,
  ForgedCodeError,
  type Issue,
  NotOpenError,
  QuotaExceededError,
  ValidationError,
  VoidCodeError,
} from './errors.ts';

export interface Voter {
  campaignId: string;
  record: CampaignRecord;
  group: Group;
  /** the ballot key of a code; open links get one per submission */
  codeKey?: string;
}

export const VOIDED =
  '这个评议码已被组织者作废（例如纸条遗失后补发了新码），不能再用于评议。如果您手中是这张纸条，请向组织者索取新的评议码。';

export const FORGED = '这个评议码无效，请核对二维码是否完整，或向组织者索取新的评议码';

/** Resolves a token to its campaign and group, or says why it cannot vote (403 forged, 410 not open). */
export async function resolveVoter(deps: AppDeps, token: string): Promise<Voter> {
  const claims = verifyCode(deps.codeSecret, token);
  if (!claims) throw new ForgedCodeError(FORGED);
  const now = deps.now();
  let record = await cachedCampaign(deps.db, claims.campaign);
  let group = record?.definition.groups[claims.groupIndex];
  // A code issued after the cached read: read again before calling it forged.
  if (record && group && claims.serial > (record.issued[group.id] ?? 0)) {
    record = await cachedCampaign(deps.db, claims.campaign, true);
    group = record?.definition.groups[claims.groupIndex];
  }
  if (!record || !group) throw new ForgedCodeError(FORGED);
  if (claims.serial === 0) {
    if (group.channel !== 'open') throw new ForgedCodeError(FORGED);
  } else if (group.channel === 'open' || claims.serial > (record.issued[group.id] ?? 0)) {
    throw new ForgedCodeError(FORGED);
  }
  if (claims.serial > 0 && record.voided[group.id]?.includes(claims.serial)) throw new VoidCodeError(VOIDED);
  ensureVotingOpen(record, now);
  const voter: Voter = { campaignId: claims.campaign, record, group };
  if (claims.serial > 0) voter.codeKey = codeBallot(group.id, claims.serial);
  return voter;
}

/** One formatter per time zone, built on first use: building one costs about 0.5 ms, on every ballot before. */
const windowFormats = new Map<string, Intl.DateTimeFormat>();

function formatWindowTime(iso: string, timeZone: string): string {
  let format = windowFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('zh-CN', {
      timeZone,
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    windowFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export function ensureVotingOpen(record: CampaignRecord, now: Date): void {
  const { window, timezone } = record.definition;
  const state = windowState(record.definition, now);
  // The window's wording is only needed when voting is refused.
  const span = () =>
    `评议时间为 ${formatWindowTime(window.opensAt, timezone)} 至 ${formatWindowTime(window.closesAt, timezone)}`;
  if (record.status === 'closed' || state === 'after')
    throw new NotOpenError(`本次评议已结束。${span()}`, window);
  if (record.status !== 'open' || state === 'before')
    throw new NotOpenError(`本次评议尚未开始。${span()}`, window);
}

/** For the ballot page: a code that has voted is told so before filling anything in. */
export async function ensureNotVoted(deps: AppDeps, voter: Voter): Promise<void> {
  if (voter.codeKey && (await hasVoted(deps.db, voter.campaignId, voter.codeKey))) {
    throw new CodeUsedError('这个评议码已经投过票了，每个评议码只能使用一次。感谢您的参与！');
  }
}

const toIssues = (issues: BallotIssue[]): Issue[] =>
  issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The message names the first problem, so a client that shows one line still shows the useful one. */
function ballotError(issues: Issue[]): ValidationError {
  const [first] = issues;
  const more = issues.length > 1 ? `（另有 ${issues.length - 1} 处需要处理）` : '';
  return new ValidationError(`评议表填写有误：${first?.message ?? '请检查后再提交'}${more}`, issues);
}

/** A submission id as a client makes one (the page does): 24 URL-safe characters. */
export const newSubmissionId = () => randomBytes(18).toString('base64url');

export type SubmitOutcome = {
  outcome: 'cast' | 'repeat';
  receipt: string;
  /** the client's, or the one the server made for a ballot sent without: the device cookie is bound to it */
  submissionId: string;
  voter: Voter;
};

export interface SubmitOptions {
  /** keyed digest of the request's source (rate-limit.ts): open links count ballots per source */
  source?: string;
}

/**
 * Validates and casts a resolved voter's ballot. Nothing is stored unless every check passed. A ballot sent without
 * a submission id gets one here, stored with it like a client's, so that every stored ballot (and an open link's
 * device cookie) is bound to a real submission.
 */
export async function submitBallot(
  deps: AppDeps,
  voter: Voter,
  body: unknown,
  options: SubmitOptions = {},
): Promise<SubmitOutcome> {
  const parsed = Ballot.safeParse(body);
  if (!parsed.success) throw ballotError(zodIssues(parsed.error));
  const checked = checkBallot(voter.record.definition, voter.group, parsed.data);
  if (!checked.ok) throw ballotError(toIssues(checked.issues));
  const submissionId = parsed.data.submissionId ?? newSubmissionId();
  const input: CastInput = {
    campaign: voter.campaignId,
    // an open link's ballot is keyed by the submission's digest; a code's by the code (no digest to make)
    ballotKey:
      voter.codeKey ??
      openBallot(voter.group.id, submissionDigest(deps.codeSecret, voter.campaignId, submissionId)),
    ballot: checked.ballot,
    comments: checked.comments,
    submissionId,
    secret: deps.codeSecret,
  };
  const result = voter.codeKey
    ? await castBallot(deps.db, input)
    : await castWithinQuota(deps, voter, input, options.source ?? 'unknown', deps.now());
  if (result.outcome === 'used') {
    throw new CodeUsedError('这个评议码已经投过票了，每个评议码只能使用一次。感谢您的参与！');
  }
  return { ...result, submissionId, voter };
}

const windowText = (minutes: number) => {
  if (minutes === 1440) return '每天';
  if (minutes === 60) return '每小时';
  if (minutes % 1440 === 0) return `每 ${minutes / 1440} 天`;
  if (minutes % 60 === 0) return `每 ${minutes / 60} 小时`;
  return `每 ${minutes} 分钟`;
};

/**
 * An open-link ballot: a slot of the source's quota is taken first (atomically, in the table), then the ballot is
 * cast; a submit that stores no new ballot (a retry) gives its slot back. When the quota is used up, a retry of a
 * ballot already stored still gets its receipt; anything else is refused until the window ends.
 *
 * This is the open channel's gate, and the seam for a stronger one (README, "A stronger gate later"): a county
 * with WeChat sign-in would check its pass here and key the ballot by an HMAC of (campaign, openid) instead of
 * the submission's digest, so that the same conditional write makes each person single-use; the quota stays as
 * the brake.
 */
async function castWithinQuota(
  deps: AppDeps,
  voter: Voter,
  input: CastInput,
  source: string,
  now: Date,
): Promise<CastOutcome> {
  const campaign = voter.record.definition;
  const quota = openChannelQuota(campaign);
  const window = quotaWindow(campaign, now);
  const keepUntil = Math.max(window.end.getTime(), Date.parse(campaign.window.closesAt)) + 30 * 86_400_000;
  const slot: QuotaSlot = {
    campaign: voter.campaignId,
    windowStart: window.start.toISOString(),
    source,
    limit: quota.perSource,
    expiresAt: Math.ceil(keepUntil / 1000),
  };
  if (!(await takeQuotaSlot(deps.db, slot))) {
    // a retry is not a new ballot: answered, and not counted as refused
    const stored = await storedOutcome(deps.db, input);
    if (stored) return stored;
    await countQuotaRefusal(deps.db, slot);
    throw new QuotaExceededError(
      `本网络提交的评议已达上限（同一网络${windowText(quota.windowMinutes)}最多 ${quota.perSource} 份），请稍后再试。如果您在同一单位或会场与许多人共用网络，可以改用手机流量提交。`,
      Math.max(1, Math.ceil((window.end.getTime() - now.getTime()) / 1000)),
    );
  }
  const giveBack = () =>
    releaseQuotaSlot(deps.db, slot).catch((error: unknown) => {
      // the slot stays taken: the source gets one ballot fewer in this window, never one more
      logger.warn('quota slot not given back', { campaignId: voter.campaignId, error: String(error) });
    });
  let result: CastOutcome;
  try {
    result = await castBallot(deps.db, input);
  } catch (error) {
    // a ballot stored without all its comments keeps its slot: it is stored, and counted
    if (!(error instanceof CommentsNotStoredError)) await giveBack();
    throw error;
  }
  if (result.outcome !== 'cast') await giveBack();
  return result;
}
