// Comment repository: the texts evaluators left per subject, for organizers only (never published raw).
import { type Db, queryAll } from './client.ts';
import { commentsOf } from './keys.ts';

/** Every comment on one subject, in key order (random, so not in the order they arrived). */
export async function listComments(db: Db, campaign: string, subject: string): Promise<string[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': commentsOf(campaign, subject).pk },
    ProjectionExpression: '#text',
    ExpressionAttributeNames: { '#text': 'text' },
  });
  return items.map((item) => String(item.text));
}
