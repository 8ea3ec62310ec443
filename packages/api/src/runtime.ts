// What the Lambda adapters share: the validated configuration and the logger.
export {
  buildRuntimeConfig,
  createS3Client,
  loadRuntimeConfig,
  parseEnv,
  type RuntimeConfig,
} from './config.ts';
export { logger } from './logger.ts';
