// One API process on its own, as one Lambda container would be: the same app over a table shared with others.
// Started by tests as a child process; configured by environment; prints `listening <port>` when it answers.
import { serve } from '@hono/node-server';
import { createApp } from '@pingyi/api';
import { createDocumentClient } from '@pingyi/data';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const now = process.env.PINGYI_TEST_NOW ? new Date(env('PINGYI_TEST_NOW')) : undefined;
const app = createApp({
  db: {
    client: createDocumentClient({
      region: 'cn-north-1',
      endpoint: env('PINGYI_DYNAMODB_ENDPOINT'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tableName: env('PINGYI_TABLE'),
  },
  codeSecret: Buffer.from(env('PINGYI_CODE_SECRET'), 'base64'),
  adminToken: env('PINGYI_ADMIN_TOKEN'),
  publicUrl: 'https://py.example.gov.cn',
  now: () => now ?? new Date(),
});
const server = serve({ fetch: app.fetch, port: 0, hostname: env('HOST') }, (info) => {
  console.log(`listening ${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
