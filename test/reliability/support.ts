// Shared by the reliability suite: the scale (small in CI, full under `npm run soak`), a seeded random source,
// ballots generated from a campaign definition, a bounded worker pool, free ports and a printed summary.
import { randomBytes } from 'node:crypto';
import { type Db, listReceipts } from '@pingyi/data';
import {
  Campaign,
  type CampaignInput,
  type CastBallot,
  checkBallot,
  type Group,
  kindOf,
  questionsOf,
  subjectsFor,
  type Tally,
  tallyOf,
} from '@pingyi/domain';

/** `npm run soak` sets PINGYI_SOAK=1: the same tests at full scale. */
export const SOAK = process.env.PINGYI_SOAK === '1';

export const SCALE = {
  /** ballots through the HTTP API while the aggregate handler fails */
  loadBallots: SOAK ? 10_000 : 1_000,
  loadConcurrency: 64,
  /** ballots burst at the local runtime across its SIGKILLs */
  killBallots: SOAK ? 3_000 : 400,
  killConcurrency: 32,
  /** how many times the runtime is killed mid-burst before the final restart */
  killRounds: SOAK ? 3 : 1,
  /** generated ballot bodies, and as many generated campaign files */
  fuzzRuns: SOAK ? 10_000 : 1_000,
  /** generated open-channel floods (each a campaign with its own quota, up to 40 steps of requests) */
  floodRuns: SOAK ? 200 : 20,
  /** generated campaigns of 100–2,000 subjects with ballots of up to 300 comments */
  largeBallotRuns: SOAK ? 40 : 5,
};

/** Per test: the project's 10 minutes in CI, an hour at full scale on a busy 2-core machine. A bound only. */
export const TEST_TIMEOUT = SOAK ? 3_600_000 : 600_000;

/** fast-check's seed: fixed unless PINGYI_FUZZ_SEED says otherwise, so a CI failure can be replayed. */
export const FUZZ_SEED = Number(process.env.PINGYI_FUZZ_SEED ?? 20261127);

/** A small seeded generator (mulberry32): the same ballots on every run of one scale. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Random = ReturnType<typeof random>;

/** Parsed JSON of a response or a generated file, read at whatever path a test needs. */
// biome-ignore lint/suspicious/noExplicitAny: test code reads answers and pokes generated files at any path
export type Loose = any;

export const newSubmissionId = () => randomBytes(18).toString('base64url');

const COMMENTS = ['希望多下基层', '服务态度很好', '办事效率有待提高', '建议公开办事流程', '👍 点赞'];
const OTHERS = ['食堂卫生', '操场改造', '图书馆开放时间'];

/** A ballot body as a voter's phone would send it: valid for the group, with the voter's submission id. */
export function ballotBody(campaign: Campaign, group: Group, rnd: Random) {
  const answers: Record<string, { overall: string; items?: Record<string, string>; comment?: string }> = {};
  for (const subject of subjectsFor(campaign, group)) {
    const [overall, ...items] = questionsOf(campaign, kindOf(campaign, subject.kind));
    if (!overall) continue;
    const answer: (typeof answers)[string] = { overall: rnd.pick(overall.scale.options).id };
    const rated = items.filter(() => rnd.chance(0.7));
    if (rated.length > 0)
      answer.items = Object.fromEntries(rated.map((q) => [q.id, rnd.pick(q.scale.options).id]));
    if (rnd.chance(0.05)) answer.comment = `${rnd.pick(COMMENTS)} ${rnd.int(1000)}`;
    answers[subject.id] = answer;
  }
  const options = [...(campaign.matters?.options ?? [])];
  const maxPicks = campaign.matters?.maxPicks ?? 0;
  const draw = (n: number) => Array.from({ length: n }, () => options.splice(rnd.int(options.length), 1)[0]);
  const best = draw(Math.min(rnd.int(maxPicks + 1), options.length)).filter((m) => m !== undefined);
  const worst = draw(Math.min(rnd.int(maxPicks + 1), options.length)).filter((m) => m !== undefined);
  const matters: Record<string, unknown> = { best, worst };
  if (campaign.matters?.allowOther && rnd.chance(0.04)) matters.otherBest = rnd.pick(OTHERS);
  if (campaign.matters?.allowOther && rnd.chance(0.02)) matters.otherWorst = rnd.pick(OTHERS);
  return { answers, matters, submissionId: newSubmissionId() };
}

/** What the server should have counted for an accepted body: the domain's own check of it. */
export function castOf(campaign: Campaign, groupId: string, body: unknown): CastBallot {
  const group = campaign.groups.find((g) => g.id === groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  const checked = checkBallot(campaign, group, body as never);
  if (!checked.ok) throw new Error(`generated ballot is invalid: ${JSON.stringify(checked.issues)}`);
  return checked.ballot;
}

export const expectedTally = (ballots: Iterable<CastBallot>): Tally => tallyOf(ballots);

export const parseCampaign = (input: CampaignInput | Record<string, unknown>) => Campaign.parse(input);

/** Runs `work` over `items` with at most `concurrency` in flight; stops handing out work once `stop()` is true. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  async function worker() {
    while (next < items.length && !stop()) {
      const index = next++;
      await work(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export { freePort } from '../../packages/local/src/dynamodb-local.ts';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, at most `attempts` times; the bound is a count, not a clock. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { attempts = 600, intervalMs = 100 } = {},
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await delay(intervalMs);
  }
  throw new Error(`gave up waiting: ${what} (after ${attempts} polls)`);
}

/** Prints one figure block the soak output can be pasted from (durations are reported, never asserted). */
export function report(test: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(
    ([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  console.log(`[reliability${SOAK ? ' soak' : ''}] ${test}\n${lines.join('\n')}`);
}

export const seconds = (startedAt: number) => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;

/** The receipts listed for a campaign's stored ballots, sorted: what the 201s handed out must equal. */
export const storedReceipts = (db: Db, campaign: string): Promise<string[]> => listReceipts(db, campaign);
