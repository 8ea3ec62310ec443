// The live dashboard: the board (turnout per group against codes issued, ballots per minute, per subject kind a ranked table with counts,
// rates, weighted score, rule flags and a chart, the comment count) as one fragment drawn from one results read,
// inside the campaign page and on a projector page of its own that swaps in a fresh board every few seconds.
import type { CampaignRecord } from '@pingyi/data';
import { paceChart, rankedSubjects, rateChart } from '@pingyi/reports';
import { dashboardScriptIntegrity, dashboardScriptPath, projectorStyles } from '../dashboard-assets.ts';
import type { SignedIn } from '../session.ts';
import { toLocalInput } from '../zoned.ts';
import { CampaignFrame, type ResultsAnswer } from './campaigns.tsx';
import { channelLabels, formatTime, percent } from './labels.ts';
import { StandaloneDocument } from './print.tsx';

/** Seconds between two boards on the wall. */
export const REFRESH_SECONDS = 5;

/** What the numbers are: the closing's verified tally, live and in step with every ballot, or catching up. */
function stateOf(results: ResultsAnswer): { label: string; tone: 'final' | 'live' | 'pending' } {
  if (results.final) return { label: '最终结果（已核对）', tone: 'final' };
  if (results.settled === false) return { label: '实时统计更新中', tone: 'pending' };
  return { label: '实时统计', tone: 'live' };
}

/** An ECharts SVG as an image: its inline styles stay inside the image, outside the page's style policy. */
const svgImage = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;

/** Minutes the pace chart spans. */
export const PACE_WINDOW = 30;

/**
 * The pace of the last PACE_WINDOW minutes up to the latest minute with a ballot (so the chart shows the meeting
 * that just voted, not an empty hour after it), quiet minutes as 0, labelled in the campaign's time zone.
 */
export function paceWindow(pace: { minute: string; ballots: number }[], timeZone: string) {
  const last = pace.at(-1);
  if (!last) return undefined;
  const counts = new Map(pace.map((p) => [p.minute, p.ballots]));
  const end = Date.parse(`${last.minute}:00Z`);
  const rows = Array.from({ length: PACE_WINDOW }, (_, i) => {
    const at = new Date(end - (PACE_WINDOW - 1 - i) * 60_000);
    return {
      label: toLocalInput(at, timeZone).slice(11, 16),
      ballots: counts.get(at.toISOString().slice(0, 16)) ?? 0,
    };
  });
  return {
    rows,
    peak: Math.max(...rows.map((r) => r.ballots)),
    latest: rows.at(-1) ?? { label: '', ballots: 0 },
  };
}

function Pace(props: { results: ResultsAnswer; timeZone: string }) {
  const window = paceWindow(props.results.pace ?? [], props.timeZone);
  if (!window) return null;
  const { rows, peak, latest } = window;
  const title = `每分钟投票（${rows[0]?.label}–${latest.label}）`;
  return (
    <section aria-labelledby="pace-title" class="pace">
      <h2 id="pace-title">投票速度</h2>
      <p id="pace">
        最近有票的一分钟（{latest.label}）<strong>{latest.ballots}</strong> 张；近 {PACE_WINDOW} 分钟最多{' '}
        {peak} 张/分钟，共 {rows.reduce((n, r) => n + r.ballots, 0)} 张
      </p>
      <img
        class="chart"
        alt={`${title}：${rows
          .filter((r) => r.ballots > 0)
          .map((r) => `${r.label} ${r.ballots} 张`)
          .join('，')}`}
        src={svgImage(paceChart(title, rows))}
      />
    </section>
  );
}

export function Board(props: { record: CampaignRecord; results: ResultsAnswer }) {
  const { record, results } = props;
  const d = record.definition;
  const min = d.minValidBallots ?? 5;
  const state = stateOf(results);
  const comments = results.subjects.reduce((n, s) => n + s.comments, 0);
  return (
    <>
      {results.rehearsal ? (
        <p class="rehearsal-mark" id="rehearsal-mark">
          试运行 · 测试数据（正式评议前清除）
        </p>
      ) : null}
      <div class="board-head">
        <p class="big-count">
          已收评议票 <strong id="ballots">{results.ballots}</strong> 张
        </p>
        <p>
          <span class={`state ${state.tone}`} id="board-state">
            {state.label}
          </span>{' '}
          <span class="muted">统计时间 {formatTime(results.asOf, d.timezone)}</span>
        </p>
        <p>
          意见 <strong id="comments">{comments}</strong> 条
          <span class="muted">（内容仅组织者在报告中查看）</span>
        </p>
      </div>
      <h2>参评情况</h2>
      <table class="turnout">
        <thead>
          <tr>
            <th>评议人类别</th>
            <th>渠道</th>
            <th class="num">已收票</th>
            <th class="num">发放评议码</th>
            <th class="num">参评率</th>
          </tr>
        </thead>
        <tbody>
          {d.groups.map((g) => {
            const t = results.turnout[g.id] ?? { ballots: 0, issued: null };
            return (
              <tr>
                <td>{g.label}</td>
                <td>{channelLabels[g.channel] ?? g.channel}</td>
                <td class="num" data-turnout={g.id}>
                  {t.ballots}
                </td>
                <td class="num">{t.issued ?? '—'}</td>
                <td class="num">{t.issued ? percent(t.ballots / t.issued) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pace results={results} timeZone={d.timezone} />
      <div class="kinds">
        {d.subjectKinds.map((kind) => {
          const subjects = rankedSubjects(results, kind.id);
          const shown = subjects.filter((s) => !s.belowMinimum && s.overall.positiveRate !== null);
          return (
            <section aria-labelledby={`board-${kind.id}`}>
              <h2 id={`board-${kind.id}`}>{kind.label}</h2>
              <table>
                <thead>
                  <tr>
                    <th class="num">排名</th>
                    <th>评议对象</th>
                    <th class="num">有效票</th>
                    <th class="num">满意率</th>
                    <th class="num">不满意率</th>
                    <th class="num">加权得分</th>
                    <th>提示</th>
                  </tr>
                </thead>
                <tbody>
                  {subjects.map((s) => {
                    const hidden = s.belowMinimum;
                    return (
                      <tr data-subject={s.id}>
                        <td class="num">{hidden || s.rank === null ? '—' : s.rank}</td>
                        <td>{s.name}</td>
                        <td class="num">{s.overall.valid}</td>
                        <td class="num">{hidden ? '—' : percent(s.overall.positiveRate)}</td>
                        <td class="num">{hidden ? '—' : percent(s.overall.negativeRate)}</td>
                        <td class="num">
                          {hidden || s.overall.weightedScore === null
                            ? '—'
                            : s.overall.weightedScore.toFixed(2)}
                        </td>
                        <td>
                          {hidden ? <span class="muted">有效票不足 {min} 张</span> : null}
                          {s.flags.map((f) => (
                            <div class="flag">{f.flag}</div>
                          ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {shown.length > 0 ? (
                <img
                  class="chart"
                  alt={`${kind.label}满意率图：${shown.map((s) => `${s.name} ${percent(s.overall.positiveRate)}`).join('，')}`}
                  src={svgImage(
                    rateChart(
                      `${kind.label}满意率`,
                      shown.map((s) => ({ name: s.name, rate: s.overall.positiveRate ?? 0 })),
                    ),
                  )}
                />
              ) : null}
            </section>
          );
        })}
      </div>
    </>
  );
}

/** The board's frame: swapped whole by the dashboard script. */
const Live = (props: { record: CampaignRecord; results: ResultsAnswer }) => (
  <div
    id="live"
    data-src={`/console/campaigns/${props.record.id}/dashboard/live`}
    data-every={String(REFRESH_SECONDS * 1000)}
    aria-live="off"
  >
    <Board record={props.record} results={props.results} />
  </div>
);

const DashboardScript = () => <script defer src={dashboardScriptPath} integrity={dashboardScriptIntegrity} />;

export function DashboardPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: 'read' | 'run';
  results: ResultsAnswer;
}) {
  return (
    <CampaignFrame signedIn={props.signedIn} record={props.record} access={props.access} tab="dashboard">
      <p class="actions">
        <a class="button" href={`/console/campaigns/${props.record.id}/dashboard/projector`}>
          投影视图（大字，每 {REFRESH_SECONDS} 秒自动更新）
        </a>
      </p>
      <Live record={props.record} results={props.results} />
      <DashboardScript />
    </CampaignFrame>
  );
}

export function ProjectorPage(props: { record: CampaignRecord; results: ResultsAnswer }) {
  return (
    <StandaloneDocument
      title={`${props.record.definition.title} · 实时大屏`}
      styles={projectorStyles}
      script={<DashboardScript />}
    >
      <main>
        <h1>{props.record.definition.title}</h1>
        <Live record={props.record} results={props.results} />
      </main>
      <a class="exit" href={`/console/campaigns/${props.record.id}/dashboard`}>
        退出投影
      </a>
    </StandaloneDocument>
  );
}
