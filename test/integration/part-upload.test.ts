// The raw export's streamed upload on the local S3 server: bodies of less than one part, whole parts and a remainder
// (s3rver answers AbortMultipartUpload with MethodNotAllowed, so the abort path is not tried here).
import { randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { partUpload } from '@pingyi/reports/part-upload';
import { createS3Client } from '@pingyi/runtime';
import { describe, expect, inject, it } from 'vitest';
import { TEST_BUCKET } from '../setup/s3.global.ts';

const store = { s3: createS3Client('cn-north-1', inject('s3Endpoint')), bucket: TEST_BUCKET };
const PART = 1024;

async function uploadInChunks(body: Buffer, chunkSizes: number[]) {
  const Key = `part-upload/${randomUUID()}.csv`;
  const upload = partUpload(store, { Key, ContentType: 'text/csv; charset=utf-8' }, PART);
  for (let from = 0, n = 0; from < body.length; n++) {
    const size = chunkSizes[n % chunkSizes.length] ?? 1;
    await upload.write(body.subarray(from, from + size));
    from += size;
  }
  await upload.end();
  const got = await store.s3.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key }));
  return { bytes: Buffer.from((await got.Body?.transformToByteArray()) ?? []), type: got.ContentType };
}

describe('partUpload', () => {
  it.each([
    ['less than one part (one PutObject)', 700, [100, 33]],
    ['exactly two parts', 2 * PART, [PART]],
    ['two parts and a remainder, chunks across part ends', 2 * PART + 300, [700, 1, 2048]],
  ])('stores %s byte for byte', async (_, length, chunks) => {
    const body = randomBytes(length);
    const { bytes, type } = await uploadInChunks(body, chunks);
    expect(bytes.equals(body)).toBe(true);
    expect(type).toBe('text/csv; charset=utf-8');
  });
});
