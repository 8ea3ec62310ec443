// One export: read the campaign and its aggregates, render every format, store the files, then list the report.
// The report item is written last, so an export that fails half-way lists nothing; its stray files expire
// with the bucket's lifecycle rule.
import { createHash, randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  ballotsOf,
  type CampaignRecord,
  type ClosingTally,
  type CounterDifference,
  type Db,
  eachSegment,
  listComments,
  listFreeTexts,
  listReports,
  putClosingReport,
  putReport,
  type ReportFile,
  type ReportRecord,
  type ReportTrigger,
  readFinalTally,
  readTally,
  requireCampaign,
  scanSegments,
  storeFinalTally,
  type Verification,
  type VerifyClosingOptions,
  verifyClosingTally,
} from '@pingyi/data';
import { type CastBallot, computeResults, type Results, type Tally } from '@pingyi/domain';
import { fileStem } from './columns.ts';
import { freeTextsCsv, rawBallotCsv, renderResultsCsv, shuffle } from './csv.ts';
import { contentDisposition, type ReportStore } from './links.ts';
import { renderNotice } from './notice.ts';
import { partUpload } from './part-upload.ts';
import { renderWorkbook } from './xlsx.ts';

export interface ExportRequest {
  campaignId: string;
  trigger: ReportTrigger;
  /** chosen by the caller (the API answers 202 with it); a fresh one otherwise */
  reportId?: string;
  /** also export every ballot, anonymized (on demand only) */
  raw?: boolean;
  now: Date;
  /** the clock while the export runs (a closing export waits); `now` throughout when omitted */
  clock?: () => Date;
  /** how a closing export waits and compares (tests shorten the comparison, never the acceptance window) */
  closing?: Pick<VerifyClosingOptions, 'maxWaitMs' | 'pollMs' | 'sleep'>;
}

export type ExportOutcome =
  /** `closing` when this export made the closing tally: how the recount compared with the live count */
  | {
      outcome: 'exported';
      report: ReportRecord;
      closing?: Pick<ClosingTally, 'verification' | 'differences'>;
    }
  | { outcome: 'unchanged'; reportId: string };

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  'raw-csv': 'text/csv; charset=utf-8',
  'texts-csv': 'text/csv; charset=utf-8',
} as const;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** What a scheduled export compares to decide whether anything changed: results without their timestamp. */
export function fingerprintOf(results: Results): string {
  return sha256(JSON.stringify({ ...results, asOf: undefined }));
}

async function putFile(
  store: ReportStore,
  key: string,
  body: Buffer,
  file: Omit<ReportFile, 'key' | 'size' | 'sha256'>,
): Promise<ReportFile> {
  const fallback = key.slice(key.lastIndexOf('/') + 1);
  await store.s3.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: body,
      ContentType: CONTENT_TYPES[file.format],
      ContentDisposition: contentDisposition(file.name, fallback),
    }),
  );
  return { ...file, key, size: body.length, sha256: sha256(body) };
}

/** Ballots rendered and written in one step: a segment holds at most this many beside its scan page. */
const RAW_BATCH = 500;

/**
 * Streams every ballot into S3. Memory is bounded by what is in flight, not by the ballots: the scan's segments each
 * hold one page (ballots.ts eachSegment) and at most one batch waiting to be written, and the upload one part buffer
 * (part-upload.ts); a segment reads on only once its batch is written. Measured (bench/export-raw.ts, each export in
 * a process with Lambda's heap flags): live buffers ≈ 5.5 MB for 10k, 100k and 200k ballots, live set 6–9 MB.
 */
async function putRawBallots(
  db: Db,
  store: ReportStore,
  request: ExportRequest,
  key: string,
  name: string,
  render: ReturnType<typeof rawBallotCsv>,
): Promise<ReportFile> {
  const hash = createHash('sha256');
  let size = 0;
  const upload = partUpload(store, {
    Key: key,
    ContentType: CONTENT_TYPES['raw-csv'],
    ContentDisposition: contentDisposition(name, 'ballots.csv'),
  });
  // Segments render at once but write one after another (the part buffer is shared): a batch waits for the one before
  let written: Promise<void> = Promise.resolve();
  const write = (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    hash.update(chunk);
    size += chunk.length;
    written = written.then(() => upload.write(chunk));
    return written;
  };
  // Shuffled, then rendered and written in one synchronous step, so the row numbers run in file order. A row's place
  // says nothing of its ballot's time or key: no ballot stores a time, each batch is shuffled, and the segments are
  // read in a random order (within a segment, DynamoDB returns keys in hash order).
  const flush = (ballots: CastBallot[]) =>
    write(
      shuffle(ballots)
        .map((ballot) => render.line(ballot))
        .join(''),
    );
  try {
    await write(render.header);
    // A parallel scan (access pattern 7) in segments of about 1,000 items: one sequential scan's time grew faster
    // than its rows (10k ballots 2.1 s, 100k 57 s), and so did 8 segments' (ballots.ts segmentsFor).
    const total = await scanSegments(db);
    const order = shuffle(Array.from({ length: total }, (_, n) => n));
    await eachSegment(
      total,
      async (segment) => {
        let ballots: CastBallot[] = [];
        for await (const ballot of ballotsOf(db, request.campaignId, segment, total)) {
          ballots.push(ballot);
          if (ballots.length >= RAW_BATCH) {
            const full = ballots;
            ballots = [];
            await flush(full);
          }
        }
        if (ballots.length > 0) await flush(ballots);
      },
      order,
    );
    await upload.end();
  } catch (error) {
    await written.catch(() => undefined);
    await upload.abort().catch(() => undefined);
    throw error;
  }
  return { format: 'raw-csv', name, key, size, sha256: hash.digest('hex') };
}

/** The count a report is made from: a consistent cut while open; the verified closing tally once closed. */
interface ReportTally {
  tally: Tally;
  /** set once the campaign is closed: the recount's verification (closing.ts) */
  verification?: Verification;
  /** a closing tally this export made, to store once the report is listed */
  newFinal?: { closedAt: string; differences: CounterDifference[] };
}

async function reportTally(db: Db, record: CampaignRecord, request: ExportRequest): Promise<ReportTally> {
  if (record.status !== 'closed') return { tally: await readTally(db, record.id, { attempts: 20 }) };
  const closedAt = record.closedAt ?? record.updatedAt;
  const final = await readFinalTally(db, record.id, closedAt);
  if (final) return { tally: final.tally, verification: final.verification };
  const closing = await verifyClosingTally(db, record.id, closedAt, {
    now: request.clock ?? (() => request.now),
    ...request.closing,
  });
  return {
    tally: closing.tally,
    verification: closing.verification,
    newFinal: { closedAt, differences: closing.differences },
  };
}

export async function runExport(db: Db, store: ReportStore, request: ExportRequest): Promise<ExportOutcome> {
  const record = await requireCampaign(db, request.campaignId);
  const campaign = record.definition;
  const counted = await reportTally(db, record, request);
  const results = computeResults({
    campaignId: record.id,
    campaign,
    status: record.status,
    asOf: counted.verification?.verifiedAt ?? request.now.toISOString(),
    tally: counted.tally,
    issued: record.issued,
    rehearsal: record.rehearsal === true,
  });
  const fingerprint = fingerprintOf(results);
  if (request.trigger === 'schedule' && !request.raw) {
    const [latest] = await listReports(db, record.id, 1);
    if (latest && latest.fingerprint === fingerprint) return { outcome: 'unchanged', reportId: latest.id };
  }

  const comments: Record<string, string[]> = {};
  for (const subject of campaign.subjects) {
    const texts = await listComments(db, record.id, subject.id);
    if (texts.length > 0) comments[subject.id] = texts;
  }

  const verified = counted.verification ? { verification: counted.verification } : {};
  const id = request.reportId ?? randomUUID();
  const prefix = `campaigns/${record.id}/reports/${id}`;
  const stamp = results.asOf.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  // a rehearsal's files say so in their names too
  const base = `${record.rehearsal ? '试运行-' : ''}${fileStem(campaign)}`;
  const stem = `${base}-评议结果-${stamp}`;
  const files: ReportFile[] = [];
  files.push(
    await putFile(
      store,
      `${prefix}/results.xlsx`,
      await renderWorkbook({ campaign, results, comments, ...verified }),
      {
        format: 'xlsx',
        name: `${stem}.xlsx`,
      },
    ),
  );
  files.push(
    await putFile(store, `${prefix}/results.csv`, Buffer.from(renderResultsCsv(campaign, results), 'utf8'), {
      format: 'csv',
      name: `${stem}.csv`,
    }),
  );
  files.push(
    await putFile(
      store,
      `${prefix}/notice.html`,
      Buffer.from(renderNotice(campaign, results, counted.verification), 'utf8'),
      {
        format: 'html',
        name: `${base}-评议结果公示-${stamp}.html`,
      },
    ),
  );
  if (request.raw) {
    files.push(
      await putRawBallots(
        db,
        store,
        request,
        `${prefix}/ballots.csv`,
        `${base}-原始评议数据-${stamp}.csv`,
        rawBallotCsv(campaign, record.rehearsal === true),
      ),
    );
    // free texts apart, shuffled: never on a ballot's row
    const texts = freeTextsCsv(await listFreeTexts(db, record.id), record.rehearsal === true);
    files.push(
      await putFile(store, `${prefix}/free-texts.csv`, Buffer.from(texts, 'utf8'), {
        format: 'texts-csv',
        name: `${base}-自填事项-${stamp}.csv`,
      }),
    );
  }
  const report: ReportRecord = {
    id,
    campaignId: record.id,
    createdAt: request.now.toISOString(),
    trigger: request.trigger,
    fingerprint,
    files,
    ...(counted.verification ? { verification: counted.verification } : {}),
  };
  if (!counted.newFinal) {
    await putReport(db, report);
    return { outcome: 'exported', report };
  }
  const listed = await putClosingReport(
    db,
    report,
    counted.newFinal.closedAt,
    request.clock?.() ?? request.now,
  );
  // A closing that a reopen overtook is no record: its report is listed as superseded, and no final tally is kept.
  if (listed.superseded) return { outcome: 'exported', report: listed };
  // Listed first, final second: a results answer that says `final` always has its report to download.
  if (counted.verification) {
    await storeFinalTally(db, record.id, {
      reportId: id,
      closedAt: counted.newFinal.closedAt,
      tally: counted.tally,
      verification: counted.verification,
    });
    const closing = { verification: counted.verification, differences: counted.newFinal.differences };
    return { outcome: 'exported', report, closing };
  }
  return { outcome: 'exported', report };
}
