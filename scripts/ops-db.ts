// How an ops command finds the county's table: locally through .data/runtime.json (written by npm start); on AWS
// from PINGYI_TABLE and AWS_REGION (and the usual AWS credentials), as the functions do.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDocumentClient, type Db } from '@pingyi/data';
import * as z from 'zod';

export function opsTarget(): { db: Db; publicUrl?: string } {
  const dataDir = resolve(process.env.PINGYI_DATA_DIR ?? join(import.meta.dirname, '..', '.data'));
  const runtimeFile = join(dataDir, 'runtime.json');
  const local = existsSync(runtimeFile)
    ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as { dynamoEndpoint?: string; baseUrl?: string })
    : {};
  const env = z
    .object({
      PINGYI_TABLE: z.string().min(1).default('pingyi'),
      PINGYI_DYNAMODB_ENDPOINT: z.url().optional(),
      PINGYI_PUBLIC_URL: z.url().optional(),
      AWS_REGION: z.string().min(1).default('cn-north-1'),
    })
    .parse(process.env);
  const endpoint = env.PINGYI_DYNAMODB_ENDPOINT ?? local.dynamoEndpoint;
  const db: Db = {
    client: createDocumentClient({
      region: env.AWS_REGION,
      ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
    tableName: env.PINGYI_TABLE,
  };
  const publicUrl = (env.PINGYI_PUBLIC_URL ?? local.baseUrl)?.replace(/\/+$/, '');
  return publicUrl ? { db, publicUrl } : { db };
}
