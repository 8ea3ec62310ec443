// Benchmark: each Lambda handler bundled as it ships (esbuild, ESM, minified), its size, and the time to
// import it in a fresh Node process (module init: what a cold start pays before the first event).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { percentile } from './runtime.ts';

const root = new URL('..', import.meta.url).pathname;

export async function benchColdStart(runs = 5) {
  const out = mkdtempSync(join(tmpdir(), 'pingyi-bundles-'));
  try {
    const rows = [];
    for (const name of ['api', 'aggregate', 'export']) {
      const file = join(out, `${name}.mjs`);
      await build({
        entryPoints: [join(root, `functions/${name}/handler.ts`)],
        outfile: file,
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        banner: {
          js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        },
        logLevel: 'error',
      });
      const times = Array.from({ length: runs }, () => {
        const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); console.log(performance.now() - t);`;
        return Number(
          execFileSync(process.execPath, ['--input-type=module', '-e', script], {
            env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          })
            .toString()
            .trim(),
        );
      });
      rows.push({
        function: name,
        bundleKb: Math.round(statSync(file).size / 1024),
        gzipKb: Math.round(gzipSync(readFileSync(file)).length / 1024),
        initMsMedian: Math.round(percentile(times, 50)),
        initMsMax: Math.round(Math.max(...times)),
      });
    }
    return rows;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
