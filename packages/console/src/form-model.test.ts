// The form editor's model: a campaign shown as fields and read back is the same campaign; the schema's issues land
// on the field they are about, in Chinese.
import { Campaign } from '@pingyi/domain';
import { describe, expect, it } from 'vitest';
import { templates } from './examples.ts';
import { check, draftOf, exportFile, fieldsOf } from './form-model.ts';

describe('the form editor’s model', () => {
  for (const template of templates) {
    it(`${template.id}: exported from the editor and imported again, the file is identical`, () => {
      const campaign = Campaign.parse(template.definition);
      const edited = check(draftOf(fieldsOf(campaign), campaign));
      expect([...edited.issues]).toEqual([]);
      const file = exportFile(edited.campaign ?? {});
      const again = check(draftOf(fieldsOf(Campaign.parse(JSON.parse(file))), campaign));
      expect(exportFile(again.campaign ?? {})).toBe(file);
      expect(edited.campaign).toEqual(campaign);
    });
  }

  it('drops rows left empty, so an empty row can always be offered', () => {
    const campaign = Campaign.parse(templates[0]?.definition);
    const fields = fieldsOf(campaign);
    fields['subjectKinds.0.items.9.id'] = '';
    fields['subjectKinds.0.items.9.label'] = '';
    fields['groups.7.id'] = '';
    fields['rules.5.threshold'] = '';
    expect(check(draftOf(fields, campaign)).campaign).toEqual(campaign);
  });

  it('files each issue under its field, in Chinese', () => {
    const campaign = Campaign.parse(templates[0]?.definition);
    const fields = fieldsOf(campaign);
    fields.title = '';
    fields.closesAt = '2026-11-01T08:00';
    fields['scales.1.options.1.score'] = '六十';
    fields['subjectKinds.1.items.2.scale'] = 'nope';
    fields['groups.2.weight'] = '-1';
    fields['rules.0.threshold'] = '4/3';
    const { issues, campaign: accepted } = check(draftOf(fields, campaign));
    expect(accepted).toBeUndefined();
    // as in the API, references are checked once every field has its form
    expect([...issues.keys()].sort()).toEqual(
      ['groups.2.weight', 'rules.0.threshold', 'scales.1.options.1.score', 'title'].sort(),
    );
    fields.title = '2026年评议';
    fields['scales.1.options.1.score'] = '60';
    fields['groups.2.weight'] = '20';
    fields['rules.0.threshold'] = '1/3';
    const second = check(draftOf(fields, campaign)).issues;
    expect(Object.fromEntries(second)).toEqual({
      closesAt: ['结束时间必须晚于开始时间'],
      'subjectKinds.1.items.2.scale': ['未定义的评价等级：nope'],
    });
    for (const messages of [...issues.values(), ...second.values()])
      for (const m of messages) expect(m).toMatch(/[\u4e00-\u9fff]/);
  });
});
