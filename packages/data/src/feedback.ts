// Feedback links (反馈链接): one private link per subject that shows it its own results and comments and lets it
// keep its rectification measures. The token is `<campaign>.<secret>`; the table keeps only its SHA-256 digest,
// so a copy of the table opens no link. Links expire, can be revoked, and vanish by TTL a month after expiry.
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, auditedPut, auditedUpdateOrRefuse, auditItem } from './audit.ts';
import { type Db, queryAll } from './client.ts';
import { FollowUpStateError } from './errors.ts';
import { FEEDBACK_PREFIX, feedbackLinkKey, feedbackLinksOf } from './keys.ts';

export interface FeedbackLink {
  campaign: string;
  subject: string;
  /** the token's digest: names the link in the console (to revoke it) and opens nothing */
  digest: string;
  createdAt: string;
  expiresAt: string;
  createdBy: Actor;
  revokedAt?: string;
}

export type FeedbackLinkState = 'active' | 'expired' | 'revoked';

const digestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export function feedbackLinkState(link: FeedbackLink, now: Date): FeedbackLinkState {
  if (link.revokedAt) return 'revoked';
  return now.getTime() >= Date.parse(link.expiresAt) ? 'expired' : 'active';
}

const toLink = (item: Record<string, unknown>): FeedbackLink => {
  const link: FeedbackLink = {
    campaign: String(item.campaign),
    subject: String(item.subject),
    digest: String(item.sk).slice(FEEDBACK_PREFIX.length),
    createdAt: String(item.createdAt),
    expiresAt: String(item.expiresAt),
    createdBy: item.createdBy as Actor,
  };
  if (typeof item.revokedAt === 'string') link.revokedAt = item.revokedAt;
  return link;
};

/** Issues a link for one subject; the token is returned once and stored nowhere. */
export async function createFeedbackLink(
  db: Db,
  input: { campaign: string; subject: string; createdAt: string; expiresAt: string },
  actor: Actor,
): Promise<{ token: string; link: FeedbackLink }> {
  const token = `${input.campaign}.${randomBytes(24).toString('base64url')}`;
  const link: FeedbackLink = { ...input, digest: digestOf(token), createdBy: actor };
  const ttl = Math.floor(Date.parse(input.expiresAt) / 1000) + 30 * 86_400;
  await auditedPut(
    db,
    {
      Item: {
        ...feedbackLinkKey(input.campaign, link.digest),
        campaign: input.campaign,
        subject: input.subject,
        createdAt: input.createdAt,
        expiresAt: input.expiresAt,
        createdBy: actor,
        ttl,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    auditItem(
      input.campaign,
      input.createdAt,
      'feedback-link',
      { subject: input.subject, expiresAt: input.expiresAt, link: link.digest.slice(0, 8) },
      actor,
    ),
  );
  return { token, link };
}

/** The link a token opens, whatever its state, or undefined for a token that was never issued. */
export async function findFeedbackLink(db: Db, token: string): Promise<FeedbackLink | undefined> {
  const match = /^([0-9a-f]{8})\.[A-Za-z0-9_-]{32}$/.exec(token);
  if (!match) return undefined;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: feedbackLinkKey(match[1] ?? '', digestOf(token)) }),
  );
  return Item ? toLink(Item) : undefined;
}

/** A campaign's links, newest first. */
export async function listFeedbackLinks(db: Db, campaign: string): Promise<FeedbackLink[]> {
  const { pk, skPrefix } = feedbackLinksOf(campaign);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
  });
  return items.map(toLink).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Revokes a link at once, with its audit entry; a revoked link is refused. */
export async function revokeFeedbackLink(
  db: Db,
  campaign: string,
  digest: string,
  at: string,
  actor: Actor,
): Promise<void> {
  await auditedUpdateOrRefuse(
    db,
    {
      Key: feedbackLinkKey(campaign, digest),
      UpdateExpression: 'SET revokedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':at': at },
    },
    auditItem(campaign, at, 'feedback-revoke', { link: digest.slice(0, 8) }, actor),
    () => new FollowUpStateError('revoked', '该反馈链接不存在或已收回'),
  );
}
