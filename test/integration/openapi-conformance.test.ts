// Live answers of every route against /api/openapi.json on DynamoDB Local: each documented status is produced and
// each answer has a documented status, a documented content type and a body its schema accepts (Ajv, 2020-12).
import { createApp, signCode } from '@pingyi/api';
import {
  createFeedbackLink,
  createPublication,
  listMeasures,
  publicationId,
  requireCampaign,
  revokeFeedbackLink,
  SERVICE_ACTOR,
  withdrawPublication,
} from '@pingyi/data';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptPath } from '../../packages/api/src/assets/index.ts';
import { createFullApp } from '../../packages/api/src/full-app.tsx';
import {
  ADMIN_TOKEN,
  DURING_WINDOW,
  exampleCampaign,
  startTestStack,
  type TestStack,
} from '../support/stack.ts';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

// ajv-formats is CommonJS with a default export: NodeNext sees the module object
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const DOC_ID = 'https://pingyi.invalid/api/openapi.json';

let stack: TestStack;
let doc: Document;
let ajv: Ajv2020;
/** `operationId status content-type` of every answer checked */
const seen = new Set<string>();

beforeAll(async () => {
  stack = await startTestStack();
  doc = (await stack.call('GET', '/api/openapi.json')).json as Document;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // the document is the schema resource; each answer is checked against a pointer into it
  ajv.addSchema({ ...doc, $id: DOC_ID });
});
afterAll(async () => {
  await stack?.stop();
});

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The documented operation a request hits: its path template turned into a pattern. */
function operationOf(method: string, url: string) {
  const path = new URL(url, 'http://x').pathname;
  for (const [template, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = methods[method.toLowerCase()];
    if (pattern.test(path) && operation) return { template, operation };
  }
  throw new Error(`${method} ${path} is not in the OpenAPI document`);
}

type Caller = (request: Request) => Response | Promise<Response>;

/** Sends a request and checks its answer against the document; returns the answer for the test's own checks. */
async function call(
  method: string,
  url: string,
  init: { body?: string; type?: string; token?: string | null; via?: Caller } = {},
) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  if (init.token !== null && url.startsWith('/api/'))
    headers.authorization = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  const request = new Request(`http://localhost${url}`, {
    method,
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const response = await (init.via ?? ((r: Request) => stack.app.request(r)))(request);
  const text = await response.text();
  const { template, operation } = operationOf(method, url);
  const status = String(response.status);
  const where = `${method} ${template} → ${status}`;
  const documented = operation.responses[status];
  expect(documented, `${where} is not documented`).toBeDefined();
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  expect(Object.keys(documented?.content ?? {}), `${where}: content type ${type}`).toContain(type);
  if (type === 'application/json') {
    const ref = `${DOC_ID}#/${pointer('paths', template, method.toLowerCase(), 'responses', status, 'content', type, 'schema')}`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    const body: unknown = JSON.parse(text);
    const valid = validate(body);
    expect(validate.errors ?? [], `${where}: ${text.slice(0, 300)}`).toEqual([]);
    expect(valid).toBe(true);
  } else if (type === 'text/html') {
    expect(text.startsWith('<!DOCTYPE html>'), `${where}: an HTML document`).toBe(true);
  }
  seen.add(`${operation.operationId} ${status} ${type}`);
  return { status: response.status, text, json: type === 'application/json' ? JSON.parse(text) : undefined };
}

const jsonBody = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
const formBody = (fields: [string, string][]) => ({
  body: new URLSearchParams(fields).toString(),
  type: 'application/x-www-form-urlencoded',
});
/** Every subject of the example rated, as the page's form and as JSON. */
const ratedForm = (submissionId: string): [string, string][] => [
  ['submissionId', submissionId],
  ...['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'].map((s): [string, string] => [
    `a.${s}`,
    'S',
  ]),
];
const ratedJson = (submissionId: string) => ({
  answers: Object.fromEntries(
    ['org-edu', 'org-school', 'm-li', 'm-wang', 'c-chen', 'c-zhao'].map((s) => [s, { overall: 'S' }]),
  ),
  submissionId,
});

describe('the organizer API answers as documented', () => {
  it('campaigns: create, list, read, open, close, audit, and every refusal', async () => {
    await call('POST', '/api/campaigns', { ...jsonBody(exampleCampaign), token: null }); // 401
    await call('POST', '/api/campaigns', { ...jsonBody(exampleCampaign), token: 'wrong-token' }); // 401
    await call('POST', '/api/campaigns', jsonBody({ ...exampleCampaign, subjects: [] })); // 400
    await call('POST', '/api/campaigns', { body: '{"title": ', type: 'application/json' }); // 400 malformed
    await call('POST', '/api/campaigns', { body: JSON.stringify(exampleCampaign), type: 'text/plain' }); // 415
    const { json: created } = await call('POST', '/api/campaigns', jsonBody(exampleCampaign)); // 201
    const id = created.id as string;
    await call('GET', '/api/campaigns');
    await call('GET', '/api/campaigns', { token: null });
    for (const path of ['', '/audit']) {
      await call('GET', `/api/campaigns/${id}${path}`);
      await call('GET', `/api/campaigns/00000000${path}`); // 404
      await call('GET', `/api/campaigns/${id}${path}`, { token: null });
    }
    for (const action of ['open', 'close']) {
      await call('POST', `/api/campaigns/00000000/${action}`);
      await call('POST', `/api/campaigns/${id}/${action}`, { token: null });
    }
    await call('POST', `/api/campaigns/${id}/close`); // 409: a draft cannot close
    await call('POST', `/api/campaigns/${id}/open`);
    await call('POST', `/api/campaigns/${id}/open`); // 409: open already
    const reopen = `/api/campaigns/${id}/reopen`;
    const reason = { reason: '误操作提前结束，经县级管理员批准重新开放' };
    await call('POST', reopen, jsonBody(reason)); // 409: not closed
    await call('POST', `/api/campaigns/${id}/close`);
    await call('POST', reopen, jsonBody({ reason: '' })); // 400
    await call('POST', reopen, { body: JSON.stringify(reason), type: 'text/plain' }); // 415
    await call('POST', reopen, { ...jsonBody(reason), token: null });
    await call('POST', '/api/campaigns/00000000/reopen', jsonBody(reason));
    await call('POST', reopen, jsonBody(reason)); // 200
    const spread = `/api/campaigns/${id}/open-channel`;
    await call('GET', `${spread}?top=5`);
    await call('GET', `${spread}?top=0`); // 400
    await call('GET', spread, { token: null });
    await call('GET', '/api/campaigns/00000000/open-channel');
  });

  it('codes, links, results and reports, and every refusal', async () => {
    const { id } = await stack.openExample({});
    const codes = `/api/campaigns/${id}/codes`;
    await call('POST', codes, jsonBody({ group: 'party', count: 2 }));
    await call('POST', codes, jsonBody({ group: 'public', count: 1 })); // 400: the open channel has no codes
    await call('POST', codes, { body: 'group=party&count=2', type: 'application/x-www-form-urlencoded' }); // 415
    await call('POST', codes, { ...jsonBody({ group: 'party', count: 2 }), token: null });
    await call('POST', '/api/campaigns/00000000/codes', jsonBody({ group: 'party', count: 2 }));
    const voids = `/api/campaigns/${id}/codes/void`;
    await call('POST', voids, jsonBody({ group: 'party', serial: 2 })); // 200
    await call('POST', voids, jsonBody({ group: 'party', serial: 999 })); // 400: never issued
    await call('POST', voids, { body: 'group=party&serial=2', type: 'application/x-www-form-urlencoded' }); // 415
    await call('POST', voids, { ...jsonBody({ group: 'party', serial: 2 }), token: null });
    await call('POST', '/api/campaigns/00000000/codes/void', jsonBody({ group: 'party', serial: 1 }));
    const [used] = (await call('POST', codes, jsonBody({ group: 'party', count: 1 }))).json.codes;
    expect(
      (await call('POST', `/b/${used.token}`, jsonBody(ratedJson('conformance-void-0001')))).status,
    ).toBe(201);
    await call('POST', voids, jsonBody({ group: 'party', serial: used.serial })); // 409: it has voted
    for (const path of ['links', 'results', 'reports']) {
      await call('GET', `/api/campaigns/${id}/${path}`);
      await call('GET', `/api/campaigns/00000000/${path}`);
      await call('GET', `/api/campaigns/${id}/${path}`, { token: null });
    }
    const reports = `/api/campaigns/${id}/reports`;
    await call('POST', reports, jsonBody({ raw: true })); // 202
    await call('POST', reports); // 202 without a body
    await call('POST', reports, jsonBody({ raw: 'yes' })); // 400
    await call('POST', '/api/campaigns/00000000/reports', jsonBody({}));
    await call('POST', reports, { ...jsonBody({}), token: null });
    await stack.exportsSettled();
    const { json: listed } = await call('GET', reports); // now with files and presigned links
    expect(listed.length).toBeGreaterThanOrEqual(1);
    // a deployment without a reports bucket says so
    const bare = createApp({ ...stack.deps, reports: undefined, requestExport: undefined });
    const via: Caller = (request) => bare.request(request);
    await call('POST', reports, { ...jsonBody({}), via }); // 503
    await call('GET', reports, { via }); // 503
  });
});

describe('the ballot route answers as documented, in HTML for pages and forms, in JSON for the script', () => {
  it('serves the page, and the pages of a forged, a used and a closed code', async () => {
    const { id, tokens } = await stack.openExample({ party: 2 });
    const [first = '', second = ''] = tokens.party ?? [];
    await call('GET', `/b/${first}`); // 200
    await call('GET', '/b/not-a-code'); // 403
    const forged = signCode(stack.deps.codeSecret, { campaign: '00000000', groupIndex: 0, serial: 1 });
    await call('GET', `/b/${forged}`); // 403: a well-signed code of no campaign
    await call('POST', `/b/${first}`, formBody(ratedForm('conformance-form-0001'))); // 201 HTML
    await call('POST', `/b/${first}`, formBody(ratedForm('conformance-form-0001'))); // 200 HTML: the retry
    await call('GET', `/b/${first}`); // 409
    await call('POST', `/b/${second}`, formBody([['a.org-edu', 'S']])); // 400 HTML: the ballot again
    stack.clock.now = new Date('2027-01-05T10:00:00+08:00');
    try {
      await call('GET', `/b/${second}`); // 410
      await call('POST', `/b/${second}`, formBody(ratedForm('conformance-form-0002'))); // 410 HTML
      await call('POST', `/b/${second}`, jsonBody(ratedJson('conformance-json-0002'))); // 410 JSON
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
    await call('POST', `/api/campaigns/${id}/close`);
  });

  it('takes JSON and forms, and refuses in the format it was sent', async () => {
    const { tokens } = await stack.openExample({ party: 2 });
    const [first = '', second = ''] = tokens.party ?? [];
    await call('POST', `/b/${first}`, jsonBody(ratedJson('conformance-json-0001'))); // 201
    await call('POST', `/b/${first}`, jsonBody(ratedJson('conformance-json-0001'))); // 200
    await call('POST', `/b/${first}`, jsonBody(ratedJson('conformance-json-0003'))); // 409
    await call('POST', `/b/${first}`, formBody(ratedForm('conformance-form-0003'))); // 409 HTML
    await call('POST', `/b/${second}`, jsonBody({ answers: {}, submissionId: 'conformance-json-0004' })); // 400
    await call('POST', `/b/${second}`, { body: '{"answers": ', type: 'application/json' }); // 400 malformed
    await call('POST', '/b/not-a-code', jsonBody(ratedJson('conformance-json-0005'))); // 403
    await call('POST', '/b/not-a-code', formBody(ratedForm('conformance-form-0005'))); // 403 HTML
    const huge = 'x'.repeat(70 * 1024);
    await call('POST', `/b/${second}`, jsonBody({ ...ratedJson('conformance-json-0006'), note: huge })); // 413
    await call(
      'POST',
      `/b/${second}`,
      formBody([...ratedForm('conformance-form-0006'), ['c.org-edu', huge]]),
    );

    // the open channel's quota: one ballot per source here, so a second device on the same network waits
    const quota = await stack.openExample({}, { ...exampleCampaign, openChannel: { perSource: 1 } });
    const open = `/b/${quota.openTokens.public}`;
    const publicSubjects = ['org-edu', 'org-school', 'c-chen', 'c-zhao'];
    const publicJson = (submissionId: string) => ({
      answers: Object.fromEntries(publicSubjects.map((s) => [s, { overall: 'S' }])),
      submissionId,
    });
    expect((await call('POST', open, jsonBody(publicJson('conformance-open-0001')))).status).toBe(201);
    expect((await call('POST', open, jsonBody(publicJson('conformance-open-0002')))).status).toBe(429);
    const form = publicSubjects.map((s): [string, string] => [`a.${s}`, 'S']);
    const refused = await call('POST', open, formBody([['submissionId', 'conformance-open-0003'], ...form]));
    expect(refused.status).toBe(429);
  });
});

describe('the public pages after the vote answer as documented', () => {
  it('publication pages, receipts, the feedback page and its measure forms, and every refusal', async () => {
    const { id, tokens } = await stack.openExample({ party: 1 });
    await call('POST', `/b/${tokens.party?.[0]}`, jsonBody(ratedJson('conformance-after-0001')));
    await call('POST', `/api/campaigns/${id}/close`);
    await stack.exportsSettled();
    const record = await requireCampaign(stack.deps.db, id);
    const at = stack.clock.now.toISOString();
    const window = {
      campaign: id,
      closedAt: record.closedAt ?? '',
      startsAt: at,
      endsAt: new Date(stack.clock.now.getTime() + 86_400_000).toISOString(),
      publishedAt: at,
    };
    const scope = { kinds: ['org'], show: 'rates' as const, progress: true, receipts: true };
    const live = publicationId(await createPublication(stack.deps.db, { ...window, scope }, SERVICE_ACTOR));
    const gone = await createPublication(stack.deps.db, { ...window, scope }, SERVICE_ACTOR);
    await withdrawPublication(stack.deps.db, id, gone.slug, at, SERVICE_ACTOR);
    for (const path of ['', '/receipts', '/receipts.txt', '/receipts.csv']) {
      await call('GET', `/g/${live}${path}`); // 200
      await call('GET', `/g/${id}-AAAAAAAAAAAAAAAA${path}`); // 404
      await call('GET', `/g/${publicationId(gone)}${path}`); // 410
    }

    const link = { campaign: id, subject: 'org-edu', createdAt: at, expiresAt: window.endsAt };
    const { token } = await createFeedbackLink(stack.deps.db, link, SERVICE_ACTOR);
    const revoked = await createFeedbackLink(stack.deps.db, link, SERVICE_ACTOR);
    await revokeFeedbackLink(stack.deps.db, id, revoked.link.digest, at, SERVICE_ACTOR);
    const unknown = `${id}.${'A'.repeat(32)}`;
    await call('GET', `/f/${token}`);
    await call('GET', `/f/${unknown}`);
    await call('GET', `/f/${revoked.token}`);
    const measure = {
      description: '开展专项整改',
      problem: 'item:p1',
      owner: '张主任',
      deadline: '2026-12-31',
      status: 'planned',
    };
    const fields = (extra: Record<string, string> = {}) => formBody(Object.entries({ ...measure, ...extra }));
    // a browser sends its page's origin with a form post; Hono's csrf refuses another one
    const from =
      (origin: string): Caller =>
      (request) => {
        const headers = new Headers(request.headers);
        headers.set('origin', origin);
        return stack.app.request(new Request(request, { headers }));
      };
    const here = from('http://localhost');
    const elsewhere = from('https://evil.example');
    const add = `/f/${token}/measures`;
    await call('POST', add, { ...fields(), via: here }); // 200
    await call('POST', add, { ...fields({ owner: '' }), via: here }); // 400
    await call('POST', add, { ...fields(), via: elsewhere }); // 403
    await call('POST', `/f/${unknown}/measures`, { ...fields(), via: here }); // 404
    await call('POST', `/f/${revoked.token}/measures`, { ...fields(), via: here }); // 410
    const [stored] = await listMeasures(stack.deps.db, id, 'org-edu');
    const update = `/f/${token}/measures/${stored?.id}`;
    await call('POST', update, { ...fields({ status: 'done' }), via: here }); // 200
    await call('POST', update, { ...fields({ deadline: 'soon' }), via: here }); // 400
    await call('POST', update, { ...fields(), via: elsewhere }); // 403
    await call('POST', `/f/${unknown}/measures/${stored?.id}`, { ...fields(), via: here }); // 404
    await call('POST', `/f/${revoked.token}/measures/${stored?.id}`, { ...fields(), via: here }); // 410
    // the audit entries of these changes name the link as their actor, as the document says
    const { json: entries } = await call('GET', `/api/campaigns/${id}/audit`);
    expect(entries.map((e: { actor?: unknown }) => e.actor)).toContainEqual({
      type: 'feedback',
      subject: 'org-edu',
    });
  });
});

describe('the document', () => {
  it('covers every route the app serves, but for the probe, the script asset, itself and the console', () => {
    // the evaluator path is the app's own; every other route is the full app's, which it loads on first use
    const served = [...stack.app.routes, ...createFullApp(stack.deps).routes]
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      // the organizer console: HTML pages for people, tested by its own browser and integration tests
      .filter((r) => !/^\w+ \/console(\/|$)/.test(r) && r !== 'get /');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    const undocumented = served.filter((r) => !documented.includes(r));
    expect(new Set(undocumented)).toEqual(
      new Set(['get /healthz', `get ${scriptPath}`, 'get /api/openapi.json']),
    );
    for (const route of documented) expect(served, route).toContain(route);
  });

  it('is checked by schemas that refuse what they do not describe', () => {
    const results = `${DOC_ID}#/${pointer('paths', '/api/campaigns/{id}/results', 'get', 'responses', '200', 'content', 'application/json', 'schema')}`;
    const validate = ajv.getSchema(results) ?? ajv.compile({ $ref: results });
    expect(validate({ campaignId: 'x' })).toBe(false);
    expect(validate.errors?.map((e) => e.message)).toContain("must have required property 'subjects'");
  });

  /** Answers that need a fault inside DynamoDB in the middle of a request; the Error schema is the same. */
  const NEEDS_A_FAULT: Record<string, string> = {
    'getResults 503': 'aggregates mid-update through every retry of the read (test/integration, counts)',
    'submitBallot 503': 'a comment batch failing after the ballot is stored (test/integration, hardening)',
  };

  it('was answered live with every status of every operation, in every content type it names', () => {
    const missing: string[] = [];
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    for (const key of Object.keys(NEEDS_A_FAULT)) {
      const [id, status = ''] = key.split(' ');
      expect(operations.find((o) => o.operationId === id)?.responses, key).toHaveProperty(status);
    }
    for (const methods of Object.values(doc.paths)) {
      for (const operation of Object.values(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const type of Object.keys(response.content ?? {})) {
            if (NEEDS_A_FAULT[`${operation.operationId} ${status}`]) continue;
            if (!seen.has(`${operation.operationId} ${status} ${type}`)) {
              missing.push(`${operation.operationId} ${status} ${type}`);
            }
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
