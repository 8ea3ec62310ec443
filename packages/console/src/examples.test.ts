// Every template offered on the "new campaign" page is a complete campaign the API accepts, with the plan's criteria.
import { readdirSync, readFileSync } from 'node:fs';
import { Campaign } from '@pingyi/domain';
import { describe, expect, it } from 'vitest';
import { templates } from './examples.ts';

const examplesDir = new URL('../../../examples/', import.meta.url);

describe('campaign templates', () => {
  it('offers every campaign file under examples/', () => {
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.campaign.json'));
    expect(templates.map((t) => `${t.id}.campaign.json`).sort()).toEqual(files.sort());
  });

  for (const template of templates) {
    it(`${template.id} passes the API's validation`, () => {
      const parsed = Campaign.safeParse(template.definition);
      expect(parsed.error?.issues ?? []).toEqual([]);
      const file = JSON.parse(readFileSync(new URL(`${template.id}.campaign.json`, examplesDir), 'utf8'));
      expect(template.definition).toEqual(file);
    });
  }

  it('carries each plan’s own criteria', () => {
    const items = (id: string, kind: string) =>
      Campaign.parse(templates.find((t) => t.id === id)?.definition)
        .subjectKinds.find((k) => k.id === kind)
        ?.items.map((i) => i.label);
    expect(items('gold-company', 'branch')).toEqual([
      '领导班子好',
      '党员队伍好',
      '工作机制好',
      '工作业绩好',
      '群众反映好',
    ]);
    expect(items('county-school', 'branch')).toHaveLength(4);
    expect(items('county-school', 'member')?.[3]).toBe('联系和服务师生情况');
    const gold = Campaign.parse(templates.find((t) => t.id === 'gold-company')?.definition);
    expect(gold.groups.find((g) => g.id === 'society')?.channel).toBe('open');
  });
});
