// A second API process on a test's table: its own campaign cache, as another Lambda container would have.
// Started by tests with the table and secret in its environment; prints {"port"} once it listens.

import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createApp } from '@pingyi/api';
import { createDocumentClient } from '@pingyi/data';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = createApp({
  db: {
    client: createDocumentClient({
      region: 'cn-north-1',
      endpoint: need('PINGYI_TEST_DYNAMODB_ENDPOINT'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tableName: need('PINGYI_TEST_TABLE'),
  },
  codeSecret: Buffer.from(need('PINGYI_TEST_CODE_SECRET'), 'base64'),
  // it serves evaluators only: no organizer can use it
  adminToken: randomUUID(),
  publicUrl: 'http://127.0.0.1',
  now: () => new Date(need('PINGYI_TEST_NOW')),
});
// PINGYI_TEST_HOST: e.g. ::1, for a test that reaches it from another loopback address
const hostname = process.env.PINGYI_TEST_HOST || '127.0.0.1';
const server = serve({ fetch: app.fetch, port: 0, hostname }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
