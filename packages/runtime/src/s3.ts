// The S3 client of the reports bucket: its own module, so only what stores, signs or deletes reports loads the SDK.
import { S3Client } from '@aws-sdk/client-s3';

/** Locally (a local S3 server) path-style addressing and no streaming checksums, which such servers mishandle. */
export function createS3Client(region: string, endpoint?: string): S3Client {
  if (!endpoint) return new S3Client({ region });
  return new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
