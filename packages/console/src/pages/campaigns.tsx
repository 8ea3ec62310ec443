// Campaign pages: the list, the new-campaign forms, and the campaign's own page with its tabs.
import type { Account, AuditEntry, CampaignRecord } from '@pingyi/data';
import type { Campaign, CampaignStatus, Results } from '@pingyi/domain';
import type { Child } from 'hono/jsx';
import type { Access } from '../access.ts';
import type { Template } from '../examples.ts';
import type { SignedIn } from '../session.ts';
import {
  actionLabel,
  actorLabel,
  channelLabels,
  detailText,
  formatTime,
  roleLabels,
  statusLabels,
} from './labels.ts';
import { CsrfField, Layout } from './layout.tsx';
import { CodeQr, OpenLinkCell } from './qr.tsx';
import { ResultsTables } from './results.tsx';

export const StatusBadge = (props: { status: CampaignStatus; rehearsal?: boolean | undefined }) => (
  <>
    <span class={`status ${props.status}`}>{statusLabels[props.status]}</span>
    {props.rehearsal ? <span class="status rehearsal">试运行</span> : null}
  </>
);

/** Every page of a rehearsal says so: its ballots are test data. */
export const RehearsalNotice = (props: { record: CampaignRecord }) =>
  props.record.rehearsal ? (
    <p class="notice rehearsal" id="rehearsal-notice">
      试运行（测试）：本活动收到的评议表都是测试数据，不是正式评议结果。试运行结束后由组织者“清除试运行数据”，再正式开始评议。
    </p>
  ) : null;

export interface ListedCampaign {
  id: string;
  title: string;
  status: CampaignStatus;
  createdAt: string;
  owner?: string;
  results?: Results | undefined;
}

/** Codes used of codes issued, over the groups that have codes (token and paper). */
export function codeTurnout(results: Results | undefined): { used: number; issued: number } {
  let used = 0;
  let issued = 0;
  for (const t of Object.values(results?.turnout ?? {})) {
    if (t.issued === null) continue;
    used += t.ballots;
    issued += t.issued;
  }
  return { used, issued };
}

export function CampaignListPage(props: {
  signedIn: SignedIn;
  campaigns: ListedCampaign[];
  canCreate: boolean;
}) {
  return (
    <Layout title="评议活动" signedIn={props.signedIn} section="campaigns">
      <div class="actions page-head">
        <h1>评议活动</h1>
        {props.canCreate ? (
          <a class="button push" href="/console/campaigns/new">
            新建评议活动
          </a>
        ) : null}
      </div>
      {props.campaigns.length === 0 ? (
        <p class="panel">
          {props.canCreate
            ? '还没有评议活动。点击“新建评议活动”，从示例方案或方案文件创建。'
            : '还没有与您共享的评议活动。'}
        </p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th>活动名称</th>
                <th>状态</th>
                <th class="num">已收评议表</th>
                <th class="num">评议码使用 / 发放</th>
                <th class="num">参评率</th>
                <th>负责人</th>
                <th>创建时间</th>
              </tr>
            </thead>
            <tbody>
              {props.campaigns.map((c) => {
                const { used, issued } = codeTurnout(c.results);
                return (
                  <tr>
                    <td>
                      <a href={`/console/campaigns/${c.id}`}>{c.title}</a>
                    </td>
                    <td>
                      <StatusBadge status={c.status} rehearsal={c.results?.rehearsal} />
                    </td>
                    <td class="num">{c.results ? c.results.ballots : '—'}</td>
                    <td class="num">{issued ? `${used} / ${issued}` : '—'}</td>
                    <td class="num">{issued ? `${((used / issued) * 100).toFixed(1)}%` : '—'}</td>
                    <td>{c.owner ?? '服务凭证'}</td>
                    <td>{formatTime(c.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export interface NewCampaignValues {
  template: string;
  title: string;
  opensAt: string;
  closesAt: string;
}

export function NewCampaignPage(props: {
  signedIn: SignedIn;
  templates: Template[];
  values: NewCampaignValues;
  error?: string | undefined;
  issues?: { path: string; message: string }[];
}) {
  return (
    <Layout title="新建评议活动" signedIn={props.signedIn} section="campaigns">
      <h1>新建评议活动</h1>
      {props.error ? (
        <div class="notice bad" role="alert">
          <p class="flush">{props.error}</p>
          {props.issues?.length ? (
            <ul>
              {props.issues.slice(0, 30).map((i) => (
                <li>
                  {i.path ? <code>{i.path}</code> : null} {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div class="grid">
        <section class="panel">
          <h2>从示例方案创建</h2>
          <form method="post" action="/console/campaigns" enctype="multipart/form-data">
            <CsrfField signedIn={props.signedIn} />
            <input type="hidden" name="source" value="template" />
            <label for="template">示例方案</label>
            <select id="template" name="template">
              {props.templates.map((t) => (
                <option value={t.id} selected={t.id === props.values.template}>
                  {t.label}
                </option>
              ))}
            </select>
            <label for="title">活动名称</label>
            <input id="title" name="title" type="text" value={props.values.title} maxlength={200} />
            <p class="hint">留空则使用示例中的名称。</p>
            <label for="opensAt">评议开始时间（北京时间）</label>
            <input id="opensAt" name="opensAt" type="datetime-local" value={props.values.opensAt} required />
            <label for="closesAt">评议结束时间（北京时间）</label>
            <input
              id="closesAt"
              name="closesAt"
              type="datetime-local"
              value={props.values.closesAt}
              required
            />
            <div class="actions">
              <button type="submit">创建（草稿）</button>
            </div>
          </form>
        </section>
        <section class="panel">
          <h2>上传方案文件</h2>
          <form method="post" action="/console/campaigns" enctype="multipart/form-data">
            <CsrfField signedIn={props.signedIn} />
            <input type="hidden" name="source" value="file" />
            <label for="file">评议方案文件（JSON）</label>
            <input id="file" name="file" type="file" accept=".json,application/json" required />
            <p class="hint">文件格式见说明文档中的“评议方案”。创建后为草稿，开始评议前可以检查。</p>
            <div class="actions">
              <button type="submit">上传并创建（草稿）</button>
            </div>
          </form>
        </section>
        <section class="panel">
          <h2>从空白开始</h2>
          <form method="post" action="/console/campaigns/blank">
            <CsrfField signedIn={props.signedIn} />
            <p>创建一个最简单的草稿，然后在“编辑方案”中逐项填写，在“评议对象”中从 Excel 导入名单。</p>
            <div class="actions">
              <button type="submit" class="secondary">
                创建空白方案（草稿）
              </button>
            </div>
          </form>
        </section>
      </div>
    </Layout>
  );
}

export type Tab =
  | 'overview'
  | 'definition'
  | 'edit'
  | 'subjects'
  | 'reports'
  | 'ledger'
  | 'paper'
  | 'dashboard'
  | 'audit'
  | 'share'
  | 'publication'
  | 'measures';

export function CampaignFrame(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  tab: Tab;
  notice?: string | undefined;
  script?: boolean;
  children: Child;
}) {
  const { record } = props;
  const d = record.definition;
  const tab = (id: Tab, label: string, path: string) => (
    <a
      href={`/console/campaigns/${record.id}${path}`}
      {...(props.tab === id ? { 'aria-current': 'page' as const } : {})}
    >
      {label}
    </a>
  );
  return (
    <Layout title={d.title} signedIn={props.signedIn} section="campaigns" script={props.script ?? false}>
      <p class="meta flush">
        <a href="/console/campaigns">评议活动</a> › {d.organizer}
      </p>
      <h1>
        {d.title} <StatusBadge status={record.status} rehearsal={record.rehearsal} />
      </h1>
      <RehearsalNotice record={record} />
      {props.notice ? (
        <p class="notice ok" role="status">
          {props.notice}
        </p>
      ) : null}
      <nav class="tabs" aria-label="活动页面">
        {tab('overview', '概况与结果', '')}
        {tab('definition', '评议方案', '/definition')}
        {props.access === 'run' ? tab('edit', '编辑方案', '/edit') : null}
        {props.access === 'run' ? tab('subjects', '评议对象', '/subjects') : null}
        {tab('reports', '报告', '/reports')}
        {props.access === 'run' ? tab('ledger', '评议码台账', '/ledger') : null}
        {props.access === 'run' ? tab('paper', '书面评议', '/paper') : null}
        {tab('dashboard', '实时大屏', '/dashboard')}
        {props.access === 'run' ? tab('publication', '公示与反馈', '/publication') : null}
        {tab('measures', '整改落实', '/measures')}
        {props.access === 'run' ? tab('audit', '操作记录', '/audit') : null}
        {props.access === 'run' ? tab('share', '共享', '/share') : null}
      </nav>
      {props.children}
    </Layout>
  );
}

/** The results API's answer: the results, and whether they are the closing's verified tally. */
export type ResultsAnswer = Results & {
  final?: boolean;
  settled?: boolean;
  verification?: { ballots: number; live: number | null; differences: number | null; agreed: boolean };
  /** live answers: ballots per minute (UTC minute), oldest first */
  pace?: { minute: string; ballots: number }[];
};

function CountNote(props: { results: ResultsAnswer }) {
  const { final, settled, verification: v } = props.results;
  if (final && v) {
    return (
      <p class="notice ok" id="count-note">
        最终结果：逐票复核 {v.ballots} 张，
        {v.agreed ? '与实时统计一致' : `与实时统计有 ${v.differences ?? '未知'} 处差异，以复核为准`}。
      </p>
    );
  }
  if (settled === false) {
    return (
      <p class="notice" id="count-note">
        统计正在更新，下表为 {formatTime(props.results.asOf)} 的一致读数。
      </p>
    );
  }
  return null;
}

export function OverviewPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  results: ResultsAnswer;
  links: Record<string, string>;
  notice?: string | undefined;
}) {
  const { record, results, access } = props;
  const d = record.definition;
  const run = access === 'run';
  const { used, issued } = codeTurnout(results);
  return (
    <CampaignFrame
      signedIn={props.signedIn}
      record={record}
      access={access}
      tab="overview"
      notice={props.notice}
    >
      <div class="grid">
        <section class="panel">
          <dl class="facts">
            <dt>组织单位</dt>
            <dd>{d.organizer}</dd>
            <dt>评议时间</dt>
            <dd>
              {formatTime(d.window.opensAt, d.timezone)} 至 {formatTime(d.window.closesAt, d.timezone)}
            </dd>
            <dt>评议对象</dt>
            <dd>
              {d.subjectKinds
                .map((k) => `${k.label} ${d.subjects.filter((s) => s.kind === k.id).length} 个`)
                .join('，')}
            </dd>
            <dt>负责人</dt>
            <dd>{record.owner ?? '服务凭证（API）'}</dd>
          </dl>
        </section>
        <section class="panel">
          <dl class="facts">
            <dt>已收评议表</dt>
            <dd>
              <strong class="big" id="ballots">
                {results.ballots}
              </strong>{' '}
              张
            </dd>
            <dt>评议码</dt>
            <dd>
              已使用 {used} / 已发放 {issued}
              {issued ? `（${((used / issued) * 100).toFixed(1)}%）` : ''}
            </dd>
          </dl>
          {run ? (
            <div class="actions">
              {record.status === 'draft' ? (
                <>
                  <form method="post" action={`/console/campaigns/${record.id}/open`} class="inline">
                    <CsrfField signedIn={props.signedIn} />
                    <button type="submit">开始评议</button>
                  </form>
                  <form method="post" action={`/console/campaigns/${record.id}/open`} class="inline">
                    <CsrfField signedIn={props.signedIn} />
                    <input type="hidden" name="rehearsal" value="true" />
                    <button type="submit" class="secondary">
                      开始试运行
                    </button>
                  </form>
                </>
              ) : null}
              {record.status === 'closed' && record.rehearsal ? (
                <a class="button secondary" href={`/console/campaigns/${record.id}/wipe`}>
                  清除试运行数据…
                </a>
              ) : null}
              {record.status === 'open' ? (
                <a class="button secondary" href={`/console/campaigns/${record.id}/close`}>
                  结束评议…
                </a>
              ) : null}
            </div>
          ) : null}
          {record.status === 'closed' && props.signedIn.account.role === 'admin' ? (
            <form method="post" action={`/console/campaigns/${record.id}/reopen`}>
              <CsrfField signedIn={props.signedIn} />
              <label for="reason">重新开放的原因（县级管理员）</label>
              <input id="reason" name="reason" type="text" required maxlength={500} />
              <div class="actions">
                <button type="submit" class="secondary">
                  重新开放评议
                </button>
              </div>
              <p class="hint">结束时的报告将标记为已被取代；重新开放记入操作记录。</p>
            </form>
          ) : null}
          {record.status === 'draft' ? (
            <p class="hint">
              草稿：评议人还不能投票。开始评议后，在评议时间内才能提交评议表。“开始试运行”用于正式评议前的演练：收到的评议表都标为测试，结束试运行后可一键清除。
            </p>
          ) : null}
        </section>
      </div>

      <h2>评议人类别与评议码</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th>评议人类别</th>
              <th>渠道</th>
              <th class="num">权重</th>
              <th class="num">已发放</th>
              <th class="num">已收评议表</th>
              <th class="num">参评率</th>
              {run ? <th>评议码</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.groups.map((g) => {
              const t = results.turnout[g.id] ?? { ballots: 0, issued: null };
              return (
                <tr>
                  <td>{g.label}</td>
                  <td>{channelLabels[g.channel] ?? g.channel}</td>
                  <td class="num">{g.weight ?? 1}</td>
                  <td class="num">{t.issued ?? '—'}</td>
                  <td class="num" data-group={g.id}>
                    {t.ballots}
                  </td>
                  <td class="num">{t.issued ? `${((t.ballots / t.issued) * 100).toFixed(1)}%` : '—'}</td>
                  {run ? (
                    <td>
                      {g.channel === 'open' ? (
                        <OpenLinkCell campaignId={record.id} group={g.id} link={props.links[g.id] ?? ''} />
                      ) : record.status === 'closed' ? (
                        <span class="muted">活动已结束</span>
                      ) : (
                        <form
                          method="post"
                          action={`/console/campaigns/${record.id}/codes`}
                          class="inline-form"
                        >
                          <CsrfField signedIn={props.signedIn} />
                          <input type="hidden" name="group" value={g.id} />
                          <label for={`count-${g.id}`}>数量</label>
                          <input
                            id={`count-${g.id}`}
                            name="count"
                            type="number"
                            min="1"
                            max="5000"
                            value="10"
                            required
                          />
                          <button type="submit" class="secondary">
                            生成评议码
                          </button>
                          <a href={`/console/campaigns/${record.id}/slips?group=${g.id}`}>打印评议码…</a>
                        </form>
                      )}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2>评议结果</h2>
      <CountNote results={results} />
      <ResultsTables campaign={d} results={results} />
    </CampaignFrame>
  );
}

export function DefinitionPage(props: { signedIn: SignedIn; record: CampaignRecord; access: Access }) {
  const d: Campaign = props.record.definition;
  return (
    <CampaignFrame signedIn={props.signedIn} record={props.record} access={props.access} tab="definition">
      <p>
        <a href={`/console/campaigns/${props.record.id}/definition.json`}>下载评议方案文件（JSON）</a>
      </p>
      <h2>评分标准</h2>
      <div class="grid">
        {Object.entries(d.scales).map(([id, scale]) => (
          <section class="panel">
            <h3>{id}</h3>
            <p>
              {scale.options
                .map((o) => `${o.label}（${o.category === 'abstain' ? '不计入有效票' : `${o.score} 分`}）`)
                .join('、')}
            </p>
          </section>
        ))}
      </div>
      <h2>评议对象类别与评议内容</h2>
      {d.subjectKinds.map((k) => (
        <section class="panel">
          <h3>{k.label}</h3>
          <p>总体评价：{k.overall.label}</p>
          {k.items.length ? (
            <ol>
              {k.items.map((i) => (
                <li>{i.label}</li>
              ))}
            </ol>
          ) : null}
          <p class="muted">
            {d.subjects
              .filter((s) => s.kind === k.id)
              .map((s) => s.name)
              .join('、')}
          </p>
          {(d.rules ?? [])
            .filter((r) => r.kind === k.id)
            .map((r) => (
              <p class="flag">
                规则：
                {r.metric === 'negativeRate'
                  ? '不满意率'
                  : r.metric === 'positiveRate'
                    ? '满意率'
                    : '一般及不满意率'}
                {r.above ? `超过 ${r.above}` : `低于 ${r.below}`} → {r.flag}
              </p>
            ))}
        </section>
      ))}
      <h2>评议人类别</h2>
      <table>
        <thead>
          <tr>
            <th>类别</th>
            <th>渠道</th>
            <th class="num">权重</th>
            <th>评价的对象类别</th>
          </tr>
        </thead>
        <tbody>
          {d.groups.map((g) => (
            <tr>
              <td>{g.label}</td>
              <td>{channelLabels[g.channel]}</td>
              <td class="num">{g.weight ?? 1}</td>
              <td>
                {(g.evaluates ?? d.subjectKinds.map((k) => k.id))
                  .map((id) => d.subjectKinds.find((k) => k.id === id)?.label ?? id)
                  .join('、')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </CampaignFrame>
  );
}

export function CloseConfirmPage(props: { signedIn: SignedIn; record: CampaignRecord; ballots: number }) {
  const { record } = props;
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="overview">
      <section class="panel">
        <h2>确认结束评议</h2>
        <p>结束评议后：</p>
        <ul>
          <li>所有评议码和公开链接立即停止接受评议表，尚未使用的评议码不能再投票；</li>
          <li>已提交的评议表全部保留，逐票复核后计入最终结果；</li>
          <li>系统自动生成最终报告（Excel、CSV、公示页），可在“报告”中下载；</li>
          <li>
            结束是正式操作，记入操作记录；之后只有县级管理员填写原因才能重新开放，结束时的报告随之标记为已被取代。
          </li>
        </ul>
        <p>
          当前已收评议表 <strong>{props.ballots}</strong> 张。请确认评议人已全部完成后再结束。
        </p>
        <form method="post" action={`/console/campaigns/${record.id}/close`} class="actions">
          <CsrfField signedIn={props.signedIn} />
          <button type="submit" class="danger">
            确认结束评议
          </button>
          <a class="button secondary" href={`/console/campaigns/${record.id}`}>
            取消
          </a>
        </form>
      </section>
    </CampaignFrame>
  );
}

/** What wiping a rehearsal does, before it is done. */
export function WipeConfirmPage(props: { signedIn: SignedIn; record: CampaignRecord; ballots: number }) {
  const { record } = props;
  const closed = record.status === 'closed';
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="overview">
      <section class="panel">
        <h2>清除试运行数据</h2>
        {closed ? null : (
          <p class="notice bad" role="alert">
            试运行还在进行：请先“结束评议”，待结束时的报告生成后再清除。
          </p>
        )}
        <p>清除后：</p>
        <ul>
          <li>
            试运行收到的 <strong>{props.ballots}</strong>{' '}
            张评议表、意见建议、自填事项、回执、实时统计、结束时的计票核对和全部报告（含已生成的文件）一并删除，不可恢复；
          </li>
          <li>活动回到草稿，可以修改方案，再“开始评议”正式评议；</li>
          <li>
            试运行中用过的评议码作废（这些纸条已在测试人员手中，不能再用于正式评议，需要时补打）；未用过的评议码仍然有效；
          </li>
          <li>清除记入操作记录。正式评议的数据任何时候都不能清除。</li>
        </ul>
        <form method="post" action={`/console/campaigns/${record.id}/wipe`} class="actions">
          <CsrfField signedIn={props.signedIn} />
          <button type="submit" class="danger" disabled={!closed}>
            确认清除试运行数据
          </button>
          <a class="button secondary" href={`/console/campaigns/${record.id}`}>
            取消
          </a>
        </form>
      </section>
    </CampaignFrame>
  );
}

/** The codes just issued: a table to check, and the list as a CSV file (UTF-8 with BOM, for Excel). */
export function IssuedCodesPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  group: string;
  codes: { serial: number; url: string; svg: string }[];
}) {
  const { record } = props;
  const label = record.definition.groups.find((g) => g.id === props.group)?.label ?? props.group;
  const csv = `\uFEFF序号,评议人类别,评议链接\r\n${props.codes.map((c) => `${c.serial},${label},${c.url}`).join('\r\n')}\r\n`;
  const first = props.codes[0]?.serial ?? 0;
  const last = props.codes.at(-1)?.serial ?? 0;
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="overview">
      <section class="panel">
        <h2>
          已为“{label}”生成 {props.codes.length} 个评议码（序号 {first}–{last}）
        </h2>
        <p>每个评议码只能使用一次。请将链接制成二维码分发，分发时随机发放，不要记录谁拿到哪个序号。</p>
        <div class="actions">
          <a
            class="button"
            download={`评议码-${label}-${first}-${last}.csv`}
            href={`data:text/csv;charset=utf-8;base64,${Buffer.from(csv, 'utf8').toString('base64')}`}
          >
            下载评议码列表（CSV）
          </a>
          <a class="button secondary" href={`/console/campaigns/${record.id}`}>
            返回活动
          </a>
        </div>
        <p class="hint">此页面离开后不再显示这些评议码；需要时请先下载列表。</p>
      </section>
      <table class="codes">
        <thead>
          <tr>
            <th class="num">序号</th>
            <th>二维码</th>
            <th>评议链接</th>
          </tr>
        </thead>
        <tbody>
          {props.codes.map((c) => (
            <tr>
              <td class="num">{c.serial}</td>
              <td>
                <CodeQr svg={c.svg} />
              </td>
              <td>{c.url}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </CampaignFrame>
  );
}

export function AuditTable(props: { entries: AuditEntry[]; timeZone?: string; showCampaign?: boolean }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>时间</th>
            <th>操作人</th>
            <th>操作</th>
            {props.showCampaign ? <th>活动</th> : null}
            <th>内容</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td class="nowrap">{formatTime(e.at, props.timeZone)}</td>
              <td>{actorLabel(e.actor)}</td>
              <td>{actionLabel(e.action)}</td>
              {props.showCampaign ? (
                <td>{e.campaign ? <a href={`/console/campaigns/${e.campaign}`}>{e.campaign}</a> : '—'}</td>
              ) : null}
              <td>{detailText(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CampaignAuditPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  entries: AuditEntry[];
}) {
  return (
    <CampaignFrame signedIn={props.signedIn} record={props.record} access="run" tab="audit">
      <p class="hint">本活动的每一项变更：谁、何时、做了什么。记录只增不改。</p>
      <AuditTable entries={props.entries} timeZone={props.record.definition.timezone} />
    </CampaignFrame>
  );
}

export function SharePage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  accounts: Account[];
  notice?: string | undefined;
}) {
  const { record } = props;
  const candidates = props.accounts.filter(
    (a) => a.role !== 'admin' && a.name !== record.owner && !a.disabled,
  );
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="share" notice={props.notice}>
      <section class="panel">
        <p>
          共享给组织者：可与负责人一起管理本活动（生成评议码、开始和结束、导出报告）。共享给查看者：只能查看结果和公示报告。
        </p>
        {candidates.length === 0 ? (
          <p class="muted">还没有可以共享的组织者或查看者账号，请县级管理员先创建。</p>
        ) : (
          <form method="post" action={`/console/campaigns/${record.id}/share`}>
            <CsrfField signedIn={props.signedIn} />
            <fieldset>
              <legend>共享给</legend>
              {candidates.map((a) => (
                <label class="check">
                  <input
                    type="checkbox"
                    name="share"
                    value={a.name}
                    checked={record.sharedWith.includes(a.name)}
                  />{' '}
                  {a.displayName}（{a.name}，{roleLabels[a.role]}）
                </label>
              ))}
            </fieldset>
            <div class="actions">
              <button type="submit">保存共享设置</button>
            </div>
          </form>
        )}
      </section>
    </CampaignFrame>
  );
}
