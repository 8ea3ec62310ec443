// Fuzzing the two doors anyone can push on: generated ballot bodies against POST /b/{token} and generated
// campaign files against POST /api/campaigns. Zero 5xx, every 4xx says why, nothing stored from a rejection.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  CAMPAIGNS_INDEX,
  CAMPAIGNS_PK,
  codeBallot,
  hasVoted,
  listComments,
  readTally,
  recountTally,
} from '@pingyi/data';
import {
  BALLOT_BODY_MAX,
  Campaign,
  type CampaignInput,
  computeResults,
  emptyTally,
  type Group,
  type Tally,
} from '@pingyi/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsOf } from '../support/results.ts';
import {
  ADMIN_TOKEN,
  DURING_WINDOW,
  exampleCampaign,
  startTestStack,
  type TestStack,
} from '../support/stack.ts';
import {
  ballotBody,
  FUZZ_SEED,
  type Loose,
  newSubmissionId,
  random,
  report,
  SCALE,
  seconds,
  storedReceipts,
  TEST_TIMEOUT,
} from './support.ts';

/** Keys that reach for an object's prototype, or shadow what every object inherits. */
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
];
/**
 * Every case moves the test clock on by this much: all fuzz traffic comes from one source, and open links
 * limit submits per source over time. (Many cases still stay within a day of the campaign's window.)
 */
const CLOCK_STEP_MS = 10_000;

type Json = unknown;
type Outcome = 'accept' | 'reject' | 'any';

interface Response {
  status: number;
  contentType: string;
  text: string;
  json: Loose;
}

/** An own property, even for `__proto__` (plain assignment would set the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const clone = <T>(value: T): T => structuredClone(value);

/** What a person reads in a 4xx: `error.message` of a JSON error, or the message of an HTML error page. */
function messageOf(response: Response): string | undefined {
  if (response.contentType.includes('application/json')) {
    const message = response.json?.error?.message;
    return typeof message === 'string' && message.trim() !== '' && response.json?.error?.code
      ? message
      : undefined;
  }
  if (response.contentType.includes('text/html')) {
    // The ballot page again with its issues listed, or a one-message page (heading and message).
    const alert = /role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(response.text)?.[1];
    const notice = /<h1[^>]*>([\s\S]*?)<\/h1>\s*<p[^>]*>([\s\S]*?)<\/p>/.exec(response.text);
    const text = (alert ?? notice?.[2] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text === '' ? undefined : text;
  }
  return undefined;
}

const RECEIPT = /\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b/;

/** Own property names of Object.prototype and Object: a polluting request would add to them. */
const prototypeShape = () =>
  `${Object.getOwnPropertyNames(Object.prototype).sort().join(',')}|${Object.getOwnPropertyNames(Object).sort().join(',')}`;

/** A generated string that is not one of `taken`. */
const other = (text: string, taken: readonly string[]) => (taken.includes(text) ? `${text}~x` : text);

// ---------------------------------------------------------------------------------------------------------
// Generators shared by both properties.

/** Set in roughly one case in four, left out otherwise: most cases differ from a valid one in a few places. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });

const weirdText = fc.oneof(
  fc.constantFrom(
    ...PROTO_KEYS,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    '💩',
    '0',
    '-1',
    'S',
    'overall',
    'a.b',
    '%00',
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);
/** Any JSON value, or a shape the schemas do not expect. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, 0.5, [], {}, [[]], '', 'S'),
  weirdText,
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);
/** junk that is not a plain object (for fields that must be objects). */
const notObject = junk.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v));
/** junk that is not a string (for fields that must be strings). */
const notString = junk.filter((v) => typeof v !== 'string');

/** Deeply nested JSON text, capped so the generator stays cheap; past 64 KiB it must be a 413. */
const deepText = fc
  .record({
    depth: fc.integer({ min: 1, max: 100_000 }),
    shape: fc.constantFrom('array', 'object'),
    at: fc.constantFrom('top', 'answers', 'overall', 'best'),
  })
  .map(({ depth, shape, at }) => {
    const open = shape === 'array' ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = shape === 'array' ? ']'.repeat(depth) : '}'.repeat(depth);
    const nested = `${open}1${close}`;
    if (at === 'top') return nested;
    if (at === 'answers') return `{"answers":${nested}}`;
    if (at === 'overall') return `{"answers":{"org-edu":{"overall":${nested}}}}`;
    return `{"answers":{},"matters":{"best":${nested}}}`;
  });

// ---------------------------------------------------------------------------------------------------------
// Ballots

interface BallotCase {
  label: string;
  expect: Outcome;
  /** which door: a code of the group, the group's open link, or a token we never signed (raw: put in the path as is) */
  target: 'party' | 'staff' | 'public' | { forged: string; raw?: boolean };
  contentType?: string;
  /** JSON text, or form fields */
  body: string | { form: [string, string][]; multipart: boolean };
}

type Body = ReturnType<typeof ballotBody> & Record<string, unknown>;

/** Mutations of a valid ballot, each of which makes it invalid for its group. */
function mutations(campaign: Campaign, group: Group) {
  const subjects = campaign.subjects.filter(
    (s) => group.evaluates === undefined || group.evaluates.includes(s.kind),
  );
  const subjectIds = subjects.map((s) => s.id);
  const first = subjects[0]?.id ?? 'org-edu';
  const optionIds = Object.values(campaign.scales).flatMap((s) => s.options.map((o) => o.id));
  const itemIds = campaign.subjectKinds.flatMap((k) => k.items.map((i) => i.id));
  const matterOptions = campaign.matters?.options ?? [];
  const answerOf = (b: Body) => b.answers[first] as Record<string, unknown>;
  return {
    dropSubject: (b: Body) => {
      delete b.answers[first];
    },
    dropAnswers: (b: Body) => {
      delete (b as Partial<Body>).answers;
    },
    unknownSubject: (b: Body, key: string) => setOwn(b.answers, other(key, subjectIds), { overall: 'S' }),
    badOverall: (b: Body, value: Json) => {
      answerOf(b).overall = typeof value === 'string' ? other(value, optionIds) : value;
    },
    unknownItem: (b: Body, key: string) =>
      setOwn(
        (answerOf(b).items = { ...(answerOf(b).items as object) }),
        other(key, [...itemIds, 'overall']),
        'S',
      ),
    badItemOption: (b: Body, value: Json) => {
      answerOf(b).items = { p1: typeof value === 'string' ? other(value, optionIds) : value };
    },
    itemsNotObject: (b: Body, value: Json) => {
      answerOf(b).items = value;
    },
    longComment: (b: Body, n: number) => {
      answerOf(b).comment = '长'.repeat(501 + (n % 3000));
    },
    commentNotString: (b: Body, value: Json) => {
      answerOf(b).comment = value;
    },
    extraAnswerKey: (b: Body, key: string) =>
      setOwn(answerOf(b), other(key, ['overall', 'items', 'comment']), 'x'),
    unknownMatter: (b: Body, key: string) => {
      b.matters = { best: [other(key, matterOptions)], worst: [] };
    },
    tooManyPicks: (b: Body) => {
      b.matters = { best: [...matterOptions, 'x'], worst: [] };
    },
    bestIsWorst: (b: Body) => {
      b.matters = { best: matterOptions.slice(0, 1), worst: matterOptions.slice(0, 1) };
    },
    longOther: (b: Body, n: number) => {
      b.matters = { best: [], worst: [], otherWorst: `其他${'事'.repeat(50 + (n % 200))}` };
    },
    mattersNotObject: (b: Body, value: Json) => {
      (b as Record<string, unknown>).matters = value;
    },
    answersNotObject: (b: Body, value: Json) => {
      (b as Record<string, unknown>).answers = value;
    },
    extraTopKey: (b: Body, key: string, value: Json) =>
      setOwn(b, other(key, ['answers', 'matters', 'submissionId']), value),
    badSubmissionId: (b: Body, value: Json) => {
      (b as Record<string, unknown>).submissionId = typeof value === 'string' ? `${value}!` : value;
    },
    longSubjectKey: (b: Body, n: number) => setOwn(b.answers, 'k'.repeat(41 + (n % 2000)), { overall: 'S' }),
  };
}

/** The form fields the ballot page would post for a body. */
function formFields(body: Body): [string, string][] {
  const fields: [string, string][] = [];
  for (const [subject, answer] of Object.entries(body.answers)) {
    fields.push([`a.${subject}`, answer.overall]);
    for (const [item, option] of Object.entries(answer.items ?? {}))
      fields.push([`a.${subject}.${item}`, option]);
    if (answer.comment) fields.push([`c.${subject}`, answer.comment]);
  }
  const matters = body.matters as {
    best: string[];
    worst: string[];
    otherBest?: string;
    otherWorst?: string;
  };
  for (const m of matters.best) fields.push(['best', m]);
  for (const m of matters.worst) fields.push(['worst', m]);
  if (matters.otherBest) fields.push(['otherBest', matters.otherBest]);
  if (matters.otherWorst) fields.push(['otherWorst', matters.otherWorst]);
  if (body.submissionId) fields.push(['submissionId', body.submissionId]);
  return fields;
}

function ballotCases(campaign: Campaign): fc.Arbitrary<BallotCase> {
  const groupArb = fc.constantFrom<'party' | 'staff' | 'public'>('party', 'staff', 'public');
  const groupOf = (id: string) => campaign.groups.find((g) => g.id === id) as Group;
  const valid = fc
    .record({
      target: groupArb,
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      other: fc.option(fc.oneof(fc.constantFrom(...PROTO_KEYS), weirdText), { nil: undefined }),
      noSubmissionId: fc.boolean(),
    })
    .map(({ target, seed, other: otherBest, noSubmissionId }) => {
      const body = ballotBody(campaign, groupOf(target), random(seed)) as Body;
      // Free text a voter may type into 其他, however odd, is a valid answer when it fits.
      const fits = otherBest !== undefined && otherBest.trim() !== '' && [...otherBest.trim()].length <= 50;
      if (fits) (body.matters as Record<string, unknown>).otherBest = otherBest;
      if (noSubmissionId) delete (body as Partial<Body>).submissionId;
      return { target, body } as const;
    });

  const validJson = valid.map(
    ({ target, body }): BallotCase => ({
      label: 'valid',
      expect: 'accept',
      target,
      body: JSON.stringify(body),
    }),
  );
  const mutated = fc
    .record({
      target: groupArb,
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      mutation: fc.constantFrom(...Object.keys(mutations(campaign, groupOf('party')))),
      key: weirdText,
      value: junk,
      notObject,
      notString,
      n: fc.nat(),
    })
    .map(
      ({ target, seed, mutation, key, value, notObject: nonObject, notString: nonString, n }): BallotCase => {
        const body = ballotBody(campaign, groupOf(target), random(seed)) as Body;
        const m = mutations(campaign, groupOf(target));
        const arg: Record<string, unknown[]> = {
          unknownSubject: [key],
          badOverall: [value],
          unknownItem: [key],
          badItemOption: [value],
          itemsNotObject: [nonObject],
          longComment: [n],
          commentNotString: [nonString === undefined ? null : nonString],
          extraAnswerKey: [key],
          unknownMatter: [key],
          longOther: [n],
          mattersNotObject: [nonObject],
          answersNotObject: [nonObject],
          extraTopKey: [key, value],
          badSubmissionId: [value],
          longSubjectKey: [n],
        };
        (m[mutation as keyof typeof m] as (b: Body, ...rest: unknown[]) => void)(
          body,
          ...(arg[mutation] ?? []),
        );
        // A record key "__proto__" (an unknown subject or item) is dropped by the schema, not refused: the rest of
        // the ballot is what gets stored and counted, so either answer is sound.
        const dropped = key === '__proto__' && (mutation === 'unknownSubject' || mutation === 'unknownItem');
        return {
          label: `mutated:${mutation}`,
          expect: dropped ? 'any' : 'reject',
          target,
          body: JSON.stringify(body),
        };
      },
    );
  const arbitraryJson = fc.record({ target: groupArb, value: fc.oneof(fc.jsonValue(), fc.object()) }).map(
    ({ target, value }): BallotCase => ({
      label: 'arbitrary-json',
      expect: 'any',
      target,
      body: JSON.stringify(value) ?? 'null',
    }),
  );
  const deep = fc
    .record({ target: groupArb, text: deepText })
    .map(({ target, text }): BallotCase => ({ label: 'deep-nesting', expect: 'reject', target, body: text }));
  const badJson = fc
    .record({
      target: groupArb,
      seed: fc.nat(),
      cut: fc.nat(),
      junkText: fc.string({ unit: 'binary' }),
      how: fc.nat(4),
    })
    .map(({ target, seed, cut, junkText, how }): BallotCase => {
      const text = JSON.stringify(ballotBody(campaign, groupOf(target), random(seed)));
      const bodies = [
        text.slice(0, cut % text.length), // truncated
        `${text}}`, // trailing garbage
        text.replaceAll('"', "'"), // single quotes
        `${text.slice(0, -1)},}`, // trailing comma
        `\u0000${junkText}`, // not JSON at all
      ];
      return { label: 'bad-json-text', expect: 'reject', target, body: bodies[how] ?? '' };
    });
  const huge = fc
    .record({
      target: groupArb,
      seed: fc.nat(),
      size: fc.integer({ min: 65 * 1024, max: 300 * 1024 }),
      where: fc.nat(2),
    })
    .map(({ target, seed, size, where }): BallotCase => {
      const body = ballotBody(campaign, groupOf(target), random(seed)) as Body;
      const big = 'x'.repeat(size);
      if (where === 0)
        (body.answers[Object.keys(body.answers)[0] ?? 'x'] as Record<string, unknown>).comment = big;
      else if (where === 1) (body.matters as Record<string, unknown>).otherBest = big;
      else setOwn(body.answers, big, { overall: 'S' });
      return { label: 'huge-string', expect: 'reject', target, body: JSON.stringify(body) };
    });
  const form = fc
    .record({
      v: valid,
      multipart: fc.boolean(),
      extra: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              ...PROTO_KEYS.flatMap((k) => [`a.${k}`, `c.${k}`, `a.org-edu.${k}`, `a.${k}.p1`, k]),
              'a.',
              'a..',
              'a.org-edu.p1.x',
              'best',
              'worst',
              'otherBest',
              'submissionId',
            ),
            weirdText,
          ),
          weirdText,
        ),
        { maxLength: 4 },
      ),
    })
    .map(
      ({ v, multipart, extra }): BallotCase => ({
        label: extra.length ? 'form+extra-fields' : 'form',
        // Extra fields may or may not spoil the ballot; either way the answer must be sound.
        expect: extra.length ? 'any' : 'accept',
        target: v.target,
        body: { form: [...formFields(v.body), ...extra], multipart },
      }),
    );
  const wrongType = fc
    .record({
      v: valid,
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        '',
        'application/jsonx',
        'multipart/form-data',
      ),
    })
    .map(
      ({ v, contentType }): BallotCase => ({
        label: 'json-under-another-content-type',
        expect: contentType === 'application/jsonx' ? 'any' : 'reject',
        target: v.target,
        contentType,
        body: JSON.stringify(v.body),
      }),
    );
  const forged = fc
    .record({
      v: valid,
      token: fc.oneof(
        weirdText,
        fc.constantFrom('AAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(27), 'x'.repeat(5000), '..', '%2e%2e'),
        fc.stringMatching(/^[A-Za-z0-9_-]{27}$/),
      ),
      // Broken percent-encoding, straight into the path.
      raw: sometimes(fc.constantFrom('%ff', '%E0%A4%A', '%', '%%', '%2F..%2F', '%00', '%C0%AF')),
    })
    .map(
      ({ v, token, raw }): BallotCase => ({
        label: raw ? 'forged-token:raw-path' : 'forged-token',
        expect: 'reject',
        target: raw ? { forged: raw, raw: true } : { forged: token },
        body: JSON.stringify(v.body),
      }),
    );
  return fc.oneof(
    { arbitrary: validJson, weight: 4 },
    { arbitrary: mutated, weight: 8 },
    { arbitrary: arbitraryJson, weight: 2 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: badJson, weight: 2 },
    { arbitrary: huge, weight: 1 },
    { arbitrary: form, weight: 3 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: forged, weight: 1 },
  );
}

async function send(
  stack: TestStack,
  path: string,
  c: { contentType?: string; body: BallotCase['body'] },
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method: 'POST', headers: { ...extraHeaders } };
  const headers = init.headers as Record<string, string>;
  if (typeof c.body === 'string') {
    init.body = c.body;
    headers['content-type'] = c.contentType ?? 'application/json';
    if (c.contentType === '') delete headers['content-type'];
  } else if (c.body.multipart) {
    const data = new FormData();
    for (const [name, value] of c.body.form) data.append(name, value);
    init.body = data;
  } else {
    init.body = new URLSearchParams(c.body.form);
  }
  const response = await stack.app.request(path, init);
  const text = await response.text();
  let json: Loose;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

describe('fuzzing the API with fast-check', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(
    'ballot bodies: no 5xx, every 4xx says why, nothing stored from a rejected one',
    async () => {
      const started = performance.now();
      const campaign = Campaign.parse(exampleCampaign);
      // All fuzz traffic comes from one source: the open channel's quota is fuzzed apart (fuzz-open-channel.test.ts).
      const { id, openTokens } = await stack.openExample(
        {},
        {
          ...exampleCampaign,
          openChannel: { perSource: 1_000_000 },
        },
      );
      const openToken = openTokens.public ?? '';
      // Codes are issued as needed; a rejected body leaves its code unused for the next case.
      const codes: Record<'party' | 'staff', { token: string; serial: number }[]> = { party: [], staff: [] };
      const nextCode = async (group: 'party' | 'staff') => {
        if (codes[group].length === 0) {
          const issued = await stack.organizer('POST', `/api/campaigns/${id}/codes`, { group, count: 200 });
          codes[group].push(...issued.json.codes);
        }
        return codes[group][0] as { token: string; serial: number };
      };
      const shape = prototypeShape();
      const tallies = {
        cases: 0,
        accepted: 0,
        rejected: 0,
        openLink: 0,
        byLabel: {} as Record<string, string>,
      };
      const statuses: Record<number, number> = {};
      const receipts: string[] = [];
      let formAccepted = 0;

      await fc.assert(
        fc.asyncProperty(ballotCases(campaign), async (c) => {
          tallies.cases++;
          stack.clock.now = new Date(DURING_WINDOW.getTime() + tallies.cases * CLOCK_STEP_MS);
          const target = c.target;
          let token: string;
          let code: { token: string; serial: number } | undefined;
          if (typeof target === 'object') token = target.forged;
          else if (target === 'public') {
            token = openToken;
            tallies.openLink++;
          } else {
            code = await nextCode(target);
            token = code.token;
          }
          // A lone surrogate cannot be put in a URL at all (encodeURIComponent throws): the client's problem.
          const path =
            typeof target === 'object' && target.raw
              ? token
              : encodeURIComponent(token.replace(/\p{Cs}/gu, '\uFFFD'));
          const response = await send(stack, `/b/${path}`, c);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          const where = `${c.label} → ${response.status} ${response.text.slice(0, 300)}`;

          expect(prototypeShape(), `prototype polluted by ${c.label}`).toBe(shape);
          expect(response.status, where).toBeLessThan(500);
          const accepted = response.status === 201;
          const entry = (tallies.byLabel[c.label] ??= '0/0');
          const [a = 0, r = 0] = entry.split('/').map(Number);
          tallies.byLabel[c.label] = accepted ? `${a + 1}/${r}` : `${a}/${r + 1}`;
          if (accepted) {
            tallies.accepted++;
            const receipt = response.json?.receipt ?? RECEIPT.exec(response.text)?.[0];
            expect(receipt, where).toMatch(RECEIPT);
            receipts.push(receipt);
            if (typeof c.body !== 'string') formAccepted++;
            if (code && typeof target === 'string') codes[target as 'party' | 'staff'].shift();
          } else {
            tallies.rejected++;
            expect(response.status, where).toBeGreaterThanOrEqual(400);
            expect(messageOf(response), where).toBeDefined();
            // The code is as good as new: nothing was stored under it.
            if (code && typeof target === 'string')
              expect(await hasVoted(stack.db, id, codeBallot(target, code.serial)), where).toBe(false);
          }
          if (c.expect === 'accept') expect(response.status, where).toBe(201);
          if (c.expect === 'reject') expect(response.status, where).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: SCALE.fuzzRuns, seed: FUZZ_SEED, endOnFailure: true },
      );

      // Stored: exactly the accepted ballots, and the comments of those only.
      const stored = await storedReceipts(stack.db, id);
      expect(stored).toEqual([...receipts].sort());
      await stack.poller.idle();
      const recount = await recountTally(stack.db, id);
      for (const subject of campaign.subjects) {
        const want = recount.comments[subject.id] ?? 0;
        expect((await listComments(stack.db, id, subject.id)).length).toBe(want);
      }
      // Counted: whatever was accepted, odd free text included, counts as integers, and live = recount.
      expectIntegerCounts(recount);
      expect(Object.values(recount.ballots).reduce((a, b) => a + b, 0)).toBe(receipts.length);
      expect(await readTally(stack.db, id)).toEqual(recount);
      const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
      const record = await stack.organizer('GET', `/api/campaigns/${id}`);
      expect(countsOf(results.json)).toEqual({
        // a live answer: one consistent cut, not the closing record
        final: false,
        settled: true,
        ...JSON.parse(
          JSON.stringify(
            computeResults({
              campaignId: id,
              campaign,
              status: record.json.status,
              asOf: stack.clock.now.toISOString(),
              tally: recount,
              issued: record.json.issued,
            }),
          ),
        ),
      });

      report('fuzz: ballot bodies', {
        cases: tallies.cases,
        'accepted (201) / rejected (4xx)': `${tallies.accepted} / ${tallies.rejected}`,
        'accepted from HTML forms': formAccepted,
        'sent to the open link': tallies.openLink,
        statuses,
        'accepted/rejected by kind': tallies.byLabel,
        'stored ballots': stored.length,
        seed: FUZZ_SEED,
        duration: seconds(started),
      });
    },
    TEST_TIMEOUT,
  );

  it(
    'campaign files: no 5xx, every 4xx says why, nothing stored from a rejected one',
    async () => {
      const started = performance.now();
      // Later than anything the ballot test created in the same table.
      const base = Date.parse('2027-06-01T00:00:00Z');
      const shape = prototypeShape();
      const created: string[] = [];
      const statuses: Record<number, number> = {};
      const byLabel: Record<string, string> = {};
      const smokeVotes = { counted: 0, 'too-large': 0 };
      let tooLarge = 0;
      let cases = 0;
      // The table is shared with the ballot test: count from what is there already.
      const before = await countCampaigns(stack);
      const newestBefore = ((await stack.organizer('GET', '/api/campaigns')).json as { id: string }[])[0]?.id;

      await fc.assert(
        fc.asyncProperty(campaignCases, async (c) => {
          cases++;
          // Each case creates at a later time, so "the newest campaign" tells whether a rejection stored one.
          stack.clock.now = new Date(base + cases * 1000);
          const response = await send(stack, '/api/campaigns', c, { authorization: `Bearer ${ADMIN_TOKEN}` });
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          const where = `${c.label} → ${response.status} ${response.text.slice(0, 300)}`;
          expect(prototypeShape(), `prototype polluted by ${c.label}`).toBe(shape);
          expect(response.status, where).toBeLessThan(500);
          const [a = 0, r = 0] = (byLabel[c.label] ?? '0/0').split('/').map(Number);
          byLabel[c.label] = response.status === 201 ? `${a + 1}/${r}` : `${a}/${r + 1}`;

          const parsed = c.oracle;
          if (response.status === 201) {
            expect(parsed, `${where}: accepted a definition the schema rejects`).toBeDefined();
            created.push(response.json.id);
            if (parsed && (c.hostile || created.length % 25 === 1)) {
              const outcome = await smokeVote(stack, response.json.id, parsed);
              smokeVotes[outcome]++;
            }
          } else {
            expect(response.status, where).toBeGreaterThanOrEqual(400);
            expect(messageOf(response), where).toBeDefined();
            expect(parsed, `${where}: rejected a valid definition`).toBeUndefined();
            if (JSON.stringify(response.json?.error?.issues ?? []).includes('评议方案过大')) tooLarge++;
            const [newest] = (await stack.organizer('GET', '/api/campaigns')).json as { id: string }[];
            expect(newest?.id, where).toBe(created.at(-1) ?? newestBefore);
          }
        }),
        { numRuns: SCALE.fuzzRuns, seed: FUZZ_SEED, endOnFailure: true },
      );

      expect(await countCampaigns(stack)).toBe(before + created.length);
      report('fuzz: campaign files', {
        cases,
        'created (201) / rejected (4xx)': `${created.length} / ${cases - created.length}`,
        statuses,
        'created/rejected by kind': byLabel,
        'rejected as over the stored-size limit': tooLarge,
        'created campaigns opened and voted on (counted / full ballot over 64 KiB)': `${smokeVotes.counted} / ${smokeVotes['too-large']}`,
        seed: FUZZ_SEED,
        duration: seconds(started),
      });
    },
    TEST_TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------------------
// Campaign files

interface CampaignCase {
  label: string;
  contentType?: string;
  body: string;
  /** the domain schema's verdict on the body: the API must agree with it */
  oracle: Campaign | undefined;
  /** ids or texts that shadow Object.prototype: voted on after creation, every time */
  hostile: boolean;
}

const example = exampleCampaign as CampaignInput & Record<string, unknown>;
const idArb = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,12}$/), weight: 12 },
  { arbitrary: fc.constantFrom(...PROTO_KEYS), weight: 2 },
  { arbitrary: weirdText, weight: 1 },
);
const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCharCode(code));
const textArb = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ unit: cjk, minLength: 1, maxLength: max }), weight: 8 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.ceil(max / 4) }), weight: 2 },
    { arbitrary: fc.constantFrom(...PROTO_KEYS), weight: 2 },
    { arbitrary: fc.string({ minLength: max - 2, maxLength: max + 2 }), weight: 1 },
  );
const iso = fc
  .integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') })
  .map((t) => new Date(t).toISOString());

/** Renames one id everywhere it is referenced, so the result is still consistent. */
function renameKind(def: Loose, from: string, to: string) {
  for (const k of def.subjectKinds) if (k.id === from) k.id = to;
  for (const s of def.subjects) if (s.kind === from) s.kind = to;
  for (const g of def.groups)
    if (g.evaluates) g.evaluates = g.evaluates.map((e: string) => (e === from ? to : e));
  for (const r of def.rules ?? []) if (r.kind === from) r.kind = to;
}
function renameScale(def: Loose, from: string, to: string) {
  if (!(from in def.scales)) return;
  const scales: Record<string, unknown> = {};
  for (const [name, scale] of Object.entries(def.scales)) setOwn(scales, name === from ? to : name, scale);
  def.scales = scales;
  for (const k of def.subjectKinds) {
    if (k.overall.scale === from) k.overall.scale = to;
    for (const i of k.items) if (i.scale === from) i.scale = to;
  }
}
function renameOption(def: Loose, scale: string, from: string, to: string) {
  for (const o of def.scales[scale]?.options ?? []) if (o.id === from) o.id = to;
}

/** Mutations that keep a campaign file meaningful: what an organizer might really write. */
const validMutation = fc
  .record({
    title: sometimes(textArb(100)),
    organizer: sometimes(textArb(100)),
    timezone: sometimes(
      fc.oneof(
        { arbitrary: fc.constantFrom('Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'Etc/GMT-8'), weight: 8 },
        { arbitrary: fc.constantFrom('Mars/Olympus', '', 'asia/shanghai'), weight: 1 },
      ),
    ),
    // Ordered nine times in ten.
    window: sometimes(
      fc
        .tuple(iso, iso, fc.integer({ min: 0, max: 9 }))
        .map(([a, b, flip]) => (a < b === flip > 0 ? [a, b] : [b, a]) as [string, string]),
    ),
    subjectCut: fc.nat(),
    extraSubjects: fc.array(
      fc.record({
        id: idArb,
        kind: fc.nat(),
        name: textArb(60),
        title: fc.option(textArb(60), { nil: undefined }),
      }),
      { maxLength: 5 },
    ),
    // Rare and large: up to the schema's 2,000 subjects, on both sides of the size limit.
    manySubjects: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 30 },
      {
        arbitrary: fc.record({
          count: fc.integer({ min: 100, max: 2000 }),
          nameLength: fc.integer({ min: 1, max: 60 }),
          extraLength: fc.integer({ min: 0, max: 30 }),
        }),
        weight: 1,
      },
    ),
    weights: fc.array(fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), {
      minLength: 3,
      maxLength: 3,
    }),
    rename: sometimes(
      fc.record({ what: fc.constantFrom('kind', 'scale', 'option', 'subject', 'group', 'item'), to: idArb }),
    ),
    matters: sometimes(
      fc.record({
        extra: fc.array(textArb(50), { maxLength: 4 }),
        maxPicks: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 9 },
          { arbitrary: fc.constantFrom(0, 11), weight: 1 },
        ),
        allowOther: fc.boolean(),
      }),
    ),
    minValidBallots: sometimes(
      fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 9 },
        { arbitrary: fc.constantFrom(-1, 100_001, 0.5), weight: 1 },
      ),
    ),
    rules: sometimes(
      fc.array(
        fc.record({
          above: fc.oneof(
            { arbitrary: fc.constantFrom('1/3', '1/2', '0/1', '1/1', '03/09', '999999/999999'), weight: 9 },
            { arbitrary: fc.constantFrom('2/1', '1/0', '1/3 ', '0.5'), weight: 1 },
          ),
          kind: fc.constantFrom('org', 'cadre', 'member'),
        }),
        { maxLength: 3 },
      ),
    ),
  })
  .map((m) => {
    const def: Loose = clone(example);
    if (m.title !== undefined) def.title = m.title;
    if (m.organizer !== undefined) def.organizer = m.organizer;
    if (m.timezone !== undefined) def.timezone = m.timezone;
    if (m.window) def.window = { opensAt: m.window[0], closesAt: m.window[1] };
    def.subjects = def.subjects.slice(0, 1 + (m.subjectCut % def.subjects.length));
    const kinds = def.subjectKinds.map((k: { id: string }) => k.id);
    for (const s of m.extraSubjects)
      def.subjects.push({ ...s, kind: kinds[s.kind % kinds.length], ...(s.title ? {} : {}) });
    if (m.manySubjects) {
      for (let i = 0; i < m.manySubjects.count; i++) {
        const { nameLength, extraLength } = m.manySubjects;
        def.subjects.push({
          id: `s${i}`,
          kind: kinds[i % kinds.length],
          name: '评'.repeat(nameLength),
          ...(extraLength > 0
            ? { title: '职'.repeat(extraLength * 2), unit: '位'.repeat(extraLength * 2) }
            : {}),
        });
      }
    }
    def.groups.forEach((g: { weight?: number }, i: number) => {
      const w = m.weights[i];
      if (w === undefined) delete g.weight;
      else g.weight = w;
    });
    if (m.rename) {
      const { what, to } = m.rename;
      if (what === 'kind') renameKind(def, 'cadre', to);
      if (what === 'scale') renameScale(def, 'performance', to);
      if (what === 'option') renameOption(def, 'satisfaction', 'B', to);
      if (what === 'subject') def.subjects[0].id = to;
      if (what === 'group') def.groups[1].id = to;
      if (what === 'item') def.subjectKinds[0].items[0].id = to;
    }
    if (m.matters) {
      def.matters.options = [...def.matters.options, ...m.matters.extra];
      def.matters.maxPicks = m.matters.maxPicks;
      def.matters.allowOther = m.matters.allowOther;
    }
    if (m.minValidBallots !== undefined) def.minValidBallots = m.minValidBallots;
    if (m.rules) def.rules = m.rules.map((r) => ({ ...r, metric: 'negativeRate', flag: '需要关注' }));
    const hostile =
      (m.rename !== undefined && PROTO_KEYS.includes(m.rename.to)) ||
      (m.matters?.extra ?? []).some((t) => PROTO_KEYS.includes(t.trim()));
    return { label: m.manySubjects ? 'valid-mutation:many-subjects' : 'valid-mutation', def, hostile };
  });

/** Every JSON path of a value, for breaking one place of a file. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => paths(v, [...at, k]))];
}

const broken = fc
  .record({
    pick: fc.nat(),
    how: fc.constantFrom('replace', 'delete', 'duplicate-id', 'reverse-window', 'too-many'),
    value: junk,
  })
  .map(({ pick, how, value }) => {
    const def: Loose = clone(example);
    if (how === 'reverse-window') def.window = { opensAt: def.window.closesAt, closesAt: def.window.opensAt };
    else if (how === 'duplicate-id') def.subjects.push({ ...def.subjects[pick % def.subjects.length] });
    else if (how === 'too-many')
      def.groups = Array.from({ length: 51 }, (_, i) => ({ id: `g${i}`, label: '组', channel: 'token' }));
    else {
      const all = paths(def).filter((p) => p.length > 0);
      const path = all[pick % all.length] ?? ['title'];
      const parent = path.slice(0, -1).reduce((o: Loose, k) => o[k], def);
      const key = path.at(-1) as string | number;
      if (how === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      } else parent[key] = value;
    }
    return { label: `broken:${how}`, def, hostile: false };
  });

const campaignCases: fc.Arbitrary<CampaignCase> = fc
  .oneof(
    { arbitrary: validMutation, weight: 5 },
    { arbitrary: broken, weight: 4 },
    {
      arbitrary: fc
        .oneof(fc.jsonValue({ maxDepth: 4 }), fc.object())
        .map((def) => ({ label: 'arbitrary-json', def, hostile: false })),
      weight: 1,
    },
  )
  .chain((c) =>
    fc.oneof(
      {
        arbitrary: fc.constant({
          ...c,
          text: JSON.stringify(c.def) ?? 'null',
          contentType: undefined as string | undefined,
        }),
        weight: 12,
      },
      {
        arbitrary: fc.nat().map((cut) => {
          const text = JSON.stringify(c.def) ?? 'null';
          return {
            ...c,
            label: 'bad-json-text',
            text: `${text.slice(0, cut % Math.max(1, text.length))}\u0000`,
            contentType: undefined,
          };
        }),
        weight: 1,
      },
      {
        arbitrary: deepText.map((text) => ({ ...c, label: 'deep-nesting', text, contentType: undefined })),
        weight: 1,
      },
      {
        arbitrary: fc
          .constantFrom('text/plain', 'application/x-www-form-urlencoded', '')
          .map((contentType) => ({
            ...c,
            label: 'wrong-content-type',
            text: JSON.stringify(c.def) ?? 'null',
            contentType,
          })),
        weight: 1,
      },
    ),
  )
  .map(({ label, text, contentType, hostile }) => {
    let oracle: Campaign | undefined;
    if (contentType === undefined) {
      try {
        const result = Campaign.safeParse(JSON.parse(text));
        oracle = result.success ? result.data : undefined;
      } catch {
        oracle = undefined;
      }
    }
    return {
      label,
      body: text,
      ...(contentType === undefined ? {} : { contentType }),
      oracle,
      hostile,
      // A counterexample prints as a summary: some bodies are hundreds of kilobytes.
      [fc.toStringMethod]: () =>
        `${label} (${text.length} chars${contentType === undefined ? '' : `, content-type "${contentType}"`}, schema ${oracle ? 'accepts' : 'rejects'}): ${text.length > 2000 ? `${text.slice(0, 2000)}…` : text}`,
    };
  });

/** A created campaign is usable: opened, voted on with a generated ballot, and counted exactly. */
async function smokeVote(stack: TestStack, id: string, campaign: Campaign): Promise<'counted' | 'too-large'> {
  const saved = stack.clock.now;
  const opens = Date.parse(campaign.window.opensAt);
  stack.clock.now = new Date(opens + Math.floor((Date.parse(campaign.window.closesAt) - opens) / 2));
  try {
    const opened = await stack.organizer('POST', `/api/campaigns/${id}/open`);
    expect(opened.status, opened.text).toBe(200);
    const group = campaign.groups[0] as Group;
    let token: string;
    if (group.channel === 'open') {
      const links = await stack.organizer('GET', `/api/campaigns/${id}/links`);
      token = String(links.json[group.id]).split('/b/')[1] ?? '';
    } else {
      const issued = await stack.organizer('POST', `/api/campaigns/${id}/codes`, {
        group: group.id,
        count: 1,
      });
      expect(issued.status, issued.text).toBe(201);
      token = issued.json.codes[0].token;
    }
    const body: Record<string, unknown> = {
      ...ballotBody(campaign, group, random(id.length)),
      submissionId: newSubmissionId(),
    };
    // The odd texts this campaign may carry are voted for too.
    if (campaign.matters?.allowOther)
      body.matters = { ...(body.matters as object), otherBest: 'constructor' };
    const voted = await stack.call('POST', `/b/${token}`, body);
    // A ballot must rate every subject, so a campaign near the schema's 2,000 subjects makes a ballot over the
    // 64 KiB body limit: refused with a message, nothing stored. (Reported, not fixed here: see the summary.)
    if (new TextEncoder().encode(JSON.stringify(body)).length > BALLOT_BODY_MAX) {
      expect(voted.status, voted.text).toBe(413);
      expect(voted.json?.error?.message).toBeTruthy();
      expect(await recountTally(stack.db, id)).toEqual(emptyTally());
      return 'too-large';
    }
    expect(voted.status, voted.text).toBe(201);
    await stack.poller.idle();
    const results = await stack.organizer('GET', `/api/campaigns/${id}/results`);
    expect(results.status, results.text).toBe(200);
    const recount = await recountTally(stack.db, id);
    expectIntegerCounts(recount);
    expect(results.json.ballots).toBe(1);
    expect(await readTally(stack.db, id)).toEqual(recount);
    return 'counted';
  } finally {
    stack.clock.now = saved;
  }
}

function expectIntegerCounts(tally: Tally): void {
  const counts: unknown[] = [
    ...Object.values(tally.ballots),
    ...Object.values(tally.matters).flatMap((m) => Object.values(m)),
    ...Object.values(tally.comments),
    ...Object.values(tally.subjects).flatMap((byGroup) =>
      Object.values(byGroup).flatMap((g) => Object.values(g.questions).flatMap((q) => Object.values(q))),
    ),
  ];
  for (const n of counts) expect(Number.isInteger(n), `count ${String(n)}`).toBe(true);
}

/** Every campaign in the listing index, counted page by page. */
async function countCampaigns(stack: TestStack): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new QueryCommand({
        TableName: stack.db.tableName,
        IndexName: CAMPAIGNS_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}
