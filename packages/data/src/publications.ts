// Publications (公示) of a closed campaign's results: what is shown (scope), from when until when, by whom, and
// withdrawals. The figures themselves are never stored here: a public page computes them from the closing tally
// the publication names (closedAt), so a reopened campaign's publication stops answering instead of showing old
// figures as current.
import { randomBytes } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, auditedUpdateOrRefuse, auditItem } from './audit.ts';
import type { CampaignRecord } from './campaigns.ts';
import { type Db, queryAll } from './client.ts';
import { FollowUpStateError } from './errors.ts';
import { campaignKey, publicationKey, publicationsOf } from './keys.ts';

export interface PublicationScope {
  /** subject kinds shown */
  kinds: string[];
  /** rates and ranks, or only the verdict of the campaign's rules per subject */
  show: 'rates' | 'verdicts';
  /** whether each subject's rectification progress is shown */
  progress: boolean;
  /** whether the receipts of the counted ballots are published with it (verifiable inclusion) */
  receipts: boolean;
}

export interface Publication {
  campaign: string;
  slug: string;
  /** the closing whose verified tally is published */
  closedAt: string;
  scope: PublicationScope;
  startsAt: string;
  endsAt: string;
  publishedAt: string;
  publishedBy: Actor;
  withdrawnAt?: string;
  withdrawnBy?: Actor;
}

export type PublicationState = 'scheduled' | 'live' | 'ended' | 'withdrawn' | 'superseded';

/** The public id in a link: the campaign (8 hex) and a random slug that cannot be guessed. */
export const publicationId = (p: Pick<Publication, 'campaign' | 'slug'>) => `${p.campaign}-${p.slug}`;
export function parsePublicationId(id: string): { campaign: string; slug: string } | undefined {
  const match = /^([0-9a-f]{8})-([A-Za-z0-9_-]{16})$/.exec(id);
  return match ? { campaign: match[1] ?? '', slug: match[2] ?? '' } : undefined;
}

/** Where a publication stands at `now`; a campaign reopened since (or closed again) supersedes it. */
export function publicationState(p: Publication, record: CampaignRecord, now: Date): PublicationState {
  if (p.withdrawnAt) return 'withdrawn';
  if (record.status !== 'closed' || record.closedAt !== p.closedAt) return 'superseded';
  const at = now.getTime();
  if (at < Date.parse(p.startsAt)) return 'scheduled';
  if (at >= Date.parse(p.endsAt)) return 'ended';
  return 'live';
}

const toPublication = (item: Record<string, unknown>): Publication => {
  const p: Publication = {
    campaign: String(item.campaign),
    slug: String(item.slug),
    closedAt: String(item.closedAt),
    scope: item.scope as PublicationScope,
    startsAt: String(item.startsAt),
    endsAt: String(item.endsAt),
    publishedAt: String(item.publishedAt),
    publishedBy: item.publishedBy as Actor,
  };
  if (typeof item.withdrawnAt === 'string') p.withdrawnAt = item.withdrawnAt;
  if (item.withdrawnBy) p.withdrawnBy = item.withdrawnBy as Actor;
  return p;
};

/**
 * Stores a publication with its audit entry, on condition that the campaign is still closed at the same closing:
 * a reopen racing the publish leaves nothing published.
 */
export async function createPublication(
  db: Db,
  input: Omit<Publication, 'slug' | 'publishedBy' | 'withdrawnAt' | 'withdrawnBy'>,
  actor: Actor,
): Promise<Publication> {
  const publication: Publication = {
    ...input,
    slug: randomBytes(12).toString('base64url'),
    publishedBy: actor,
  };
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: db.tableName,
              Key: campaignKey(input.campaign),
              ConditionExpression: '#status = :closed AND closedAt = :closedAt',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':closed': 'closed', ':closedAt': input.closedAt },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: { ...publicationKey(input.campaign, publication.slug), ...publication },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: auditItem(
                input.campaign,
                input.publishedAt,
                'publish',
                {
                  publication: publication.slug,
                  kinds: input.scope.kinds,
                  show: input.scope.show,
                  progress: input.scope.progress,
                  receipts: input.scope.receipts,
                  startsAt: input.startsAt,
                  endsAt: input.endsAt,
                },
                actor,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') {
      throw new FollowUpStateError('not-closed', '评议活动已重新开放或状态已变化，未发布公示');
    }
    throw error;
  }
  return publication;
}

export async function getPublication(
  db: Db,
  campaign: string,
  slug: string,
): Promise<Publication | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: publicationKey(campaign, slug) }),
  );
  return Item ? toPublication(Item) : undefined;
}

/** Publications of a campaign, newest first. */
export async function listPublications(db: Db, campaign: string): Promise<Publication[]> {
  const { pk, skPrefix } = publicationsOf(campaign);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
  });
  return items.map(toPublication).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
}

/** Withdraws a publication at once (its link then says so), with the audit entry; a second withdrawal is refused. */
export async function withdrawPublication(
  db: Db,
  campaign: string,
  slug: string,
  at: string,
  actor: Actor,
): Promise<void> {
  await auditedUpdateOrRefuse(
    db,
    {
      Key: publicationKey(campaign, slug),
      UpdateExpression: 'SET withdrawnAt = :at, withdrawnBy = :by',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt)',
      ExpressionAttributeValues: { ':at': at, ':by': actor },
    },
    auditItem(campaign, at, 'withdraw', { publication: slug }, actor),
    () => new FollowUpStateError('withdrawn', '该公示不存在或已撤回'),
  );
}
