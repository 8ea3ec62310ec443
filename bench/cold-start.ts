// Benchmark: each Lambda handler bundled as it ships (esbuild, ESM, minified, one file), its size, and the time to
// import it in a fresh Node process (module init: what a cold start pays before the first event); for the api, also
// split at its lazy imports (the entry chunk and what a ballot loads), and its first requests after init.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { signCode } from '@pingyi/api';
import { type BuildOptions, build } from 'esbuild';
import { percentile } from './runtime.ts';

const root = new URL('..', import.meta.url).pathname;
const CODE_SECRET = 'cold-start-code-secret-0123456789abcdef';

const options = (name: string): BuildOptions => ({
  entryPoints: { index: join(root, `functions/${name}/handler.ts`) },
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  outExtension: { '.js': '.mjs' },
  banner: {
    js: "import { createRequire as __pingyiCreateRequire } from 'node:module'; const require = __pingyiCreateRequire(import.meta.url);",
  },
  logLevel: 'error',
});

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

export async function benchColdStart(runs = 5) {
  const out = mkdtempSync(join(tmpdir(), 'pingyi-bundles-'));
  try {
    const rows = [];
    for (const name of ['api', 'aggregate', 'export']) {
      const dir = join(out, name);
      await build({ ...options(name), outdir: dir });
      const file = join(dir, 'index.mjs');
      const stat = timeImport(file, runs, 'console.log(JSON.stringify({ init }));')('init');
      rows.push({
        function: name,
        build: 'one file (as the CDK stack ships it)',
        entryKb: kb(statSync(file).size),
        entryGzipKb: kb(gzipSync(readFileSync(file)).length),
        allKb: kb(statSync(file).size),
        initMsMedian: stat.median,
        initMsMax: stat.max,
      });
    }
    // The api split at its lazy imports: the entry is what a cold start loads.
    const dir = join(out, 'api-split');
    await build({ ...options('api'), outdir: dir, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
    const file = join(dir, 'index.mjs');
    const chunks = readdirSync(join(dir, 'chunks')).map((f) => statSync(join(dir, 'chunks', f)).size);
    // First requests after init: the ballot page of a forged code (no database read) and a ballot POST of a genuine
    // code whose campaign read fails at once (nothing listens on the endpoint): each loads what its path needs.
    const code = signCode(Buffer.from(CODE_SECRET), { campaign: '0a1b2c3d', groupIndex: 0, serial: 1 });
    const first = timeImport(
      file,
      runs,
      `const event = ${EVENT}; const ctx = { awsRequestId: 'r' };
       let s = performance.now(); await m.main(event('GET', '/b/AAAAAAAAAAAAAAAAAAAAAAAAAAA'), ctx); const page = performance.now() - s;
       s = performance.now(); await m.main(event('POST', '/b/${code}', '{}'), ctx); const post = performance.now() - s;
       console.log(JSON.stringify({ init, page, post }));`,
    );
    const init = first('init');
    rows.push({
      function: 'api',
      build: `split at lazy imports (entry + ${chunks.length} chunks)`,
      entryKb: kb(statSync(file).size),
      entryGzipKb: kb(gzipSync(readFileSync(file)).length),
      allKb: kb(statSync(file).size + chunks.reduce((a, b) => a + b, 0)),
      initMsMedian: init.median,
      initMsMax: init.max,
      firstPageGetMs: first('page').median,
      firstPostMs: first('post').median,
    });
    return rows;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
