// The OpenAPI document at /api/openapi.json: linted by Redocly's recommended rules, and complete where they cannot see.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.tsx';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> };

let text: string;
let doc: Document;
beforeAll(async () => {
  const app = createApp({
    db: {
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })),
      tableName: 'pingyi',
    },
    codeSecret: Buffer.from('openapi-test-secret-0123456789abcdef'),
    adminToken: 'openapi-test-token',
    publicUrl: 'https://py.example.gov.cn',
    now: () => new Date('2026-12-02T10:00:00+08:00'),
  });
  const response = await app.request('/api/openapi.json');
  expect(response.status).toBe(200);
  text = await response.text();
  doc = JSON.parse(text) as Document;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules without a single error or warning", async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // a private project: there is no licence to name
      rules: { 'info-license': 'off' },
    });
    const problems = await lintFromString({ source: text, absoluteRef: '/api/openapi.json', config });
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`),
    ).toEqual([]);
  });

  it('names this deployment as its server and gives every operation a unique operationId', () => {
    expect(doc.servers).toEqual([{ url: 'https://py.example.gov.cn', description: 'this deployment' }]);
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(23);
  });

  it('documents 401 on every organizer operation and 415 on every one that requires a JSON body', () => {
    const organizer = operations().filter(({ operation }) => operation.security?.[0]?.organizer);
    expect(organizer.length).toBeGreaterThanOrEqual(11);
    for (const { path, method, operation } of organizer) {
      expect(Object.keys(operation.responses), `${method} ${path}`).toContain('401');
      if (operation.requestBody && 'required' in operation.requestBody && operation.requestBody.required) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('415');
      }
    }
    // every path outside /api/campaigns is public, and says so
    for (const { path, method, operation } of operations()) {
      if (!path.startsWith('/api/campaigns')) expect(operation.security, `${method} ${path}`).toEqual([]);
    }
  });

  it('describes the ballot route as the page uses it: a form or JSON in, HTML or JSON out', () => {
    const route = doc.paths['/b/{token}'];
    expect(Object.keys(route?.post?.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    for (const [status, response] of Object.entries(route?.post?.responses ?? {})) {
      expect(Object.keys(response.content ?? {}).sort(), status).toEqual(['application/json', 'text/html']);
    }
    for (const [status, response] of Object.entries(route?.get?.responses ?? {})) {
      expect(Object.keys(response.content ?? {}), status).toEqual(['text/html']);
    }
  });
});
