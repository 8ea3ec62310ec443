// Reports in the console: the campaign's exports with download links signed when clicked, "export now" with its
// progress shown until the files are ready, the raw-ballots export for organizers only.
import { requireCampaign, writeAudit } from '@pingyi/data';
import { Hono } from 'hono';
import { requireAccess, VIEWER_FORMATS } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { NotFoundError } from '../errors.ts';
import { CampaignFrame } from '../pages/campaigns.tsx';
import { formatLabels, formatTime, triggerLabels } from '../pages/labels.ts';
import { CsrfField, documentOf } from '../pages/layout.tsx';
import { actorOf, type ConsoleEnv, callApi, postedForm, signedIn, text } from '../request.ts';

interface ReportListing {
  id: string;
  createdAt: string;
  trigger: string;
  files: { format: string; name: string; size: number; url: string }[];
}

/** How long the page keeps looking for an export before it says to look again later. */
const PROGRESS_MS = 3 * 60_000;
const REPORT_ID = /^[0-9a-f-]{36}$/;

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

export function reportRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  app.get('/campaigns/:id/reports', async (c) => {
    const s = signedIn(c);
    const record = await requireCampaign(deps.db, c.req.param('id'));
    const access = requireAccess(s.account, record, 'read');
    const reports = await callApi<ReportListing[]>(deps, s, 'GET', `/api/campaigns/${record.id}/reports`);
    const pending = c.req.query('pending') ?? '';
    const since = Number(c.req.query('since') ?? 0);
    const ready = reports.some((r) => r.id === pending);
    const waiting = REPORT_ID.test(pending) && !ready && deps.now().getTime() - since < PROGRESS_MS;
    const lost = REPORT_ID.test(pending) && !ready && !waiting;
    const allowed = (format: string) => access === 'run' || VIEWER_FORMATS.has(format);
    const tz = record.definition.timezone;
    return c.html(
      documentOf(
        <CampaignFrame signedIn={s} record={record} access={access} tab="reports" script={waiting}>
          {waiting ? (
            <p class="notice" role="status" id="export-progress">
              正在生成报告……完成后在下方列出（页面会自动更新；如没有，请
              <a href={`/console/campaigns/${record.id}/reports?pending=${pending}&since=${since}`}>刷新</a>
              ）。
            </p>
          ) : null}
          {ready ? (
            <p class="notice ok" role="status" id="export-ready">
              报告已生成，可以下载。
            </p>
          ) : null}
          {lost ? (
            <p class="notice bad" role="status">
              报告仍未生成。可能仍在进行或已失败，请稍后刷新；如仍没有，请再次导出。
            </p>
          ) : null}
          {access === 'run' ? (
            <form method="post" action={`/console/campaigns/${record.id}/reports`} class="panel inline-form">
              <CsrfField signedIn={s} />
              <label class="check">
                <input type="checkbox" name="raw" value="on" /> 同时导出原始评议数据（匿名，仅组织者可下载）
              </label>
              <button type="submit">立即导出</button>
            </form>
          ) : (
            <p class="hint">查看者可以下载公示页和 CSV 汇总；Excel 报告含意见建议，仅组织者可下载。</p>
          )}
          <p class="hint">
            下载链接在点击时签发，15 分钟内有效。评议进行中每 5
            分钟自动导出一次（有变化时），结束时生成最终报告。
          </p>
          {reports.length === 0 ? (
            <p class="panel">还没有报告。</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>生成时间</th>
                  <th>方式</th>
                  <th>文件</th>
                </tr>
              </thead>
              <tbody>
                {reports.map((r) => (
                  <tr id={`report-${r.id}`}>
                    <td class="nowrap">{formatTime(r.createdAt, tz)}</td>
                    <td>{triggerLabels[r.trigger] ?? r.trigger}</td>
                    <td>
                      {r.files
                        .filter((f) => allowed(f.format))
                        .map((f) => (
                          <div>
                            <a
                              href={`/console/campaigns/${record.id}/reports/${r.id}/${f.format}`}
                              data-format={f.format}
                            >
                              {formatLabels[f.format] ?? f.format}：{f.name}
                            </a>{' '}
                            <span class="muted">{size(f.size)}</span>
                          </div>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </CampaignFrame>,
      ),
    );
  });

  app.post('/campaigns/:id/reports', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const record = await requireCampaign(deps.db, c.req.param('id'));
    requireAccess(s.account, record, 'run');
    const raw = text(form, 'raw') === 'on';
    const { reportId } = await callApi<{ reportId: string }>(
      deps,
      s,
      'POST',
      `/api/campaigns/${record.id}/reports`,
      {
        raw,
      },
    );
    return c.redirect(
      `/console/campaigns/${record.id}/reports?pending=${reportId}&since=${deps.now().getTime()}`,
      303,
    );
  });

  /** Signs a fresh link when the person clicks, so a page left open for an hour still downloads. */
  app.get('/campaigns/:id/reports/:report/:format', async (c) => {
    const s = signedIn(c);
    const record = await requireCampaign(deps.db, c.req.param('id'));
    const access = requireAccess(s.account, record, 'read');
    const format = c.req.param('format');
    if (access !== 'run' && !VIEWER_FORMATS.has(format))
      throw new NotFoundError('没有这个报告文件，或您没有下载它的权限');
    const reports = await callApi<ReportListing[]>(deps, s, 'GET', `/api/campaigns/${record.id}/reports`);
    const file = reports.find((r) => r.id === c.req.param('report'))?.files.find((f) => f.format === format);
    if (!file) throw new NotFoundError('没有这个报告文件');
    await writeAudit(deps.db, {
      campaign: record.id,
      at: deps.now(),
      action: 'download',
      detail: { reportId: c.req.param('report'), format },
      actor: actorOf(s),
    });
    return c.redirect(file.url, 302);
  });

  return app;
}
