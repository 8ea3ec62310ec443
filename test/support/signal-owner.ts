// A process that uses DynamoDB Local and, with `own` as its argument, handles SIGTERM and SIGINT itself as npm start
// does: it writes once more after the signal, then stops DynamoDB Local. Prints {"port"} when ready and, after
// the signal, {"afterSignal": "ok" | <error>}.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '@pingyi/data';
import { startDynamoDbLocal } from '../../packages/local/src/dynamodb-local.ts';

const dynamo = await startDynamoDbLocal();
const client = createDocumentClient({
  region: 'cn-north-1',
  endpoint: dynamo.endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const say = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (process.argv[2] === 'own') {
  const shutdown = async () => {
    // the last batch of a stream poller, say: it still needs the database
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterSignal = await client.send(new ListTablesCommand({})).then(
      () => 'ok',
      (error: unknown) => String(error),
    );
    say({ afterSignal });
    await dynamo.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}
await client.send(new ListTablesCommand({}));
say({ port: dynamo.port });
setInterval(() => {}, 1000); // until a signal ends it
