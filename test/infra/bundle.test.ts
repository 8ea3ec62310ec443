// The real `npx cdk synth` of a China county (offline, no credentials, no Docker), then its bundles at work.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createApp } from '@pingyi/api';
import { toBallotItem } from '@pingyi/data';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCounty } from '../../infra/lib/county-config.ts';
import { functionBuild, REPO_ROOT, staticClosure } from '../../infra/lib/function-bundle.ts';

const county = loadCounty('622921');
const outdir = mkdtempSync(join(tmpdir(), 'pingyi-cdk-out-'));

/** The environment of a machine with no AWS credentials and no Docker. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DOCKER: '/bin/false',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  for (const key of Object.keys(env)) {
    if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/.test(key)) delete env[key];
  }
  return { ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
let template: Template;

/** The bundle directory of the function whose description mentions `hint`. */
function bundleOf(hint: string): string {
  const fn = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).includes(hint),
  );
  const key = (fn?.Properties.Code as { S3Key?: string } | undefined)?.S3Key;
  if (!key) throw new Error(`no function "${hint}" with a code asset`);
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** A stand-in DynamoDB endpoint: records every request and answers each UpdateItem with an empty result. */
const requests: { target: string; body: Record<string, unknown> }[] = [];
let dynamo: Server;
const readBody = async (req: IncomingMessage) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
};

beforeAll(async () => {
  await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '-c', `county=${county.code}`, '-o', outdir, '--quiet', '--no-notices'],
    { cwd: REPO_ROOT, env: offlineEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  template = JSON.parse(
    readFileSync(join(outdir, `Pingyi-${county.code}.template.json`), 'utf8'),
  ) as Template;

  dynamo = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    requests.push({ target: String(req.headers['x-amz-target']), body });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const { port } = dynamo.address() as AddressInfo;
  // config.ts reads secrets from Secrets Manager only when the *_ARN variables are set; here the values are
  Object.assign(process.env, {
    AWS_REGION: county.region,
    PINGYI_TABLE: 'pingyi-bundle-test',
    PINGYI_PUBLIC_URL: 'https://py.example.gov.cn',
    PINGYI_CODE_SECRET: 'bundle-test-code-secret-0123456789abcdef',
    PINGYI_ADMIN_TOKEN: 'bundle-test-admin-token',
    PINGYI_DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
  });
});

afterAll(async () => {
  await new Promise((resolve) => dynamo?.close(resolve));
  rmSync(outdir, { recursive: true, force: true });
});

describe('npx cdk synth -c county=622921', () => {
  it('writes only that county, for its China region, with a clean validation report', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, a]) => a.type === 'aws:cloudformation:stack',
    );
    expect(stacks.map(([id]) => id)).toEqual([`Pingyi-${county.code}`]);
    expect(stacks[0]?.[1].environment).toBe(`aws://unknown-account/${county.region}`);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('bundles each function as ESM split at its lazy imports, every file with the require banner and a source map', () => {
    for (const hint of ['HTTP API', 'sums ballot', 'writes XLSX', 'stores the records']) {
      const dir = bundleOf(hint);
      const files = [
        'index.mjs',
        ...readdirSync(join(dir, 'chunks'))
          .filter((f) => f.endsWith('.mjs'))
          .map((f) => `chunks/${f}`),
      ];
      for (const file of files) {
        const code = readFileSync(join(dir, file), 'utf8');
        expect(
          code.startsWith("import { createRequire as __pingyiCreateRequire } from 'node:module';"),
          `${hint}: ${file}`,
        ).toBe(true);
        expect(readFileSync(join(dir, `${file}.map`), 'utf8').length).toBeGreaterThan(0);
      }
    }
    // the console and its charts and spreadsheets stay out of the api's entry: a chunk it imports on first use
    const api = readFileSync(join(bundleOf('HTTP API'), 'index.mjs'), 'utf8');
    expect(api).toMatch(/import\("\.\/chunks\/[^"]+\.mjs"\)/);
  });

  it('keeps what only rare routes need out of what the api loads at a cold start, and that under 600 KB', async () => {
    const entry = 'functions/api/handler.ts';
    const { metafile } = await build(functionBuild(entry, 'node24', join(outdir, 'api-closure')));
    const closure = staticClosure(metafile, entry);
    const inputs = closure.flatMap((file) => Object.entries(metafile.outputs[file]?.inputs ?? {}));
    const paths = inputs.map(([input]) => input);
    expect(paths).toContain('functions/api/handler.ts');
    expect(paths).toContain('packages/api/src/routes/ballots.tsx');
    for (const rare of [
      // the full app: organizer routes, public pages, the OpenAPI document and what makes it
      'packages/api/src/full-app.tsx',
      'packages/api/src/schemas.ts',
      'packages/api/src/routes/ballots-doc.ts',
      'packages/api/src/routes/campaigns.ts',
      'packages/api/src/routes/codes.ts',
      'packages/api/src/routes/results.ts',
      'packages/api/src/routes/reports.ts',
      'packages/api/src/routes/publications.tsx',
      'packages/api/src/routes/feedback.tsx',
      'node_modules/@hono/zod-openapi/',
      'node_modules/@asteasolutions/zod-to-openapi/',
      // paper entry and console accounts: the data package's index is not in the entry's imports
      'packages/data/src/paper.ts',
      'packages/data/src/accounts.ts',
      'packages/console/',
      'node_modules/@aws-sdk/client-s3/',
      'node_modules/@aws-sdk/s3-request-presigner/',
      'node_modules/@aws-sdk/client-eventbridge/',
      'node_modules/@aws-sdk/client-secrets-manager/',
      'node_modules/exceljs/',
      'node_modules/echarts/',
    ])
      expect(
        paths.filter((input) => input.includes(rare)),
        rare,
      ).toEqual([]);
    // zod tree-shaken: of its locales only the default (en) and the app's (zh-CN) leave code in the bundle
    const locales = inputs.filter(
      ([input, { bytesInOutput }]) => input.includes('node_modules/zod/v4/locales/') && bytesInOutput > 0,
    );
    expect(locales.map(([input]) => basename(input)).sort()).toEqual(['en.js', 'zh-CN.js']);
    // issue 15's goal for the bytes a cold start loads (BENCHMARKS.md, cold start)
    const loaded = closure.reduce((bytes, file) => bytes + (metafile.outputs[file]?.bytes ?? 0), 0);
    expect(loaded).toBeLessThanOrEqual(600 * 1024);
  });
});

/** An HTTP API v2 event, as API Gateway hands it to the api function. */
const httpEvent = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'abc123.execute-api.cn-northwest-1.amazonaws.com.cn', ...headers },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.cn-northwest-1.amazonaws.com.cn',
    domainPrefix: 'abc123',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    requestId: 'req-1',
    routeKey: '$default',
    stage: '$default',
    time: '27/Nov/2026:10:00:00 +0000',
    timeEpoch: 1795773600000,
  },
  isBase64Encoded: false,
  ...(body === undefined ? {} : { body }),
});

/** The api bundle's answer to one event, its body parsed as JSON. */
async function callApi(event: ReturnType<typeof httpEvent>) {
  const { main } = await import(pathToFileURL(join(bundleOf('HTTP API'), 'index.mjs')).href);
  const response = await main(event, { awsRequestId: 'req-1', callbackWaitsForEmptyEventLoop: false });
  const text = response.isBase64Encoded ? Buffer.from(response.body, 'base64').toString() : response.body;
  return { status: response.statusCode as number, text, body: JSON.parse(text) };
}

describe('the bundled handlers are the modules the local stack runs', () => {
  it('the api bundle serves GET /api/openapi.json from an HTTP API v2 event, the same document as the source', async () => {
    const { status, text, body } = await callApi(
      httpEvent('GET', '/api/openapi.json', { accept: 'application/json' }),
    );
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/api/campaigns');
    // the bundle's @hono/zod-openapi gets only zod's ZodType (infra/lib/zod-for-openapi.ts): nothing may change
    const source = createApp({
      db: {
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: county.region })),
        tableName: 't',
      },
      codeSecret: Buffer.from(String(process.env.PINGYI_CODE_SECRET)),
      adminToken: String(process.env.PINGYI_ADMIN_TOKEN),
      publicUrl: String(process.env.PINGYI_PUBLIC_URL),
      now: () => new Date(),
    });
    expect(text).toBe(await (await source.request('/api/openapi.json')).text());
  });

  it("the api bundle explains a refused body in Chinese: zod's zh-CN locale is in it", async () => {
    const { status, body } = await callApi(
      httpEvent(
        'POST',
        '/api/campaigns',
        { 'content-type': 'application/json', authorization: 'Bearer bundle-test-admin-token' },
        '{}',
      ),
    );
    expect(status).toBe(400);
    expect(body.error.issues[0].message).toMatch(/^无效输入/);
  });

  it('the aggregate bundle sums a stream batch into one conditional update per aggregate item', async () => {
    const { main } = await import(pathToFileURL(join(bundleOf('sums ballot'), 'index.mjs')).href);
    const record = (seq: string, option: string) => {
      const item = toBallotItem({
        campaign: '0a1b2c3d',
        ballotKey: `t.party.${seq}`,
        ballot: {
          group: 'party',
          ratings: { 'org-edu': { overall: option } },
          commented: [],
          best: [],
          worst: [],
        },
        submissionId: `s-${Math.random()}`,
        secret: Buffer.from('secret'),
      });
      return {
        eventID: seq,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        eventSourceARN:
          'arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/t/stream/2026-11-27T00:00:00.000',
        dynamodb: {
          Keys: marshall({ pk: item.pk, sk: item.sk }),
          NewImage: marshall(item),
          SequenceNumber: seq,
          StreamViewType: 'NEW_IMAGE',
        },
      };
    };
    const result = await main({
      Records: [record('100', 'S'), record('200', 'S'), record('300', 'N')],
      shardId: 'shardId-00000001700000000000-abcdef12',
      state: {},
      window: { start: '2026-12-02T02:00:00Z', end: '2026-12-02T02:00:30Z' },
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
    expect(result).toEqual({ batchItemFailures: [], state: {} });

    const updates = requests.filter((r) => r.target === 'DynamoDB_20120810.UpdateItem');
    expect(updates.length).toBeGreaterThan(0);
    const keys = updates.map((u) => JSON.stringify(u.body.Key));
    expect(new Set(keys).size).toBe(keys.length); // one update per aggregate item for the whole batch
    for (const update of updates) {
      expect(update.body.TableName).toBe('pingyi-bundle-test');
      expect(Object.values(update.body.ExpressionAttributeNames as Record<string, string>)).toContain(
        'hw#shardId-00000001700000000000-abcdef12',
      );
    }
    const subject = updates.find((u) => JSON.stringify(u.body.Key).includes('AGG#S#org-edu#party'));
    const names = Object.values(subject?.body.ExpressionAttributeNames as Record<string, string>);
    expect(names).toEqual(expect.arrayContaining(['n#q#overall#S', 'n#q#overall#N']));
  });
});
