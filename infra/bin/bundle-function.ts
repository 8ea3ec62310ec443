// `node --import tsx infra/bin/bundle-function.ts <entry> <target> <outdir>`: one handler's Lambda bundle. The CDK
// stack runs this at synth (local bundling must be synchronous, and esbuild's plugins need its asynchronous API).
import { build } from 'esbuild';
import { functionBuild } from '../lib/function-bundle.ts';

const [entry, target, outdir] = process.argv.slice(2);
if (!entry || !target || !outdir) {
  process.stderr.write('usage: bundle-function.ts <entry> <target> <outdir>\n');
  process.exit(2);
}
await build(functionBuild(entry, target, outdir));
