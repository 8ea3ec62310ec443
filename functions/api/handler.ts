// Lambda entry for the HTTP API (API Gateway HTTP API v2 events): the same Hono app the local runtime serves.
import { type AppDeps, createApp, eventBridgeExportRequester } from '@pingyi/api';
// the config module, not the package's index: the index also exports the S3 client's module (for the local runtime)
import { loadRuntimeConfig, loadSecrets } from '@pingyi/runtime/config';
import { handle } from 'hono/aws-lambda';

let handler: ReturnType<typeof handle> | undefined;

export async function depsFromConfig(): Promise<AppDeps> {
  const config = loadRuntimeConfig();
  const deps: AppDeps = { ...config, ...(await loadSecrets()), now: () => new Date() };
  if (config.eventBus) {
    deps.requestExport = eventBridgeExportRequester(config.region, config.eventBus);
  }
  return deps;
}

/** Clients and the app are built once per container, on the first request. */
export const main: ReturnType<typeof handle> = async (event, context) => {
  handler ??= handle(createApp(await depsFromConfig()));
  return handler(event, context);
};
