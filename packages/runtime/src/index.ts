// The runtime every Lambda adapter and the local runtime share: the validated configuration and the logger.
export {
  buildRuntimeConfig,
  createS3Client,
  loadRuntimeConfig,
  loadSecrets,
  loadSecretsFrom,
  parseEnv,
  type RuntimeConfig,
  type Secrets,
} from './config.ts';
export { logger } from './logger.ts';
