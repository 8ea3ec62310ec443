// Runtime configuration: read from the environment once, validated, and turned into clients once.
import { createDocumentClient, type Db } from '@pingyi/data';
import { z } from 'zod';

const Env = z.object({
  PINGYI_TABLE: z.string().min(1),
  /** HMAC key for QR codes: at least 32 random bytes, hex or base64 */
  PINGYI_CODE_SECRET: z.string().min(32),
  /** the organizer's bearer token */
  PINGYI_ADMIN_TOKEN: z.string().min(16),
  /** the address printed on QR slips, e.g. https://py.example.gov.cn */
  PINGYI_PUBLIC_URL: z.url(),
  /** set locally (DynamoDB Local); unset on AWS */
  PINGYI_DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('cn-north-1'),
});

export interface RuntimeConfig {
  db: Db;
  codeSecret: Buffer;
  adminToken: string;
  publicUrl: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  const e = parsed.data;
  const local = e.PINGYI_DYNAMODB_ENDPOINT
    ? {
        endpoint: e.PINGYI_DYNAMODB_ENDPOINT,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }
    : {};
  return {
    db: { client: createDocumentClient({ region: e.AWS_REGION, ...local }), tableName: e.PINGYI_TABLE },
    codeSecret: Buffer.from(e.PINGYI_CODE_SECRET, 'utf8'),
    adminToken: e.PINGYI_ADMIN_TOKEN,
    publicUrl: e.PINGYI_PUBLIC_URL.replace(/\/+$/, ''),
  };
}

let loaded: RuntimeConfig | undefined;

/** The process's configuration, parsed from process.env on first use. */
export function loadRuntimeConfig(): RuntimeConfig {
  loaded ??= parseRuntimeConfig(process.env);
  return loaded;
}
