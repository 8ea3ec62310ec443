// Least privilege: what an account may do with a campaign. County admins run everything; organizers run their
// own campaigns and those shared with them; viewers read the results of campaigns shared with them.
import type { Account, CampaignRecord } from '@pingyi/data';
import { ForbiddenError, NotFoundError } from './errors.ts';

export type Access = 'none' | 'read' | 'run';

export function accessTo(account: Account, campaign: Pick<CampaignRecord, 'owner' | 'sharedWith'>): Access {
  if (account.role === 'admin') return 'run';
  const shared = campaign.sharedWith.includes(account.name);
  if (account.role === 'organizer') return campaign.owner === account.name || shared ? 'run' : 'none';
  return shared ? 'read' : 'none';
}

/** Throws unless the account has at least `needed`; a campaign it cannot see is "not found", not "forbidden". */
export function requireAccess(
  account: Account,
  campaign: Pick<CampaignRecord, 'owner' | 'sharedWith'>,
  needed: 'read' | 'run',
): Access {
  const access = accessTo(account, campaign);
  if (access === 'none') throw new NotFoundError('未找到该评议活动，或您没有查看它的权限');
  if (needed === 'run' && access !== 'run') throw new ForbiddenError('只读账号不能修改评议活动');
  return access;
}

export function requireRole(account: Account, ...roles: Account['role'][]): void {
  if (!roles.includes(account.role)) throw new ForbiddenError('您的账号角色不能进行此操作');
}

/** Report files a viewer may download: the 公示 page and the summary CSV (no comments, no raw ballots). */
export const VIEWER_FORMATS = new Set(['html', 'csv']);
