// The api package: the Hono app and what the Lambda adapters and the local runtime need to run it. All of it is in the
// api function's cold start: export nothing from the full app's modules (full-app.tsx and the routes it mounts), and
// import the data package by module (`@pingyi/data/ballots`), not by its index, which re-exports every repository.
export { type App, createApp } from './app.tsx';
export { clearCampaignCache } from './campaign-cache.ts';
export { signCode, verifyCode } from './codes.ts';
export type { AppDeps } from './deps.ts';
export { eventBridgeExportRequester } from './events.ts';
