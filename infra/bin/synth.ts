// `npm run synth`: the CDK CLI once per county, each into cdk.out/<code>, so no county's templates mix with another's.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadCounties } from '../lib/county-config.ts';

const env = { ...process.env, CDK_DOCKER: process.env.CDK_DOCKER ?? '/bin/false' };
for (const { code, region } of loadCounties()) {
  const outdir = `cdk.out/${code}`;
  rmSync(outdir, { recursive: true, force: true }); // no stale assets from an earlier build
  process.stdout.write(`synth ${code} (${region}) -> ${outdir}\n`);
  const run = spawnSync('npx', ['cdk', 'synth', '-c', `county=${code}`, '-o', outdir, '--quiet'], {
    stdio: 'inherit',
    env,
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
