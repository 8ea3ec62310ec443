// Fuzzing what the security probe pushed on: generated floods of the open link from several devices and networks
// against a campaign's own quota, and generated campaigns of up to 2,000 subjects whose ballots carry up to 300
// comments. Zero 5xx; no network gets more than its quota in a window; a device that keeps its cookie votes once;
// every 201 is stored once; every comment is stored once and counted once, also when a ballot is sent twice.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BALLOT_SK, listReceipts, readTally, recountTally } from '@pingyi/data';
import {
  BALLOT_BODY_MAX,
  Campaign,
  type CampaignInput,
  type Group,
  quotaWindow,
  subjectsFor,
  type Tally,
} from '@pingyi/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURING_WINDOW, exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';
import {
  FUZZ_SEED,
  type Loose,
  newSubmissionId,
  report,
  SCALE,
  SOAK,
  seconds,
  TEST_TIMEOUT,
} from './support.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Addresses a flood may come from, and the network each counts as (one quota per network and window). */
const ADDRESSES = [
  { address: '198.51.100.1', network: 'v4-a' },
  { address: '::ffff:198.51.100.1', network: 'v4-a' },
  { address: '198.51.100.2', network: 'v4-b' },
  { address: '2001:db8:1:1::1', network: 'v6-a' },
  { address: '2001:db8:1:1:ffff::9', network: 'v6-a' },
  { address: '2001:db8:1:2::1', network: 'v6-b' },
  { address: '127.0.0.1', network: 'loopback' },
  { address: '::1', network: 'loopback' },
] as const;

type Kind = 'new' | 'no-id' | 'retry' | 'invalid' | 'spelling' | 'form';

const floodCase = fc.record({
  perSource: fc.integer({ min: 1, max: 12 }),
  windowMinutes: fc.constantFrom(10, 30, 60, 1440),
  devices: fc.array(
    fc.record({ address: fc.integer({ min: 0, max: ADDRESSES.length - 1 }), keepsCookie: fc.boolean() }),
    { minLength: 1, maxLength: 6 },
  ),
  steps: fc.array(
    fc.record({
      device: fc.nat(),
      kind: fc.oneof(
        { arbitrary: fc.constant<Kind>('new'), weight: 6 },
        { arbitrary: fc.constantFrom<Kind>('no-id', 'retry', 'form'), weight: 2 },
        { arbitrary: fc.constantFrom<Kind>('invalid', 'spelling'), weight: 1 },
      ),
      // mostly one request; sometimes the same step at once from one device; now and then a flood
      copies: fc.oneof(
        { arbitrary: fc.constant(1), weight: 4 },
        { arbitrary: fc.integer({ min: 2, max: 8 }), weight: 2 },
        { arbitrary: fc.integer({ min: 20, max: 60 }), weight: 1 },
      ),
      advanceMinutes: fc.oneof(
        { arbitrary: fc.constant(0), weight: 6 },
        { arbitrary: fc.integer({ min: 1, max: 90 }), weight: 1 },
      ),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

interface Answer {
  kind: Kind;
  status: number;
  /** error code (JSON), or what an HTML page says */
  code: string;
  receipt?: string;
  submissionId?: string;
  network: string;
  window: string;
}

/** The four spellings of a token (the last character carries two unused bits): the printed one first. */
const otherSpellings = (token: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(token.at(-1) ?? '');
  return [0, 1, 2, 3]
    .map((bits) => `${token.slice(0, -1)}${alphabet[(last & ~3) | bits]}`)
    .filter((t) => t !== token);
};

const RECEIPT = /[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;

/** What an answer says, for JSON and for the pages a form post gets. */
function codeOf(status: number, contentType: string, text: string, json: Loose): string {
  if (contentType.includes('application/json'))
    return String(json?.error?.code ?? (status < 300 ? 'ok' : '?'));
  if (status < 300) return 'ok';
  if (text.includes('已达上限')) return 'quota_exceeded';
  if (text.includes('操作太频繁')) return 'rate_limited';
  if (text.includes('本设备已提交过评议')) return 'code_used';
  return `html-${status}`;
}

async function storedOf(campaign: string, prefix: 'ballots' | 'comments') {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({
        TableName: stack.db.tableName,
        ...(prefix === 'ballots'
          ? {
              FilterExpression: 'sk = :sk AND cid = :cid',
              ExpressionAttributeValues: { ':sk': BALLOT_SK, ':cid': campaign },
            }
          : {
              FilterExpression: 'begins_with(pk, :pk)',
              ExpressionAttributeValues: { ':pk': `CM#${campaign}#` },
            }),
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

const commentTotal = (tally: Tally) => Object.values(tally.comments).reduce((n, k) => n + k, 0);

describe('fuzzing the open channel and large ballots with fast-check', () => {
  it(
    'open-channel floods: no 5xx, no network over its quota in any window, one ballot per cookie-keeping device',
    async () => {
      const started = performance.now();
      const campaign = Campaign.parse(exampleCampaign);
      const publicGroup = campaign.groups.find((g) => g.id === 'public') as Group;
      const subjects = subjectsFor(campaign, publicGroup);
      const fullAnswers = () => Object.fromEntries(subjects.map((s) => [s.id, { overall: 'S' }]));
      const figures = {
        runs: 0,
        requests: 0,
        accepted: 0,
        quotaRefused: 0,
        braked: 0,
        statuses: {} as Record<string, number>,
      };

      await fc.assert(
        fc.asyncProperty(floodCase, async (c) => {
          figures.runs++;
          const definition = {
            ...exampleCampaign,
            openChannel: { perSource: c.perSource, windowMinutes: c.windowMinutes },
          };
          stack.clock.now = DURING_WINDOW;
          const { id, openTokens } = await stack.openExample({}, definition as CampaignInput);
          const parsed = Campaign.parse(definition);
          const token = openTokens.public ?? '';
          const devices = c.devices.map((d) => {
            const { address, network } = ADDRESSES[d.address] ?? ADDRESSES[0];
            return { keepsCookie: d.keepsCookie, address, network, cookie: '', last: undefined as Loose };
          });
          const answers: Answer[] = [];

          for (const step of c.steps) {
            stack.clock.now = new Date(stack.clock.now.getTime() + step.advanceMinutes * 60_000);
            const device = devices[step.device % devices.length] as (typeof devices)[number];
            const window = quotaWindow(parsed, stack.clock.now).start.toISOString();
            const hadCookie = device.cookie !== '';
            const send = async (): Promise<Answer> => {
              let path = `/b/${token}`;
              const headers: Record<string, string> = { 'content-type': 'application/json' };
              if (device.keepsCookie && device.cookie) headers.cookie = device.cookie;
              let body: string;
              let submissionId: string | undefined;
              if (step.kind === 'form') {
                headers['content-type'] = 'application/x-www-form-urlencoded';
                body = new URLSearchParams(
                  subjects.map((s): [string, string] => [`a.${s.id}`, 'S']),
                ).toString();
              } else {
                let json: Loose = { answers: fullAnswers(), submissionId: newSubmissionId() };
                if (step.kind === 'no-id') json = { answers: fullAnswers() };
                if (step.kind === 'retry' && device.last) json = device.last;
                if (step.kind === 'invalid') json = { answers: {}, submissionId: newSubmissionId() };
                if (step.kind === 'spelling') path = `/b/${otherSpellings(token)[answers.length % 3]}`;
                submissionId = json.submissionId;
                if (json.submissionId) device.last = json;
                body = JSON.stringify(json);
              }
              const response = await stack.app.request(
                path,
                { method: 'POST', headers, body },
                { incoming: { socket: { remoteAddress: device.address } } },
              );
              const text = await response.text();
              let json: Loose;
              try {
                json = JSON.parse(text);
              } catch {
                json = undefined;
              }
              const setCookie = response.headers.get('set-cookie');
              if (setCookie && device.keepsCookie) device.cookie = setCookie.split(';')[0] ?? '';
              const receipt = json?.receipt ?? RECEIPT.exec(text)?.[0];
              const contentType = response.headers.get('content-type') ?? '';
              return {
                kind: step.kind,
                status: response.status,
                code: codeOf(response.status, contentType, text, json),
                ...(response.status < 300 && receipt ? { receipt } : {}),
                ...(submissionId ? { submissionId } : {}),
                network: device.network,
                window,
              };
            };
            const sent = await Promise.all(Array.from({ length: step.copies }, send));
            answers.push(...sent);
            const where = `${step.kind} ×${step.copies} from ${device.address}: ${JSON.stringify(sent)}`;
            for (const a of sent) {
              expect(a.status, where).toBeLessThan(500);
              const allowed: Record<Kind, number[]> = {
                new: [201, 409, 429],
                'no-id': [201, 409, 429],
                form: [201, 409, 429],
                retry: [200, 201, 409, 429],
                invalid: [400, 409, 429],
                spelling: [403],
              };
              expect(allowed[step.kind], where).toContain(a.status);
              if (a.status === 429) expect(['quota_exceeded', 'rate_limited'], where).toContain(a.code);
              if (a.status === 200 || a.status === 201) expect(a.receipt, where).toMatch(RECEIPT);
            }
            // a device that kept the cookie of a stored ballot gets no new one
            if (device.keepsCookie && hadCookie) {
              expect(
                sent.filter((a) => a.status === 201),
                where,
              ).toEqual([]);
            }
          }

          // No network over its quota in any window.
          const perCell = new Map<string, number>();
          for (const a of answers.filter((a) => a.status === 201)) {
            const cell = `${a.network}@${a.window}`;
            perCell.set(cell, (perCell.get(cell) ?? 0) + 1);
          }
          for (const [cell, n] of perCell) expect(n, cell).toBeLessThanOrEqual(c.perSource);
          // One submission, one receipt: a retry is answered with the receipt its 201 had.
          const receiptOf = new Map<string, string>();
          for (const a of answers.filter((a) => a.receipt && a.submissionId)) {
            const known = receiptOf.get(a.submissionId as string);
            if (known) expect(a.receipt, a.submissionId).toBe(known);
            else receiptOf.set(a.submissionId as string, a.receipt as string);
          }
          // Stored: exactly the 201s; the counters agree with what was answered.
          const created = answers.filter((a) => a.status === 201).map((a) => a.receipt as string);
          const stored = await listReceipts(stack.db, id);
          expect(stored.sort()).toEqual([...new Set(created)].sort());
          expect(created.length).toBe(new Set(created).size);
          const spread = await stack.organizer('GET', `/api/campaigns/${id}/open-channel`);
          const quotaRefused = answers.filter((a) => a.code === 'quota_exceeded').length;
          expect(spread.json).toMatchObject({ ballots: created.length, refused: quotaRefused });
          expect(spread.json.sources).toBeLessThanOrEqual(new Set(devices.map((d) => d.network)).size);

          figures.requests += answers.length;
          figures.accepted += created.length;
          figures.quotaRefused += quotaRefused;
          figures.braked += answers.filter((a) => a.code === 'rate_limited').length;
          for (const a of answers) figures.statuses[a.status] = (figures.statuses[a.status] ?? 0) + 1;
        }),
        { numRuns: SCALE.floodRuns, seed: FUZZ_SEED, endOnFailure: true },
      );
      stack.clock.now = DURING_WINDOW;
      report('fuzz: open-channel floods', {
        runs: figures.runs,
        requests: figures.requests,
        'accepted (201)': figures.accepted,
        'refused by the quota': figures.quotaRefused,
        'refused by the per-container brake': figures.braked,
        statuses: figures.statuses,
        seed: FUZZ_SEED,
        duration: seconds(started),
      });
    },
    TEST_TIMEOUT,
  );

  it(
    'large-ballot campaigns: 100–2,000 subjects, up to 300 comments a ballot, sent twice: no 5xx, every comment once',
    async () => {
      const started = performance.now();
      const figures = {
        campaigns: 0,
        ballots: 0,
        accepted: 0,
        tooLarge: 0,
        comments: 0,
        statuses: {} as Record<string, number>,
      };
      const checked: { id: string; ballots: number; comments: number }[] = [];
      const kinds = ['org', 'member', 'cadre'];

      await fc.assert(
        fc.asyncProperty(
          fc.record({
            subjects: fc.integer({ min: 100, max: 2000 }),
            ballots: fc.array(
              fc.record({
                channel: fc.constantFrom('code', 'open'),
                comments: fc.integer({ min: 0, max: 300 }),
                length: fc.integer({ min: 1, max: 40 }),
                resend: fc.constantFrom('none', 'after', 'together'),
              }),
              // three ballots of 2,000 subjects are 6,000 aggregate updates: at full scale only
              { minLength: 1, maxLength: SOAK ? 3 : 2 },
            ),
          }),
          async (c) => {
            figures.campaigns++;
            stack.clock.now = DURING_WINDOW;
            const definition = {
              ...exampleCampaign,
              subjects: Array.from({ length: c.subjects }, (_, i) => ({
                id: `s${i}`,
                kind: kinds[i % 3],
                name: `对象${i}`,
              })),
              openChannel: { perSource: 1000 },
            } as CampaignInput;
            const campaign = Campaign.parse(definition);
            const { id, tokens, openTokens } = await stack.openExample(
              { party: c.ballots.length },
              definition,
            );
            const expected: string[] = [];
            let accepted = 0;
            for (const [n, b] of c.ballots.entries()) {
              figures.ballots++;
              const group = campaign.groups.find(
                (g) => g.id === (b.channel === 'code' ? 'party' : 'public'),
              ) as Group;
              const scope = subjectsFor(campaign, group);
              const answers: Record<string, { overall: string; comment?: string }> = {};
              for (const s of scope) answers[s.id] = { overall: 'S' };
              const count = Math.min(b.comments, scope.length);
              const stride = Math.max(1, Math.floor(scope.length / Math.max(count, 1)));
              const texts: string[] = [];
              for (let i = 0; i < count; i++) {
                const subject = scope[(i * stride) % scope.length]?.id as string;
                if (answers[subject]?.comment) continue;
                const text = `意见${n}-${i}${'很'.repeat(b.length)}`;
                (answers[subject] as { comment?: string }).comment = text;
                texts.push(text);
              }
              const body = { answers, submissionId: newSubmissionId() };
              const path = `/b/${b.channel === 'code' ? tokens.party?.[n] : openTokens.public}`;
              const size = new TextEncoder().encode(JSON.stringify(body)).length;
              const sends = b.resend === 'together' ? 2 : 1;
              const first = await Promise.all(
                Array.from({ length: sends }, () => stack.call('POST', path, body)),
              );
              const again = b.resend === 'after' ? [await stack.call('POST', path, body)] : [];
              const all = [...first, ...again];
              for (const r of all) figures.statuses[r.status] = (figures.statuses[r.status] ?? 0) + 1;
              const where = `${b.channel} ballot ${n}: ${scope.length} subjects, ${texts.length} comments, ${size} bytes → ${all.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join(' | ')}`;
              for (const r of all) expect(r.status, where).toBeLessThan(500);
              if (size > BALLOT_BODY_MAX) {
                figures.tooLarge++;
                for (const r of all) expect(r.status, where).toBe(413);
                continue;
              }
              expect(all.map((r) => r.status).sort(), where).toEqual(
                sends === 2 || again.length ? [200, 201] : [201],
              );
              expect(new Set(all.map((r) => r.json.receipt)).size, where).toBe(1);
              accepted++;
              expected.push(...texts);
            }
            const comments = (await storedOf(id, 'comments')).map((item) => String(item.text));
            expect(comments.sort()).toEqual([...expected].sort());
            expect(await storedOf(id, 'ballots')).toHaveLength(accepted);
            figures.accepted += accepted;
            figures.comments += expected.length;
            checked.push({ id, ballots: accepted, comments: expected.length });
          },
        ),
        { numRuns: SCALE.largeBallotRuns, seed: FUZZ_SEED, endOnFailure: true },
      );

      // Counted once: after the stream has drained, live counts equal a recount, comments included.
      await stack.poller.idle();
      for (const { id, ballots, comments } of checked) {
        const live = await readTally(stack.db, id);
        expect(
          Object.values(live.ballots).reduce((a, b) => a + b, 0),
          id,
        ).toBe(ballots);
        expect(commentTotal(live), id).toBe(comments);
        expect(live).toEqual(await recountTally(stack.db, id));
      }
      report('fuzz: large-ballot campaigns', { ...figures, seed: FUZZ_SEED, duration: seconds(started) });
    },
    TEST_TIMEOUT,
  );
});
