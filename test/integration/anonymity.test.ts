// The curious organizer: votes with a known plan (a subject with exactly one comment, a small group, a free text
// from one ballot), then reads every table item and every export, holding the stack's secret as well. No comment or
// free text can be tied to fewer than k ballots, and no receipt leads to a ballot. docs/threat-model.md says why.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  BALLOT_SK,
  commentId,
  freeTextId,
  listReceipts,
  readTally,
  receiptOf,
  recountTally,
  submissionDigest,
} from '@pingyi/data';
import { groupEvaluates } from '@pingyi/domain';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaign } from '../reliability/support.ts';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const campaign = parseCampaign(exampleCampaign);
const K = campaign.minValidBallots;
const ALL = ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'];
const ONLY_COMMENT = '王老师上课总是迟到，这是我亲眼看见的';
const ONLY_TEXT = '希望恢复周三下午的教研活动';

/** The plan: 12 party members and 3 staff; one party member writes the only comment on m-wang and the only free text. */
function plannedBallot(group: string, n: number) {
  const answers: Record<string, { overall: string; comment?: string }> = {};
  for (const id of ALL) answers[id] = { overall: ['S', 'N', 'X'][(n + id.length) % 3] ?? 'S' };
  if (group === 'party' && n === 4) answers['m-wang'] = { overall: 'N', comment: ONLY_COMMENT };
  if (n % 3 === 0) answers['org-edu'] = { overall: 'S', comment: `第 ${n} 号的意见：食堂要改进` };
  return {
    answers,
    matters: {
      best: ['营养午餐改善'],
      worst: [],
      ...(group === 'party' && n === 4 ? { otherBest: ONLY_TEXT } : {}),
    },
    submissionId: `known-evaluator-${group}-${String(n).padStart(4, '0')}`,
  };
}

/** Every string in a value (keys included): what a reader of the item can match against other items. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      strings(v, out);
    }
  }
  return out;
}

async function dumpTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({ TableName: stack.db.tableName, ConsistentRead: true, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

describe('anonymity against a curious organizer with the whole table, every export and the secret', () => {
  it('ties no comment or free text to fewer than k ballots, and no receipt to any ballot', async () => {
    const { id, tokens } = await stack.openExample({ party: 12, staff: 3 });
    const voted: { group: string; ballotKey: string; submissionId: string; receipt: string }[] = [];
    for (const group of ['party', 'staff']) {
      for (const [n, token] of (tokens[group] ?? []).entries()) {
        const body = plannedBallot(group, n);
        const answer = await stack.call('POST', `/b/${token}`, body);
        expect(answer.status, answer.text).toBe(201);
        voted.push({
          group,
          ballotKey: `t.${group}.${n + 1}`,
          submissionId: body.submissionId,
          receipt: answer.json.receipt,
        });
      }
    }
    // a retry is answered with the original receipt, and adds nothing
    const again = await stack.call('POST', `/b/${tokens.party?.[4]}`, plannedBallot('party', 4));
    expect(again).toMatchObject({ status: 200, json: { receipt: voted[4]?.receipt } });

    await stack.poller.idle();
    const recount = await recountTally(stack.db, id);
    expect(await readTally(stack.db, id)).toEqual(recount);
    expect(recount.comments['m-wang']).toBe(1);
    expect(recount.comments['org-edu']).toBe(4 + 1); // party 0, 3, 6, 9 and staff 0
    expect(recount.matters.otherBest[ONLY_TEXT]).toBe(1);

    expect((await stack.organizer('POST', `/api/campaigns/${id}/reports`, { raw: true })).status).toBe(202);
    expect((await stack.organizer('POST', `/api/campaigns/${id}/close`)).status).toBe(200);
    await stack.exportsSettled();

    // Everything the organizer can read: the table, and every file of every report.
    const items = await dumpTable();
    const ballots = items.filter((i) => i.sk === BALLOT_SK && i.cid === id);
    const comments = items.filter((i) => String(i.pk).startsWith(`CM#${id}#`));
    const texts = items.filter((i) => i.pk === `FT#${id}`);
    const receipts = items.filter((i) => String(i.pk).startsWith(`RC#${id}#`));
    expect(ballots).toHaveLength(15);
    expect(comments).toHaveLength(6);
    expect(texts).toHaveLength(1);

    // A ballot holds its group, ratings and picks, and a keyed hash for retries: no time, comment list, text,
    // submission id or receipt.
    for (const ballot of ballots)
      expect(Object.keys(ballot).sort()).toEqual(['cid', 'g', 'mb', 'mw', 'pk', 'r', 'sd', 'sk']);
    for (const comment of comments) expect(Object.keys(comment).sort()).toEqual(['pk', 'sk', 'text']);
    for (const text of texts) expect(Object.keys(text).sort()).toEqual(['pk', 'side', 'sk', 'text']);
    for (const receipt of receipts) expect(Object.keys(receipt).sort()).toEqual(['pk', 'sk']);

    // No value of a comment, free text or receipt item (its id, its text) is found in any ballot item, in whole or
    // in part, nor the other way round.
    const ballotStrings = ballots.map((b) => [...strings(b)]);
    const linked = (value: string) =>
      ballotStrings.filter((b) =>
        b.some(
          (s) =>
            s === value || (s.length >= 8 && value.includes(s)) || (value.length >= 8 && s.includes(value)),
        ),
      );
    for (const item of [...comments, ...texts, ...receipts]) {
      for (const value of [String(item.sk), ...(typeof item.text === 'string' ? [item.text] : [])]) {
        expect(linked(value), value).toEqual([]);
      }
    }

    // So a comment can be tied only to the ballots that rated its subject: at least k of them.
    for (const comment of comments) {
      const subject = String(comment.pk).split('#')[2] ?? '';
      const kind = campaign.subjects.find((s) => s.id === subject)?.kind ?? '';
      const candidates = ballots.filter((b) =>
        campaign.groups.some((g) => g.id === b.g && groupEvaluates(g, kind)),
      );
      expect(candidates.length).toBeGreaterThanOrEqual(K);
    }
    // and a free text to any ballot of the campaign
    expect(ballots.length).toBeGreaterThanOrEqual(K);

    // The secret does not help: trying every string in the table (and every known submission id but the
    // voter's own) as the submission id derives no stored digest, comment id, free-text id or receipt.
    const secret = stack.deps.codeSecret;
    const everything = new Set([...items.flatMap((i) => [...strings(i)])]);
    const storedIds = new Set([...comments, ...texts].map((i) => String(i.sk)));
    const storedReceipts = new Set(receipts.map((r) => String(r.sk).split('#')[0]));
    const storedDigests = new Set(ballots.map((b) => String(b.sd)));
    const hits: string[] = [];
    for (const ballot of ballots) {
      const ballotKey = String(ballot.pk).split('#').slice(2).join('#');
      for (const guess of everything) {
        if (storedDigests.has(submissionDigest(secret, id, guess))) hits.push(`digest ${guess}`);
        if (storedReceipts.has(receiptOf(secret, id, ballotKey, guess))) hits.push(`receipt ${guess}`);
        for (const subject of ALL) {
          if (storedIds.has(commentId(secret, id, ballotKey, guess, subject))) hits.push(`comment ${guess}`);
        }
        if (storedIds.has(freeTextId(secret, id, ballotKey, guess, 'otherBest'))) hits.push(`text ${guess}`);
      }
    }
    expect(everything.size).toBeGreaterThan(100);
    expect(hits).toEqual([]);
    // (with the voter's own submission id, which only the voter's device holds, the voter finds their receipt)
    expect(
      storedReceipts.has(receiptOf(secret, id, 't.party.5', plannedBallot('party', 4).submissionId)),
    ).toBe(true);

    // The receipts list: one per counted ballot, nothing else, equal in count to the closing report.
    const listed = await listReceipts(stack.db, id);
    expect(listed).toEqual(voted.map((v) => v.receipt).sort());
    const reports = (await stack.organizer('GET', `/api/campaigns/${id}/reports`)).json;
    const closing = reports.find((r: { trigger: string }) => r.trigger === 'close');
    expect(closing.verification.ballots).toBe(listed.length);

    // Every export: the raw ballots carry no time, comment or free text; free texts come apart, shuffled, alone.
    const manual = reports.find((r: { trigger: string }) => r.trigger === 'manual');
    const file = async (format: string) => {
      const url = manual.files.find((f: { format: string }) => f.format === format).url as string;
      return Buffer.from(await (await fetch(url)).arrayBuffer());
    };
    const raw = (await file('raw-csv')).toString('utf8');
    expect(raw).not.toContain(ONLY_TEXT);
    expect(raw).not.toContain(ONLY_COMMENT);
    expect(raw.split('\r\n')[0]).not.toMatch(/时|time|hour/i);
    const freeTexts = (await file('texts-csv'))
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(freeTexts).toEqual(['类别,内容', `最满意事项（自填）,${ONLY_TEXT}`]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await file('xlsx')) as unknown as ArrayBuffer);
    const rows: string[][] = [];
    workbook.getWorksheet('意见建议（内部）')?.eachRow((row) => rows.push((row.values as string[]).slice(1)));
    // comments by subject only: no group, no time, no ballot
    const wang = campaign.subjects.find((subject) => subject.id === 'm-wang')?.name;
    expect(rows.find((r) => r[1] === ONLY_COMMENT)).toEqual([wang, ONLY_COMMENT]);
    for (const row of rows.slice(2)) expect(row).toHaveLength(2);
  });
});
