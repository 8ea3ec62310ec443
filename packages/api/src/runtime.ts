// What the Lambda adapters share: the validated configuration and the logger.
export { loadRuntimeConfig, parseRuntimeConfig, type RuntimeConfig } from './config.ts';
export { logger } from './logger.ts';
