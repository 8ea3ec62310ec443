// The local S3 server in a process of its own, for benchmarks that measure the memory of the process that uploads:
// prints its endpoint as one line, and stops when its standard input closes (the parent ended or let go).
import { startLocalS3 } from '../packages/local/src/s3-local.ts';

const [directory, ...buckets] = process.argv.slice(2);
if (!directory || buckets.length === 0) throw new Error('usage: s3-server.ts <directory> <bucket>...');
const server = await startLocalS3(directory, buckets);
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.stop().then(() => process.exit(0));
});
