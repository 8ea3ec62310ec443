// Download links: presigned on demand, short-lived, behind organizer auth (never stored, never long-lived).
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportRecord } from '@pingyi/data';

/** Where reports live: the bucket and a client for it. */
export interface ReportStore {
  s3: S3Client;
  bucket: string;
}

/** Content-Disposition with the Chinese name per RFC 5987/6266, and an ASCII fallback for old clients. */
export function contentDisposition(name: string, fallback: string): string {
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** 15 minutes at most: a link signed with a role's temporary credentials may die earlier, so sign per request. */
export const LINK_SECONDS = 15 * 60;

export async function reportLinks(store: ReportStore, report: ReportRecord) {
  const files = await Promise.all(
    report.files.map(async (file) => ({
      format: file.format,
      name: file.name,
      size: file.size,
      sha256: file.sha256,
      url: await getSignedUrl(
        store.s3,
        new GetObjectCommand({
          Bucket: store.bucket,
          Key: file.key,
          ResponseContentDisposition: contentDisposition(
            file.name,
            file.key.slice(file.key.lastIndexOf('/') + 1),
          ),
        }),
        { expiresIn: LINK_SECONDS },
      ),
    })),
  );
  const { id, createdAt, trigger, superseded, verification } = report;
  return {
    id,
    createdAt,
    trigger,
    ...(superseded ? { superseded } : {}),
    ...(verification ? { verification } : {}),
    files,
  };
}
