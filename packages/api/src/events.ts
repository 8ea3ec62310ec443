// Asking for an export on AWS: one ExportRequested event on the stack's EventBridge bus.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, EXPORT_REQUESTED, type RequestExport } from '@pingyi/reports/events';

/**
 * The SDK's EventBridge module is loaded, and its client built, on the first export request: exports are rare, and
 * a cold start of the API function would otherwise pay for them before every first ballot.
 */
export function eventBridgeExportRequester(
  region: string,
  busName: string,
  makeClient?: () => EventBridgeClient,
): RequestExport {
  let client: EventBridgeClient | undefined;
  return async (detail) => {
    const sdk = await import('@aws-sdk/client-eventbridge');
    client ??= makeClient ? makeClient() : new sdk.EventBridgeClient({ region });
    const { FailedEntryCount, Entries } = await client.send(
      new sdk.PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: EVENT_SOURCE,
            DetailType: EXPORT_REQUESTED,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (FailedEntryCount)
      throw new Error(`export request not accepted: ${Entries?.[0]?.ErrorCode ?? 'unknown'}`);
  };
}
