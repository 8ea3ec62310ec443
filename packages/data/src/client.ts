// One way to build the DynamoDB clients, so the handlers, the local runtime and the tests configure them alike.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The part of the data layer every repository needs: a document client and the table name. */
export interface Db {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Every item a query matches, page after page. */
export async function queryAll(
  db: Db,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Deletes items by key, 25 per request, sending again whatever DynamoDB leaves unprocessed. */
export async function deleteKeys(db: Db, keys: { pk: string; sk: string }[]): Promise<void> {
  for (let at = 0; at < keys.length; at += 25) {
    let requests = keys.slice(at, at + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      const answer = await db.client.send(
        new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }),
      );
      requests = (answer.UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
    }
  }
}
