// The campaign files shipped under examples/, offered as templates on the "new campaign" page. Imported (not
// read from disk) so the Lambda bundle carries them.
import countySchool from '../../../examples/county-school.campaign.json' with { type: 'json' };
import educationBureau from '../../../examples/education-bureau.campaign.json' with { type: 'json' };
import goldCompany from '../../../examples/gold-company.campaign.json' with { type: 'json' };

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
  {
    id: 'gold-company',
    label: '黄金公司创先争优群众评议（“五个好”党组织、“五带头”党员；党内、党外群众、社会各界）',
    definition: goldCompany,
  },
  {
    id: 'county-school',
    label: '县中学破解难题群众评议（党支部负责人、党员教职工；党员、积极分子、教师代表、两代表一委员）',
    definition: countySchool,
  },
];
