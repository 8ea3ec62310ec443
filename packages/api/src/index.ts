// The api package: the Hono app and what the Lambda adapters and the local runtime need to run it.
export { type App, createApp } from './app.tsx';
export { clearCampaignCache } from './campaign-cache.ts';
export { signCode, verifyCode } from './codes.ts';
export type { AppDeps } from './deps.ts';
export { eventBridgeExportRequester } from './events.ts';
export { type ResultsAnswer, readResults } from './routes/results.ts';
