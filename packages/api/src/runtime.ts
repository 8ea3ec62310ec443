// What the Lambda adapters share: the validated configuration and the logger.
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
