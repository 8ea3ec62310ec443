// Subject routes of the console: the list, the template workbook, and importing a filled-in .xlsx or .csv under the
// editing rules (editing.ts), audited with a before/after summary.
import { type CampaignRecord, updateDefinition } from '@pingyi/data';
import { Campaign } from '@pingyi/domain';
import { Hono } from 'hono';
import type { ConsoleDeps } from '../deps.ts';
import { type EditableCampaign, editableCampaign, subjectsSummary } from '../editing.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { documentOf } from '../pages/layout.tsx';
import { SubjectsPage, type UploadOutcome } from '../pages/subjects.tsx';
import { actorOf, type ConsoleEnv, postedForm, signedIn } from '../request.ts';
import type { SignedIn } from '../session.ts';
import { readSubjectsFile, templateWorkbook } from '../subjects-file.ts';

export function subjectRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  const campaignFor = (s: SignedIn, id: string) => editableCampaign(deps, s, id);

  const page = (s: SignedIn, found: EditableCampaign, outcome?: UploadOutcome) =>
    documentOf(
      <SubjectsPage
        signedIn={s}
        record={found.record}
        access={found.access}
        editable={found.rules}
        outcome={outcome}
      />,
    );

  app.get('/campaigns/:id/subjects', async (c) => {
    const s = signedIn(c);
    const found = await campaignFor(s, c.req.param('id'));
    const imported = Number(c.req.query('imported'));
    const outcome: UploadOutcome | undefined =
      Number.isInteger(imported) && imported > 0
        ? { file: c.req.query('file') ?? '', rows: imported, imported: true }
        : undefined;
    return c.html(page(s, found, outcome));
  });

  app.get('/campaigns/:id/subjects/template.xlsx', async (c) => {
    const s = signedIn(c);
    const { record } = await campaignFor(s, c.req.param('id'));
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header('Content-Disposition', `attachment; filename="subjects-${record.id}.xlsx"`);
    return c.body(new Uint8Array(await templateWorkbook(record.definition)));
  });

  app.post('/campaigns/:id/subjects', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const found = await campaignFor(s, c.req.param('id'));
    if (!found.rules.subjects) throw new ConflictError(found.rules.reason);
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) throw new InvalidInputError('请选择评议对象名单文件');
    const read = await readSubjectsFile(
      file.name,
      Buffer.from(await file.arrayBuffer()),
      found.record.definition,
    );
    if (read.problems.length) {
      return c.html(page(s, found, { file: file.name, rows: read.rows, problems: read.problems }), 400);
    }
    const next = Campaign.safeParse({ ...found.record.definition, subjects: read.subjects });
    if (!next.success) {
      const problems = next.error.issues.map((i) => ({ row: 0, message: i.message }));
      return c.html(page(s, found, { file: file.name, rows: read.rows, problems }), 400);
    }
    await saveSubjects(found.record, next.data, s);
    const query = new URLSearchParams({ imported: String(read.subjects.length), file: file.name });
    return c.redirect(`/console/campaigns/${found.record.id}/subjects?${query}`, 303);
  });

  async function saveSubjects(record: CampaignRecord, next: Campaign, s: SignedIn) {
    await updateDefinition(
      deps.db,
      record,
      next,
      { changed: '评议对象', before: subjectsSummary(record.definition), after: subjectsSummary(next) },
      deps.now(),
      actorOf(s),
    );
  }

  return app;
}
