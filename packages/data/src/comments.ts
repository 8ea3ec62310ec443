// Comment repository: the texts evaluators left per subject, for organizers only (never published raw).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { commentsOf } from './keys.ts';

/** Every comment on one subject, in key order (random, so not in the order they arrived). */
export async function listComments(db: Db, campaign: string, subject: string): Promise<string[]> {
  const texts: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': commentsOf(campaign, subject).pk },
        ProjectionExpression: '#text',
        ExpressionAttributeNames: { '#text': 'text' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) texts.push(String(item.text));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return texts;
}
