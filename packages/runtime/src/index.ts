// The runtime every Lambda adapter and the local runtime share: the validated configuration and the logger.
// Each module is also its own export (./config, ./logger): the api and aggregate functions import those, so their
// bundles never reach the S3 client that this index re-exports for the local runtime.
export {
  buildRuntimeConfig,
  loadRuntimeConfig,
  loadSecrets,
  loadSecretsFrom,
  parseEnv,
  type ReportBucket,
  type RuntimeConfig,
  type Secrets,
} from './config.ts';
export { logger } from './logger.ts';
export { createS3Client } from './s3.ts';
