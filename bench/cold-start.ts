// Benchmark: each Lambda handler bundled as the CDK stack ships it (ESM split at its lazy imports), the bytes a cold
// start loads (the entry and the chunks it imports statically) and what is in them, and the time to import it in a
// fresh Node process (module init: what a cold start pays before the first event); for the api, its first requests
// after init, and the same api build as one file (what NodejsFunction's --outfile shipped before) beside it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { signCode } from '@pingyi/api';
import { build, type Metafile } from 'esbuild';
import { DEFAULT_RUNTIME } from '../infra/lib/county-config.ts';
import { functionBuild, REPO_ROOT, staticClosure } from '../infra/lib/function-bundle.ts';
import { esbuildTarget } from '../infra/lib/pingyi-function.ts';
import { percentile } from './runtime.ts';

const CODE_SECRET = 'cold-start-code-secret-0123456789abcdef';

/** The target the stack builds for by default. */
const TARGET = esbuildTarget({ name: DEFAULT_RUNTIME });

/** Median and max of `runs` fresh processes that import the bundle (and run `after`, timed separately). */
function timeImport(file: string, runs: number, after = '') {
  const samples = Array.from({ length: runs }, () => {
    const script = `const t = performance.now(); const m = await import(${JSON.stringify(`file://${file}`)}); const init = performance.now() - t; ${after}`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_REGION: 'cn-north-1',
        PINGYI_TABLE: 'pingyi-cold-start',
        PINGYI_PUBLIC_URL: 'https://py.example.gov.cn',
        PINGYI_CODE_SECRET: CODE_SECRET,
        PINGYI_ADMIN_TOKEN: 'cold-start-admin-token',
        // nothing listens here: the first ballot's write fails fast, after everything it needs is loaded
        PINGYI_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
        // that failure is expected: its error log would only clutter the bench's output
        PINGYI_LOG_LEVEL: 'silent',
      },
    })
      .toString()
      .trim()
      .split('\n')
      .at(-1);
    return JSON.parse(out ?? '{}') as Record<string, number>;
  });
  const stat = (key: string) => {
    const values = samples.map((s) => s[key] ?? Number.NaN);
    return { median: Math.round(percentile(values, 50)), max: Math.round(Math.max(...values)) };
  };
  return stat;
}

const kb = (bytes: number) => Math.round(bytes / 1024);

/** An API Gateway v2 event as the HTTP API sends it. */
const EVENT = `(method, path, body) => ({ version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
  headers: { host: 'py.example.gov.cn', 'content-type': 'application/json', 'accept-encoding': 'gzip' },
  requestContext: { accountId: '1', apiId: 'a', domainName: 'py.example.gov.cn', domainPrefix: 'py',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bench' }, requestId: 'r',
    routeKey: '$default', stage: '$default', time: '', timeEpoch: 0 }, isBase64Encoded: false, body })`;

/** One output file of a build (its path as the metafile gives it), read back. */
const bytesOf = (file: string) => readFileSync(join(REPO_ROOT, file));
const sum = (sizes: number[]) => sizes.reduce((total, n) => total + n, 0);

/** What the static closure is made of, by npm package or workspace package, biggest first. */
function closureInputs(metafile: Metafile, closure: string[]) {
  const byOrigin = new Map<string, number>();
  for (const file of closure) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      const origin =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ??
        /^((?:packages|functions)\/[^/]+)/.exec(input)?.[1] ??
        input;
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + bytesInOutput);
    }
  }
  return [...byOrigin].sort((a, b) => b[1] - a[1]).map(([input, bytes]) => ({ input, kb: kb(bytes) }));
}

/** A build's sizes: its entry, what a cold start loads (and gzipped), and every file Lambda unpacks. */
function sizes(metafile: Metafile, entry: string) {
  const closure = staticClosure(metafile, entry);
  const loaded = closure.map(bytesOf);
  const all = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs'));
  return {
    closure,
    chunks: `entry + ${closure.length - 1} of ${all.length - 1} chunks`,
    entryKb: kb(loaded[0]?.length ?? 0),
    loadedKb: kb(sum(loaded.map((b) => b.length))),
    loadedGzipKb: kb(sum(loaded.map((b) => gzipSync(b).length))),
    allKb: kb(sum(all.map((file) => bytesOf(file).length))),
  };
}

export async function benchColdStart(runs = 5) {
  const out = mkdtempSync(join(tmpdir(), 'pingyi-bundles-'));
  try {
    const rows = [];
    let apiInputs: ReturnType<typeof closureInputs> = [];
    // The api as one file first, the same build but as NodejsFunction's --outfile shipped it: every lazy import
    // inlined, only its evaluation deferred.
    for (const split of [false, true]) {
      const dir = join(out, split ? 'api' : 'api-one-file');
      const { metafile } = await build({
        ...functionBuild('functions/api/handler.ts', TARGET, dir),
        splitting: split,
      });
      const { closure, ...size } = sizes(metafile, 'functions/api/handler.ts');
      if (split) apiInputs = closureInputs(metafile, closure);
      // First requests after init: the ballot page of a forged code (no database read), a ballot POST of a
      // genuine code whose campaign read fails at once (nothing listens on the endpoint), then an organizer request
      // without a token (401: no database read), the first to load the full app: each loads what its path needs.
      const code = signCode(Buffer.from(CODE_SECRET), { campaign: '0a1b2c3d', groupIndex: 0, serial: 1 });
      const first = timeImport(
        join(dir, 'index.mjs'),
        runs,
        `const event = ${EVENT}; const ctx = { awsRequestId: 'r' };
       let s = performance.now(); await m.main(event('GET', '/b/AAAAAAAAAAAAAAAAAAAAAAAAAAA'), ctx); const page = performance.now() - s;
       s = performance.now(); await m.main(event('POST', '/b/${code}', '{}'), ctx); const post = performance.now() - s;
       s = performance.now(); await m.main(event('GET', '/api/campaigns'), ctx); const organizer = performance.now() - s;
       console.log(JSON.stringify({ init, page, post, organizer }));`,
      );
      const init = first('init');
      rows.push({
        function: 'api',
        build: split ? 'split (as shipped)' : 'one file (same build, --outfile as NodejsFunction did)',
        ...size,
        initMsMedian: init.median,
        initMsMax: init.max,
        firstPageGetMs: first('page').median,
        firstPostMs: first('post').median,
        firstOrganizerMs: first('organizer').median,
      });
    }
    for (const name of ['aggregate', 'export']) {
      const dir = join(out, name);
      const { metafile } = await build(functionBuild(`functions/${name}/handler.ts`, TARGET, dir));
      const { closure: _, ...size } = sizes(metafile, `functions/${name}/handler.ts`);
      const init = timeImport(join(dir, 'index.mjs'), runs, 'console.log(JSON.stringify({ init }));')('init');
      rows.push({
        function: name,
        build: 'split (as shipped)',
        ...size,
        initMsMedian: init.median,
        initMsMax: init.max,
      });
    }
    return { rows, apiInputs };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
