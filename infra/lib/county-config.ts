// A county's deployment config: one validated JSON file per county under infra/counties, named by its code.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Lambda's Node.js runtimes a county may run on, newest first, with AWS's dates for each (deprecation, then no
 * new functions, then no updates), as the China documentation lists them: docs.amazonaws.cn/lambda/latest/dg/
 * lambda-nodejs.html, read 2026-11-30. How to move a county to a newer one: ADR 0002.
 */
export const NODE_RUNTIMES = {
  'nodejs24.x': { deprecation: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
  'nodejs22.x': { deprecation: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
} as const;
export type NodeRuntime = keyof typeof NODE_RUNTIMES;
/** The newest runtime the China regions document: the furthest end date. */
export const DEFAULT_RUNTIME: NodeRuntime = 'nodejs24.x';

/** EventBridge Scheduler's six-field cron or a rate, evaluated in the county's time zone. */
const scheduleExpression = /^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

export const CountyConfig = z.strictObject({
  /** GB/T 2260 code of a county-level division: six digits, not a province (xx0000) or prefecture (xxxx00). */
  code: z
    .string()
    .regex(/^\d{6}$/, 'a GB/T 2260 code has six digits')
    .refine((code) => !code.endsWith('00'), 'a county-level GB/T 2260 code does not end in 00'),
  /** the name people read, e.g. 临夏县 */
  name: z.string().min(2).max(40),
  /** the full administrative name for printed reports, e.g. 甘肃省临夏回族自治州临夏县 */
  fullName: z.string().min(2).max(80),
  /** AWS region; cn-north-1 (Beijing) or cn-northwest-1 (Ningxia) for most counties */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as cn-northwest-1'),
  /** the AWS account to deploy to; unset = whatever account the deploying credentials belong to */
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  /** IANA time zone the report schedule runs in */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
  reports: z.strictObject({
    /** when the scheduled export runs, in the county's time zone, e.g. cron(0 20 * * ? *) = every day 20:00 */
    schedule: z.string().regex(scheduleExpression, 'cron(min hour day month weekday year) or rate(n unit)'),
    /** days a report file is kept before S3 deletes it; noncurrent versions go after 30 days */
    retentionDays: z.number().int().min(30).max(3650),
  }),
  retention: z.strictObject({
    /** days Lambda and API access logs are kept (a CloudWatch Logs retention value) */
    logDays: z
      .number()
      .int()
      .refine(
        (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
        `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      ),
    /** point-in-time recovery window of the table, 1 to 35 days */
    backupDays: z.number().int().min(1).max(35),
  }),
  /** receives alarm notifications (SNS e-mail subscription, confirmed once by the recipient) */
  alarmEmail: z.email(),
  /** Lambda runtime of every function of the county; an older one only while a region lacks the default */
  runtime: z
    .enum(Object.keys(NODE_RUNTIMES) as [NodeRuntime, ...NodeRuntime[]], {
      error: `one of ${Object.keys(NODE_RUNTIMES).join(', ')} (ADR 0002)`,
    })
    .default(DEFAULT_RUNTIME),
  /** HTTP API throttling for the whole county: steady requests per second and burst */
  throttle: z
    .strictObject({
      rateLimit: z.number().int().min(1).max(10_000),
      burstLimit: z.number().int().min(1).max(5_000),
    })
    .default({ rateLimit: 200, burstLimit: 400 }),
  /** optional custom domain; in China it needs an ICP filing (备案) and a certificate in ACM of the region */
  customDomain: z
    .strictObject({
      domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a lower-case DNS name'),
      certificateArn: z.string().regex(/^arn:aws(-cn)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/),
    })
    .optional(),
});
export type CountyConfig = z.infer<typeof CountyConfig>;

export class CountyConfigError extends Error {
  override readonly name = 'CountyConfigError';
}

/** infra/counties, or PINGYI_COUNTIES_DIR (a test's directory of broken configs). */
export const COUNTIES_DIR =
  process.env.PINGYI_COUNTIES_DIR ?? fileURLToPath(new URL('../counties/', import.meta.url));

/** Validates one county's config; the error names the file and every invalid field. */
export function parseCountyConfig(raw: unknown, source: string): CountyConfig {
  const parsed = CountyConfig.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new CountyConfigError(`invalid county config ${source}: ${fields}`);
  }
  const stem = basename(source, '.json');
  if (source.endsWith('.json') && stem !== parsed.data.code) {
    throw new CountyConfigError(
      `invalid county config ${source}: code: ${parsed.data.code} does not match the file name ${stem}.json`,
    );
  }
  return parsed.data;
}

export function readCountyConfig(file: string): CountyConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CountyConfigError(`no county config ${file}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CountyConfigError(`invalid county config ${file}: not valid JSON`, { cause: error });
  }
  return parseCountyConfig(raw, file);
}

/** Every shipped county, sorted by code. */
export function loadCounties(dir = COUNTIES_DIR): CountyConfig[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readCountyConfig(join(dir, name)));
}

export function loadCounty(code: string, dir = COUNTIES_DIR): CountyConfig {
  if (!/^\d{6}$/.test(code)) throw new CountyConfigError(`county code must be six digits, got "${code}"`);
  return readCountyConfig(join(dir, `${code}.json`));
}
