// Lambda entry for the HTTP API (API Gateway HTTP API v2 events): the same Hono app the local runtime serves.
import { type AppDeps, createApp, loadRuntimeConfig } from '@pingyi/api';
import { handle } from 'hono/aws-lambda';

let handler: ReturnType<typeof handle> | undefined;

export function depsFromConfig(): AppDeps {
  const config = loadRuntimeConfig();
  return { ...config, now: () => new Date() };
}

/** Clients and the app are built once per container, on the first request. */
export const main: ReturnType<typeof handle> = (event, context) => {
  handler ??= handle(createApp(depsFromConfig()));
  return handler(event, context);
};
