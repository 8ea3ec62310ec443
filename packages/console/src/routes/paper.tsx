// Paper ballot routes of the console (书面评议): batches, the keyboard entry form of each pass, the comparison and the
// resolution of mismatches, and the commit, which counts each ballot through the online path (deps.commitPaperBatch).
import {
  compareBatch,
  createPaperBatch,
  ensurePassOpen,
  finishPass,
  getPaperBatch,
  listPaperBatches,
  PaperBatchError,
  passEntries,
  requireCampaign,
  resolvePaperEntry,
  savePaperEntry,
} from '@pingyi/data';
import { Ballot, checkBallot, OVERALL, type PaperField, paperBallot, paperFields } from '@pingyi/domain';
import { Hono } from 'hono';
import { requireAccess } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { documentOf } from '../pages/layout.tsx';
import { PaperBatchesPage, PaperBatchPage, PaperEntryPage } from '../pages/paper.tsx';
import { paperScript, paperScriptPath } from '../paper-assets.ts';
import { actorOf, type ConsoleEnv, type Form, postedForm, signedIn, text } from '../request.ts';
import type { SignedIn } from '../session.ts';

/** What a refused step means for the clerk, and its status. */
export const paperRefusals: Record<PaperBatchError['reason'], { status: 400 | 404 | 409; message: string }> =
  {
    'not-found': { status: 404, message: '未找到该批次或该序号' },
    group: { status: 400, message: '该评议人类别没有评议码：公开链接类别不能录入纸质评议表' },
    'not-open': { status: 409, message: '评议活动不在进行中：只有进行中的活动才能录入和计入纸质评议表' },
    serial: { status: 400, message: '序号不在该类别已发放的评议码范围内，请核对纸质评议表上的序号' },
    void: { status: 400, message: '该序号的评议码已作废，这张评议表不能录入' },
    'same-person': {
      status: 409,
      message: '两遍录入必须由不同的账号完成：您已录入本批次的另一遍，请由其他同事录入这一遍',
    },
    'not-yours': { status: 409, message: '这一遍已由其他账号开始录入，请录入另一遍或新建批次' },
    'pass-done': { status: 409, message: '这一遍已标记为录入完成，不能再修改' },
    empty: { status: 400, message: '这一遍还没有录入任何评议表' },
    'not-ready': { status: 409, message: '两遍录入都完成后才能核对和计入' },
    unresolved: { status: 409, message: '还有两遍录入不一致的评议表未处理，本批次暂不能计入' },
    committed: { status: 409, message: '本批次已计入（或正在计入），不能再修改' },
  };

const passOf = (value: string): '1' | '2' => {
  if (value !== '1' && value !== '2') throw new PaperBatchError('not-found');
  return value;
};

/** The keys a stored entry was typed with, to put it back into the form. */
function keysOf(fields: PaperField[], ratings: Record<string, Record<string, string>> | undefined) {
  const keys: Record<string, string> = {};
  for (const f of fields) {
    const id = ratings?.[f.subject]?.[f.question];
    const option = f.options.find((o) => o.id === id);
    keys[f.name] = option ? option.key : f.question === OVERALL ? '' : '0';
  }
  return keys;
}

export function paperRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  async function campaignFor(s: SignedIn, id: string) {
    const record = await requireCampaign(deps.db, id);
    requireAccess(s.account, record, 'run');
    return record;
  }

  async function batchFor(s: SignedIn, id: string, batchId: string) {
    const record = await campaignFor(s, id);
    const batch = await getPaperBatch(deps.db, record.id, batchId);
    const group = record.definition.groups.find((g) => g.id === batch.group);
    if (!group) throw new PaperBatchError('not-found');
    return { record, batch, group, fields: paperFields(record.definition, group) };
  }

  async function batchPage(
    s: SignedIn,
    found: Awaited<ReturnType<typeof batchFor>>,
    notice?: string,
    error?: string,
  ) {
    const { record, batch, fields } = found;
    const both = Boolean(batch.passes['1'].done && batch.passes['2'].done);
    const [first, second] = batch.result
      ? [[], []]
      : await Promise.all([passEntries(deps.db, batch, '1'), passEntries(deps.db, batch, '2')]);
    const rows = both && !batch.result ? await compareBatch(deps.db, batch) : undefined;
    return documentOf(
      <PaperBatchPage
        signedIn={s}
        record={record}
        batch={batch}
        fields={fields}
        counts={{ '1': first.length, '2': second.length }}
        rows={rows}
        notice={notice}
        error={error}
      />,
    );
  }

  app.get(paperScriptPath.slice('/console'.length), (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(paperScript);
  });

  app.get('/campaigns/:id/paper', async (c) => {
    const s = signedIn(c);
    const record = await campaignFor(s, c.req.param('id'));
    const batches = await listPaperBatches(deps.db, record.id);
    return c.html(documentOf(<PaperBatchesPage signedIn={s} record={record} batches={batches} />));
  });

  app.post('/campaigns/:id/paper', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const record = await campaignFor(s, c.req.param('id'));
    const batch = await createPaperBatch(
      deps.db,
      record,
      { group: text(form, 'group'), label: text(form, 'label').slice(0, 40) },
      deps.now(),
      actorOf(s),
    );
    return c.redirect(`/console/campaigns/${record.id}/paper/${batch.id}`, 303);
  });

  app.get('/campaigns/:id/paper/:batch', async (c) => {
    const s = signedIn(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    const done = c.req.query('done');
    const notice =
      done === 'committed'
        ? '本批次已计入。'
        : done === 'pass'
          ? '这一遍已标记为录入完成。'
          : done === 'resolved'
            ? '已处理。'
            : undefined;
    return c.html(await batchPage(s, found, notice));
  });

  async function entryPage(
    s: SignedIn,
    found: Awaited<ReturnType<typeof batchFor>>,
    pass: '1' | '2',
    values: { serial: string; keys: Record<string, string> },
    issues: { field: string; message: string }[] = [],
    notice?: string,
  ) {
    // only this pass's own entries: the second pass never sees the first
    const own = await passEntries(deps.db, found.batch, pass);
    return documentOf(
      <PaperEntryPage
        signedIn={s}
        record={found.record}
        batch={found.batch}
        pass={pass}
        fields={found.fields}
        serials={own.map((e) => e.serial).sort((a, b) => a - b)}
        values={values}
        issues={issues}
        notice={notice}
      />,
    );
  }

  app.get('/campaigns/:id/paper/:batch/entry/:pass', async (c) => {
    const s = signedIn(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    const pass = passOf(c.req.param('pass'));
    ensurePassOpen(found.batch, pass, actorOf(s));
    const serial = Number(c.req.query('serial'));
    const saved = Number(c.req.query('saved'));
    let values = { serial: '', keys: {} as Record<string, string> };
    if (Number.isInteger(serial) && serial > 0) {
      const own = (await passEntries(deps.db, found.batch, pass)).find((e) => e.serial === serial);
      if (own) values = { serial: String(serial), keys: keysOf(found.fields, own.ratings) };
    }
    const notice = Number.isInteger(saved) && saved > 0 ? `序号 ${saved} 已保存，请录入下一张。` : undefined;
    return c.html(await entryPage(s, found, pass, values, [], notice));
  });

  app.post('/campaigns/:id/paper/:batch/entry/:pass', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    const pass = passOf(c.req.param('pass'));
    const keys = Object.fromEntries(found.fields.map((f) => [f.name, text(form as Form, f.name)]));
    const values = { serial: text(form, 'serial'), keys };
    const serial = /^[0-9]{1,7}$/.test(values.serial) ? Number(values.serial) : Number.NaN;
    const issues: { field: string; message: string }[] = [];
    if (!Number.isInteger(serial) || serial < 1)
      issues.push({ field: 'serial', message: '请填写纸质评议表上的序号（正整数）' });
    const typed = paperBallot(found.fields, keys);
    let ratings: Record<string, Record<string, string>> | undefined;
    if (!typed.ok) issues.push(...typed.issues);
    else {
      // the same check as an online ballot, against the campaign and the batch's group
      const checked = checkBallot(found.record.definition, found.group, Ballot.parse(typed.ballot));
      if (checked.ok) ratings = checked.ballot.ratings;
      else issues.push(...checked.issues.map((i) => ({ field: '', message: i.message })));
    }
    if (issues.length === 0 && ratings) {
      try {
        await savePaperEntry(deps.db, found.record, found.batch, { pass, serial, ratings }, actorOf(s));
        return c.redirect(
          `/console/campaigns/${found.record.id}/paper/${found.batch.id}/entry/${pass}?saved=${serial}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof PaperBatchError) || (error.reason !== 'serial' && error.reason !== 'void'))
          throw error;
        issues.push({ field: 'serial', message: paperRefusals[error.reason].message });
      }
    }
    return c.html(await entryPage(s, found, pass, values, issues), 400);
  });

  app.post('/campaigns/:id/paper/:batch/pass/:pass/done', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    await finishPass(deps.db, found.batch, passOf(c.req.param('pass')), deps.now(), actorOf(s));
    return c.redirect(`/console/campaigns/${found.record.id}/paper/${found.batch.id}?done=pass`, 303);
  });

  app.post('/campaigns/:id/paper/:batch/resolve', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    const choice = text(form, 'choice');
    if (choice !== '1' && choice !== '2' && choice !== 'drop') throw new PaperBatchError('not-found');
    await resolvePaperEntry(
      deps.db,
      found.batch,
      { serial: Number(text(form, 'serial')), choice },
      deps.now(),
      actorOf(s),
    );
    return c.redirect(`/console/campaigns/${found.record.id}/paper/${found.batch.id}?done=resolved`, 303);
  });

  app.post('/campaigns/:id/paper/:batch/commit', async (c) => {
    const { signedIn: s } = await postedForm(c);
    const found = await batchFor(s, c.req.param('id'), c.req.param('batch'));
    try {
      await deps.commitPaperBatch(found.record, found.batch, actorOf(s));
    } catch (error) {
      if (error instanceof PaperBatchError && error.reason !== 'not-found') {
        const latest = { ...found, batch: await getPaperBatch(deps.db, found.record.id, found.batch.id) };
        return c.html(await batchPage(s, latest, undefined, paperRefusals[error.reason].message), 409);
      }
      throw error;
    }
    return c.redirect(`/console/campaigns/${found.record.id}/paper/${found.batch.id}?done=committed`, 303);
  });

  return app;
}
