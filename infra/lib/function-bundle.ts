// How a Lambda handler is bundled: one esbuild build, ESM split at its lazy imports, shared by the CDK stack and the
// cold-start bench so the bench times what ships.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * ESM output needs `require` for the CommonJS dependencies esbuild inlines (the AWS SDK's, hono's); the alias
 * keeps the banner from colliding with any bundled identifier. esbuild puts it atop every chunk, so each has one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __pingyiCreateRequire } from 'node:module'; const require = __pingyiCreateRequire(import.meta.url);";

/**
 * @hono/zod-openapi imports zod's whole namespace (`import { z } from 'zod'`) only to hand it to zod-to-openapi's
 * extendZodWithOpenApi, which patches `z.ZodType.prototype`, and to re-export it. Handed over whole, every part of zod
 * (JSON-schema conversion, 45 locales) is kept, and esbuild puts zod's modules, which the api's entry imports too,
 * into a chunk the entry loads: all of zod at every cold start. Here that import gets the one class it patches
 * (zod-for-openapi.ts), so zod tree-shakes; our modules import zod itself (Biome refuses `z` from
 * @hono/zod-openapi), and test/infra/bundle.test.ts checks that the bundle serves the same document.
 */
const zodForOpenApi: Plugin = {
  name: 'pingyi-zod-for-openapi',
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, ({ importer }) =>
      /[/\\]node_modules[/\\]@hono[/\\]zod-openapi[/\\]/.test(importer)
        ? { path: join(REPO_ROOT, 'infra/lib/zod-for-openapi.ts') }
        : undefined,
    );
  },
};

/** The handler's module as Lambda loads it: `index.mjs`, exporting `main`. */
export const HANDLER = 'index.main';

/**
 * The build of a handler module (`entry`, relative to the repository root: `functions/<name>/handler.ts`, the very
 * module the local runtime imports) into `outdir`: minified ESM for `target` (e.g. `node24`), every dependency
 * bundled (the AWS SDK at the versions the tests run, not whatever the runtime ships in each region), source maps
 * without sources. Split at its dynamic imports: `index.mjs` and the chunks it imports statically are what a cold
 * start loads; what only rare routes need (the api's organizer routes and OpenAPI document, the console, report
 * links and the S3 client, EventBridge, Secrets Manager) sits in `chunks/` until a request imports it. One file
 * (NodejsFunction's `--outfile`) would inline them all and only defer their evaluation.
 */
export function functionBuild(
  entry: string,
  target: string,
  outdir: string,
): BuildOptions & { metafile: true } {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: { index: join(REPO_ROOT, entry) },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target,
    mainFields: ['module', 'main'],
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [zodForOpenApi],
  };
}

/**
 * The output files a cold start loads: the handler's (`entry`, as given to `functionBuild`) and every chunk it
 * reaches by static imports. (esbuild marks the chunks of dynamic imports as entry points too.)
 */
export function staticClosure(metafile: Metafile, entry: string): string[] {
  const output = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint === entry);
  if (!output) throw new Error(`the build has no output for ${entry}`);
  const seen = new Set<string>();
  const pending = [output];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path in metafile.outputs)
        pending.push(imported.path);
    }
  }
  return [...seen];
}
