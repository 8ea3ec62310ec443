// Rectification measures (整改措施) per subject: added and updated by the organizer or through the subject's
// feedback link, each change with its audit entry in the same transaction. A measure not done is listed in the
// shared index by deadline, so the county's overdue measures are one query; done removes it from there.
import { randomBytes } from 'node:crypto';
import type { MeasureInput, MeasureStatus } from '@pingyi/domain';
import { type Actor, auditedPut, auditedUpdateOrRefuse, auditItem, firstConditionFailed } from './audit.ts';
import { type Db, queryAll } from './client.ts';
import { FollowUpStateError } from './errors.ts';
import { CAMPAIGNS_INDEX, measureKey, measuresOf, OPEN_MEASURES_PK, openMeasureListing } from './keys.ts';

export interface Measure extends MeasureInput {
  campaign: string;
  subject: string;
  id: string;
  createdAt: string;
  updatedAt: string;
  /** when it was marked done (the last time) */
  doneAt?: string;
}

const toMeasure = (item: Record<string, unknown>): Measure => {
  const m: Measure = {
    campaign: String(item.campaign),
    subject: String(item.subject),
    id: String(item.id),
    description: String(item.description),
    problem: item.problem as Measure['problem'],
    owner: String(item.owner),
    deadline: String(item.deadline),
    status: item.status as MeasureStatus,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
  if (typeof item.doneAt === 'string') m.doneAt = item.doneAt;
  return m;
};

const summary = (m: MeasureInput) => ({
  description: m.description.slice(0, 60),
  owner: m.owner,
  deadline: m.deadline,
  status: m.status,
});

/** A measure's id: 8 URL-safe characters. A form may bring its own (made when the form was shown). */
export const MEASURE_ID = /^[A-Za-z0-9_-]{8}$/;
export const newMeasureId = () => randomBytes(6).toString('base64url');

/**
 * Adds a measure with its audit entry. With the id a form was shown with, posting the same form again (a reload,
 * a double tap) stores it once: the second put finds the item and adds nothing; answers whether it was new.
 */
export async function addMeasure(
  db: Db,
  input: MeasureInput & { campaign: string; subject: string; at: string; id?: string },
  actor: Actor,
): Promise<boolean> {
  const { at, id, ...rest } = input;
  const measure: Measure = {
    ...rest,
    id: id ?? newMeasureId(),
    createdAt: at,
    updatedAt: at,
    ...(input.status === 'done' ? { doneAt: at } : {}),
  };
  try {
    await auditedPut(
      db,
      {
        Item: {
          ...measureKey(measure.campaign, measure.subject, measure.id),
          ...(measure.status === 'done'
            ? {}
            : openMeasureListing(measure.campaign, measure.subject, measure.id, measure.deadline)),
          ...measure,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      auditItem(
        measure.campaign,
        at,
        'measure-add',
        { subject: measure.subject, measure: measure.id, ...summary(measure) },
        actor,
      ),
    );
  } catch (error) {
    if (firstConditionFailed(error)) return false;
    throw error;
  }
  return true;
}

/** Changes a measure of this subject (a link of another subject cannot reach it: the subject is in the key). */
export async function updateMeasure(
  db: Db,
  input: MeasureInput & { campaign: string; subject: string; id: string; at: string },
  actor: Actor,
): Promise<void> {
  const key = measureKey(input.campaign, input.subject, input.id);
  const listing = openMeasureListing(input.campaign, input.subject, input.id, input.deadline);
  const done = input.status === 'done';
  await auditedUpdateOrRefuse(
    db,
    {
      Key: key,
      UpdateExpression: done
        ? 'SET description = :d, problem = :p, #owner = :o, deadline = :dl, #status = :s, updatedAt = :at, doneAt = if_not_exists(doneAt, :at) REMOVE gsi1pk, gsi1sk'
        : 'SET description = :d, problem = :p, #owner = :o, deadline = :dl, #status = :s, updatedAt = :at, gsi1pk = :gpk, gsi1sk = :gsk REMOVE doneAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
      ExpressionAttributeValues: {
        ':d': input.description,
        ':p': input.problem,
        ':o': input.owner,
        ':dl': input.deadline,
        ':s': input.status,
        ':at': input.at,
        ...(done ? {} : { ':gpk': listing.gsi1pk, ':gsk': listing.gsi1sk }),
      },
    },
    auditItem(
      input.campaign,
      input.at,
      'measure-update',
      { subject: input.subject, measure: input.id, ...summary(input) },
      actor,
    ),
    () => new FollowUpStateError('not-found', '未找到这条整改措施'),
  );
}

/** Measures of a campaign (or of one subject), oldest first. */
export async function listMeasures(db: Db, campaign: string, subject?: string): Promise<Measure[]> {
  const { pk, skPrefix } = measuresOf(campaign, subject);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
  });
  return items.map(toMeasure).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * Measures not done whose deadline is on or before `day` (YYYY-MM-DD), county-wide: the candidates for overdue.
 * Callers decide overdue per campaign time zone (isOverdue), so pass a day that is late enough for every zone.
 */
export async function listOpenMeasuresDueBy(db: Db, day: string): Promise<Measure[]> {
  const items = await queryAll(db, {
    IndexName: CAMPAIGNS_INDEX,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :until',
    ExpressionAttributeValues: { ':pk': OPEN_MEASURES_PK, ':until': `${day}#~` },
  });
  return items.map(toMeasure);
}
