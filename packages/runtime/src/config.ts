// Runtime configuration: read from the environment once, validated, secrets fetched once, clients built once.

import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// the client's module, not the data package's index (every repository): the api's cold start loads this module
import { createDocumentClient, type Db } from '@pingyi/data/client';
import * as z from 'zod';

const Env = z.object({
  PINGYI_TABLE: z.string().min(1),
  /** the address printed on QR slips, e.g. https://py.example.gov.cn */
  PINGYI_PUBLIC_URL: z.url(),
  /** on AWS (API function only): Secrets Manager ARNs of the code signing key and the organizer token */
  PINGYI_CODE_SECRET_ARN: z.string().min(1).optional(),
  PINGYI_ADMIN_TOKEN_ARN: z.string().min(1).optional(),
  /** locally: the values themselves */
  PINGYI_CODE_SECRET: z.string().min(32).optional(),
  PINGYI_ADMIN_TOKEN: z.string().min(16).optional(),
  /** private bucket for reports; required by the export function and the report routes */
  PINGYI_REPORTS_BUCKET: z.string().min(3).optional(),
  /** EventBridge bus that carries ExportRequested events to the export function (AWS only) */
  PINGYI_EVENT_BUS: z.string().min(1).optional(),
  /** set locally (DynamoDB Local, local S3 server); unset on AWS */
  PINGYI_DYNAMODB_ENDPOINT: z.url().optional(),
  PINGYI_S3_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('cn-north-1'),
});
export type Env = z.infer<typeof Env>;

/** A reports bucket and a client for it (what @pingyi/reports calls a ReportStore). */
export interface ReportBucket {
  s3: S3Client;
  bucket: string;
}

export interface RuntimeConfig {
  db: Db;
  publicUrl: string;
  region: string;
  /**
   * The reports bucket, its S3 client built on the first call: the S3 SDK is loaded by what stores, signs or deletes
   * reports, never by the api function's cold start (a ballot never needs it).
   */
  reports?: () => Promise<ReportBucket>;
  eventBus?: string;
}

/** Only the API function holds these; the stream and export functions never need them (least privilege). */
export interface Secrets {
  codeSecret: Buffer;
  adminToken: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment; throws one error naming every missing or invalid variable. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  return parsed.data;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Reads a secret's string once; the value is never logged. */
async function secretValue(client: SecretsManagerClient, arn: string): Promise<string> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!SecretString) throw new ConfigError(`secret ${arn} has no string value`);
  return SecretString;
}

/**
 * Secrets Manager's SDK module is loaded only when a secret is read from it (on AWS, once per container, at the
 * first request), so a function's module init never pays for it and the local runtime never loads it.
 */
export async function loadSecretsFrom(env: Env): Promise<Secrets> {
  const client = async () =>
    new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient({ region: env.AWS_REGION });
  const read = async (value: string | undefined, arn: string | undefined, name: string) => {
    if (value) return value;
    if (arn) return secretValue(await client(), arn);
    throw new ConfigError(`invalid configuration: set ${name}_ARN (AWS) or ${name} (local)`);
  };
  const codeSecret = await read(env.PINGYI_CODE_SECRET, env.PINGYI_CODE_SECRET_ARN, 'PINGYI_CODE_SECRET');
  const adminToken = await read(env.PINGYI_ADMIN_TOKEN, env.PINGYI_ADMIN_TOKEN_ARN, 'PINGYI_ADMIN_TOKEN');
  if (codeSecret.length < 32)
    throw new ConfigError('invalid configuration: the code secret needs ≥ 32 characters');
  if (adminToken.length < 16)
    throw new ConfigError('invalid configuration: the organizer token needs ≥ 16 characters');
  return { codeSecret: Buffer.from(codeSecret, 'utf8'), adminToken };
}

export function buildRuntimeConfig(env: Env): RuntimeConfig {
  const region = env.AWS_REGION;
  const dynamo = env.PINGYI_DYNAMODB_ENDPOINT
    ? { endpoint: env.PINGYI_DYNAMODB_ENDPOINT, credentials: localCredentials }
    : {};
  const config: RuntimeConfig = {
    db: { client: createDocumentClient({ region, ...dynamo }), tableName: env.PINGYI_TABLE },
    publicUrl: env.PINGYI_PUBLIC_URL.replace(/\/+$/, ''),
    region,
  };
  const bucket = env.PINGYI_REPORTS_BUCKET;
  if (bucket) {
    let store: Promise<ReportBucket> | undefined;
    config.reports = () => {
      store ??= import('./s3.ts').then(
        ({ createS3Client }) => ({ s3: createS3Client(region, env.PINGYI_S3_ENDPOINT), bucket }),
        (error: unknown) => {
          store = undefined; // a failed load is tried again by the next call
          throw error;
        },
      );
      return store;
    };
  }
  if (env.PINGYI_EVENT_BUS) config.eventBus = env.PINGYI_EVENT_BUS;
  return config;
}

let loaded: RuntimeConfig | undefined;
let secrets: Promise<Secrets> | undefined;

/** The process's configuration, from process.env on first use (a Lambda container's cold start). */
export function loadRuntimeConfig(): RuntimeConfig {
  loaded ??= buildRuntimeConfig(parseEnv(process.env));
  return loaded;
}

/** The code key and organizer token, fetched once per process (from Secrets Manager on AWS). */
export function loadSecrets(): Promise<Secrets> {
  secrets ??= Promise.resolve().then(() => loadSecretsFrom(parseEnv(process.env)));
  return secrets;
}
