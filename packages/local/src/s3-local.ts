// A local S3 server (s3rver) for reports: real HTTP, real presigned GET links a browser can open.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts s3rver on a free port (or `port`) with `buckets` created, storing objects under `directory`. */
export async function startLocalS3(directory: string, buckets: string[], port = 0): Promise<LocalS3> {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async stop() {
      // keep-alive sockets would hold close() open
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}
