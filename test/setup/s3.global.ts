// Integration global setup: one local S3 server (s3rver) with the reports bucket, on a free port, for the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalS3 } from '../../packages/local/src/s3-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export const TEST_BUCKET = 'pingyi-reports';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const directory = mkdtempSync(join(tmpdir(), 'pingyi-s3-'));
  const s3 = await startLocalS3(directory, [TEST_BUCKET]);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await s3.stop();
    rmSync(directory, { recursive: true, force: true });
  };
}
