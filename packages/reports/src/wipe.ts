// Removing a campaign's report files from the bucket: a rehearsal's wipe (data's wipeRehearsal) calls this first.
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { ReportStore } from './links.ts';

/**
 * Deletes report files one by one (a report has three to five; DeleteObject works the same on S3 and on the local
 * server). In a versioned bucket this leaves a delete marker; the older version expires by the bucket's lifecycle.
 */
export async function deleteReportFiles(store: ReportStore, keys: string[]): Promise<void> {
  for (const key of keys) await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key }));
}
