// Asking for an export on AWS: one ExportRequested event on the stack's EventBridge bus.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, EXPORT_REQUESTED, type RequestExport } from '@pingyi/reports/events';

export function eventBridgeExportRequester(client: EventBridgeClient, busName: string): RequestExport {
  return async (detail) => {
    const { FailedEntryCount, Entries } = await client.send(
      new PutEventsCommand({
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

export const createEventBridgeClient = (region: string) => new EventBridgeClient({ region });
