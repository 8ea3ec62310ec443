// The campaign files shipped under examples/, offered as templates on the "new campaign" page. Imported (not
// read from disk) so the Lambda bundle carries them.
import educationBureau from '../../../examples/education-bureau.campaign.json' with { type: 'json' };

export interface Template {
  id: string;
  label: string;
  definition: Record<string, unknown>;
}

export const templates: Template[] = [
  {
    id: 'education-bureau',
    label: '县教育和科学技术局群众评议（基层党组织、党员、干部）',
    definition: educationBureau,
  },
];
