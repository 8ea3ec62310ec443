// Voting: from a scanned code to a counted ballot. One campaign read, one conditional write.
import { randomBytes, randomUUID } from 'node:crypto';
import { type CampaignRecord, castBallot, codeBallot, hasVoted, openBallot } from '@pingyi/data';
import { Ballot, type BallotIssue, checkBallot, type Group, windowState } from '@pingyi/domain';
import type { z } from 'zod';
import { cachedCampaign } from './campaign-cache.ts';
import { verifyCode } from './codes.ts';
import type { AppDeps } from './deps.ts';
import { CodeUsedError, ForgedCodeError, type Issue, NotOpenError, ValidationError } from './errors.ts';

export interface Voter {
  campaignId: string;
  record: CampaignRecord;
  group: Group;
  /** the ballot key of a code; open links get one per submission */
  codeKey?: string;
}

const FORGED = '这个评议码无效，请核对二维码是否完整，或向组织者索取新的评议码';

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
  ensureVotingOpen(record, now);
  const voter: Voter = { campaignId: claims.campaign, record, group };
  if (claims.serial > 0) voter.codeKey = codeBallot(group.id, claims.serial);
  return voter;
}

function formatWindowTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function ensureVotingOpen(record: CampaignRecord, now: Date): void {
  const { window, timezone } = record.definition;
  const span = `评议时间为 ${formatWindowTime(window.opensAt, timezone)} 至 ${formatWindowTime(window.closesAt, timezone)}`;
  const state = windowState(record.definition, now);
  if (record.status === 'closed' || state === 'after')
    throw new NotOpenError(`本次评议已结束。${span}`, window);
  if (record.status !== 'open' || state === 'before')
    throw new NotOpenError(`本次评议尚未开始。${span}`, window);
}

/** For the ballot page: a code that has voted is told so before filling anything in. */
export async function ensureNotVoted(deps: AppDeps, voter: Voter): Promise<void> {
  if (voter.codeKey && (await hasVoted(deps.db, voter.campaignId, voter.codeKey))) {
    throw new CodeUsedError('这个评议码已经投过票了，每个评议码只能使用一次。感谢您的参与！');
  }
}

const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A short receipt a voter can read out: no 0/O or 1/I/L to confuse. */
export function newReceipt(): string {
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => RECEIPT_ALPHABET[b % RECEIPT_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
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

export type SubmitOutcome = { outcome: 'cast' | 'repeat'; receipt: string; voter: Voter };

/** Validates and casts a resolved voter's ballot. Nothing is stored unless every check passed. */
export async function submitBallot(deps: AppDeps, voter: Voter, body: unknown): Promise<SubmitOutcome> {
  const parsed = Ballot.safeParse(body);
  if (!parsed.success) throw ballotError(zodIssues(parsed.error));
  const checked = checkBallot(voter.record.definition, voter.group, parsed.data);
  if (!checked.ok) throw ballotError(toIssues(checked.issues));
  const submissionId = parsed.data.submissionId;
  const key = voter.codeKey ?? openBallot(voter.group.id, submissionId ?? randomUUID());
  const result = await castBallot(deps.db, {
    campaign: voter.campaignId,
    ballotKey: key,
    ballot: checked.ballot,
    comments: checked.comments,
    receipt: newReceipt(),
    now: deps.now(),
    ...(submissionId ? { submissionId } : {}),
  });
  if (result.outcome === 'used') {
    throw new CodeUsedError('这个评议码已经投过票了，每个评议码只能使用一次。感谢您的参与！');
  }
  return { ...result, voter };
}
