// A streamed S3 upload that holds one part buffer, allocated once: the raw export's memory does not grow with its rows.
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ReportStore } from './links.ts';

/** S3's smallest part (all but the last must be at least this): the least a streamed upload can hold at once. */
export const PART_BYTES = 5 * 1024 * 1024;

export type PartUploadParams = Pick<PutObjectCommandInput, 'Key' | 'ContentType' | 'ContentDisposition'> & {
  Key: string;
};

/**
 * Writes go into one buffer of `partBytes`; each full buffer is uploaded as the next part before writing goes on,
 * then refilled. A part's length goes in its request, so a streamed upload must hold a whole part; @aws-sdk/lib-storage
 * also copies each part out of the stream's chunks (Buffer.concat) and keeps `queueSize` parts in flight, which made
 * the export's live buffers grow with the file (1.3 MB for 10k ballots, 11 MB for 100k). A body that never fills one
 * part is one PutObject. `partBytes` is smaller only in tests (the local S3 server takes any part size).
 */
export function partUpload(store: ReportStore, params: PartUploadParams, partBytes = PART_BYTES) {
  const part = Buffer.allocUnsafe(partBytes);
  let filled = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const target = { Bucket: store.bucket, Key: params.Key };

  async function sendPart() {
    if (!uploadId) {
      const created = await store.s3.send(
        new CreateMultipartUploadCommand({ ...target, ...params, ChecksumAlgorithm: 'CRC32' }),
      );
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    const { ETag, ChecksumCRC32 } = await store.s3.send(
      new UploadPartCommand({
        ...target,
        UploadId: uploadId,
        PartNumber,
        Body: part.subarray(0, filled),
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    parts.push({ PartNumber, ETag, ...(ChecksumCRC32 ? { ChecksumCRC32 } : {}) });
    // the request has been sent and answered: nothing refers to the buffer any more
    filled = 0;
  }

  return {
    /** Copies `chunk` in; resolves once whatever it filled has been uploaded, so the caller writes on at S3's pace. */
    async write(chunk: Buffer) {
      for (let from = 0; from < chunk.length; ) {
        const copied = chunk.copy(part, filled, from);
        filled += copied;
        from += copied;
        if (filled === partBytes) await sendPart();
      }
    },
    /** Uploads what is left and completes the upload (one PutObject if no part was ever full). */
    async end() {
      if (!uploadId) {
        await store.s3.send(new PutObjectCommand({ ...target, ...params, Body: part.subarray(0, filled) }));
        return;
      }
      if (filled > 0) await sendPart();
      await store.s3.send(
        new CompleteMultipartUploadCommand({
          ...target,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    },
    /** Drops the parts uploaded so far (the bucket's lifecycle rule is the backstop if this fails too). */
    async abort() {
      if (uploadId) await store.s3.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }));
    },
  };
}
