// One way to build the DynamoDB clients, so the handlers, the local runtime and the tests configure them alike.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
