// Shared by the infra tests: county stacks synthesized without bundling, and walks over a template's values.
import { Template } from 'aws-cdk-lib/assertions';
import { createCountyApp } from '../../../infra/lib/county-app.ts';
import { type CountyConfig, loadCounty } from '../../../infra/lib/county-config.ts';
import type { CountyStack } from '../../../infra/lib/county-stack.ts';

/** Context that skips esbuild: these tests are about the templates, one other test is about the bundles. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export function synthCounties(counties: CountyConfig[], context: Record<string, unknown> = {}) {
  const { app, stacks } = createCountyApp(counties, { context: { ...NO_BUNDLING, ...context } });
  const templates = new Map<string, { stack: CountyStack; template: Template }>();
  for (const stack of stacks)
    templates.set(stack.county.code, { stack, template: Template.fromStack(stack) });
  return { app, templates };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every string in a JSON value, with the path of keys that leads to it. */
export function* stringsIn(value: Json, path: string[] = []): Generator<{ path: string[]; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* stringsIn(item, [...path, String(i)]);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
}

/** Asset hashes change with every source edit: the snapshot keeps their place, not their value. */
export function withoutAssetHashes(template: Json): Json {
  return JSON.parse(
    JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1'),
  ) as Json;
}

export const valuesOfType = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [
    string,
    { Properties: Record<string, Json>; [k: string]: Json },
  ][];

/** Not shipped: a county outside China, with a custom domain, to cover the other branches of the stack. */
export function globalTestCounty(): CountyConfig {
  return {
    ...loadCounty('330782'),
    code: '810001',
    name: '测试县',
    fullName: '测试用县（全球区域）',
    region: 'ap-east-1',
    account: '123456789012',
    customDomain: {
      domainName: 'pingyi.example.com',
      certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    },
  };
}
