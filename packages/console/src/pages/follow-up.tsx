// Console pages after the vote: 公示与反馈 (publish and withdraw the public page, issue and revoke each subject's
// feedback link), 整改落实 (measures per subject) and the county's overdue measures.
import type { CampaignRecord, FeedbackLink, Measure, Publication, PublicationState } from '@pingyi/data';
import {
  type Campaign,
  isOverdue,
  MEASURE_STATUS_LABELS,
  type MeasureStatus,
  type ProblemOption,
  problemText,
} from '@pingyi/domain';
import type { Access } from '../access.ts';
import type { SignedIn } from '../session.ts';
import { CampaignFrame } from './campaigns.tsx';
import { formatTime } from './labels.ts';
import { Alert, CsrfField, Layout } from './layout.tsx';

export const publicationStateLabels: Record<PublicationState, string> = {
  scheduled: '未开始',
  live: '公示中',
  ended: '已结束',
  withdrawn: '已撤回',
  superseded: '已失效（活动重新开放）',
};
const linkStateLabels = { active: '有效', expired: '已过期', revoked: '已收回' } as const;

export interface PublishValues {
  kinds: string[];
  show: 'rates' | 'verdicts';
  progress: boolean;
  receipts: boolean;
  startsAt: string;
  endsAt: string;
}

export interface PublicationPageProps {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  /** why nothing can be published yet, if so */
  blocked?: string;
  publications: { publication: Publication; state: PublicationState; url: string }[];
  links: { link: FeedbackLink; state: keyof typeof linkStateLabels }[];
  values: PublishValues;
  publicUrl: string;
  notice?: string;
  error?: string;
  /** a link just issued: shown once, never again */
  issued?: { subject: string; url: string };
}

function scopeText(campaign: Campaign, p: Publication): string {
  const kinds = campaign.subjectKinds.filter((k) => p.scope.kinds.includes(k.id)).map((k) => k.label);
  return [
    kinds.join('、'),
    p.scope.show === 'rates' ? '满意率等比率' : '仅评议结论',
    p.scope.progress ? '含整改进展' : '',
    p.scope.receipts ? '含回执清单' : '',
  ]
    .filter(Boolean)
    .join('；');
}

export function PublicationConsolePage(props: PublicationPageProps) {
  const { record } = props;
  const d = record.definition;
  const zone = d.timezone;
  const base = `/console/campaigns/${record.id}`;
  const v = props.values;
  return (
    <CampaignFrame
      signedIn={props.signedIn}
      record={record}
      access={props.access}
      tab="publication"
      notice={props.notice}
    >
      <Alert message={props.error} />
      {props.issued ? (
        <section class="notice ok" role="status">
          <p>
            已为 <strong>{props.issued.subject}</strong>{' '}
            签发反馈链接。请复制后当面或通过内部渠道交给该评议对象；链接只显示这一次。
          </p>
          <p class="link-box">{props.issued.url}</p>
        </section>
      ) : null}
      <section class="panel">
        <h2>发布公示</h2>
        {props.blocked ? (
          <p class="notice">{props.blocked}</p>
        ) : (
          <form method="post" action={`${base}/publication`}>
            <CsrfField signedIn={props.signedIn} />
            <fieldset>
              <legend>公示哪些评议对象类别</legend>
              {d.subjectKinds.map((k) => (
                <label class="check">
                  <input type="checkbox" name="kinds" value={k.id} checked={v.kinds.includes(k.id)} />{' '}
                  {k.label}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>公示内容</legend>
              <label class="check">
                <input type="radio" name="show" value="rates" checked={v.show === 'rates'} />{' '}
                满意率、不满意率、综合得分与排名
              </label>
              <label class="check">
                <input type="radio" name="show" value="verdicts" checked={v.show === 'verdicts'} />{' '}
                仅评议结论（是否触及规则界限，不公示比率）
              </label>
              <label class="check">
                <input type="checkbox" name="progress" value="1" checked={v.progress} /> 同时公示整改落实进展
              </label>
              <label class="check">
                <input type="checkbox" name="receipts" value="1" checked={v.receipts} />{' '}
                同时公布计入统计的评议回执清单（供评议人核对本人评议表已计入）
              </label>
            </fieldset>
            <div class="inline-form">
              <span>
                <label for="startsAt">公示开始（{zone}）</label>
                <input id="startsAt" name="startsAt" type="datetime-local" value={v.startsAt} required />
              </span>
              <span>
                <label for="endsAt">公示结束</label>
                <input id="endsAt" name="endsAt" type="datetime-local" value={v.endsAt} required />
              </span>
              <button type="submit">发布公示</button>
            </div>
            <p class="hint">
              公示页不含意见建议和自填内容；有效票少于 {d.minValidBallots}{' '}
              张的评议对象不公示比率与排名。发布后可随时撤回。
            </p>
          </form>
        )}
        {props.publications.length > 0 ? (
          <div class="table-scroll">
            <table>
              <caption class="muted">已发布的公示</caption>
              <thead>
                <tr>
                  <th>公示链接</th>
                  <th>范围</th>
                  <th>公示期</th>
                  <th>状态</th>
                  <th>操作</th>
                </tr>
              </thead>
              <tbody>
                {props.publications.map(({ publication: p, state, url }) => (
                  <tr>
                    <td>
                      <a class="url" href={url}>
                        {url}
                      </a>
                    </td>
                    <td>{scopeText(d, p)}</td>
                    <td>
                      {formatTime(p.startsAt, zone)} 至 {formatTime(p.endsAt, zone)}
                    </td>
                    <td class="nowrap">{publicationStateLabels[state]}</td>
                    <td class="nowrap">
                      {p.withdrawnAt ? (
                        <span class="muted">{formatTime(p.withdrawnAt, zone)} 撤回</span>
                      ) : (
                        <form method="post" action={`${base}/publication/${p.slug}/withdraw`}>
                          <CsrfField signedIn={props.signedIn} />
                          <button type="submit" class="danger">
                            撤回
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section class="panel">
        <h2>结果反馈链接</h2>
        <p>
          每个评议对象一个专用链接：只显示该对象本人的评议结果、分项评价和意见建议，并可登记整改措施。链接到期自动失效，也可随时收回。
        </p>
        {props.blocked ? null : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>评议对象</th>
                  <th>已签发的链接</th>
                  <th>签发新链接</th>
                </tr>
              </thead>
              <tbody>
                {d.subjects.map((s) => {
                  const own = props.links.filter((l) => l.link.subject === s.id);
                  return (
                    <tr>
                      <td>{s.name}</td>
                      <td>
                        {own.length === 0 ? <span class="muted">无</span> : null}
                        {own.map(({ link, state }) => (
                          <div>
                            {linkStateLabels[state]} · 有效期至 {formatTime(link.expiresAt, zone)}{' '}
                            {state === 'active' ? (
                              <form
                                class="inline"
                                method="post"
                                action={`${base}/feedback-links/${link.digest}/revoke`}
                              >
                                <CsrfField signedIn={props.signedIn} />
                                <button type="submit" class="secondary">
                                  收回
                                </button>
                              </form>
                            ) : null}
                          </div>
                        ))}
                      </td>
                      <td>
                        <form method="post" action={`${base}/feedback-links`} class="inline-form">
                          <CsrfField signedIn={props.signedIn} />
                          <input type="hidden" name="subject" value={s.id} />
                          <span>
                            <label for={`days-${s.id}`}>有效天数</label>
                            <select id={`days-${s.id}`} name="days">
                              <option value="30">30 天</option>
                              <option value="7">7 天</option>
                              <option value="90">90 天</option>
                            </select>
                          </span>
                          <button type="submit">签发</button>
                        </form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </CampaignFrame>
  );
}

const STATUSES = Object.entries(MEASURE_STATUS_LABELS) as [MeasureStatus, string][];

function StatusCell(props: { m: Measure; now: Date; zone: string }) {
  return (
    <>
      {MEASURE_STATUS_LABELS[props.m.status]}
      {isOverdue(props.m, props.now, props.zone) ? <span class="flag"> 已逾期</span> : null}
    </>
  );
}

export interface MeasuresPageProps {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  measures: Measure[];
  /** what each subject's measures may answer (its questions, matters, its comments) */
  options: Record<string, ProblemOption[]>;
  now: Date;
  notice?: string;
  error?: string;
}

export function MeasuresPage(props: MeasuresPageProps) {
  const { record } = props;
  const d = record.definition;
  const base = `/console/campaigns/${record.id}/measures`;
  const run = props.access === 'run';
  return (
    <CampaignFrame
      signedIn={props.signedIn}
      record={record}
      access={props.access}
      tab="measures"
      notice={props.notice}
    >
      <Alert message={props.error} />
      <p>
        各评议对象的整改措施：由活动办公室在此登记，或由评议对象通过其反馈链接登记。完成时限已过而未完成的措施显示为“已逾期”。
      </p>
      {d.subjects.map((s) => {
        const own = props.measures.filter((m) => m.subject === s.id);
        const options = props.options[s.id] ?? [];
        return (
          <section class="panel" data-subject={s.id}>
            <h2>
              {s.name} <span class="muted">（{own.length} 条）</span>
            </h2>
            {own.length === 0 ? (
              <p class="muted">尚未登记整改措施。</p>
            ) : (
              <div class="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th>整改措施</th>
                      <th>针对</th>
                      <th>责任人</th>
                      <th>完成时限</th>
                      <th>进展</th>
                      {run ? <th>更新</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {own.map((m) => (
                      <tr>
                        <td>{m.description}</td>
                        <td>{problemText(m.problem, options)}</td>
                        <td class="nowrap">{m.owner}</td>
                        <td class="nowrap">{m.deadline}</td>
                        <td class="nowrap">
                          <StatusCell m={m} now={props.now} zone={d.timezone} />
                        </td>
                        {run ? (
                          <td>
                            <form method="post" action={`${base}/${s.id}/${m.id}`} class="inline-form">
                              <CsrfField signedIn={props.signedIn} />
                              <input type="hidden" name="description" value={m.description} />
                              <input
                                type="hidden"
                                name="problem"
                                value={`${m.problem.type}:${m.problem.ref}`}
                              />
                              <input type="hidden" name="owner" value={m.owner} />
                              <span>
                                <label for={`dl-${m.id}`}>完成时限</label>
                                <input id={`dl-${m.id}`} type="date" name="deadline" value={m.deadline} />
                              </span>
                              <span>
                                <label for={`st-${m.id}`}>进展</label>
                                <select id={`st-${m.id}`} name="status">
                                  {STATUSES.map(([value, label]) => (
                                    <option value={value} selected={value === m.status}>
                                      {label}
                                    </option>
                                  ))}
                                </select>
                              </span>
                              <button type="submit" class="secondary">
                                保存
                              </button>
                            </form>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {run ? (
              <details>
                <summary>为 {s.name} 新增整改措施</summary>
                <form method="post" action={base}>
                  <CsrfField signedIn={props.signedIn} />
                  <input type="hidden" name="subject" value={s.id} />
                  <label for={`d-${s.id}`}>整改措施</label>
                  <textarea id={`d-${s.id}`} name="description" maxlength={500} required />
                  <label for={`p-${s.id}`}>针对的问题</label>
                  <select id={`p-${s.id}`} name="problem" required>
                    <option value="">请选择</option>
                    {options.map((o) => (
                      <option value={o.value}>{o.label}</option>
                    ))}
                  </select>
                  <div class="inline-form">
                    <span>
                      <label for={`o-${s.id}`}>责任人</label>
                      <input id={`o-${s.id}`} type="text" name="owner" maxlength={50} required />
                    </span>
                    <span>
                      <label for={`t-${s.id}`}>完成时限</label>
                      <input id={`t-${s.id}`} type="date" name="deadline" required />
                    </span>
                    <span>
                      <label for={`s-${s.id}`}>进展</label>
                      <select id={`s-${s.id}`} name="status">
                        {STATUSES.map(([value, label]) => (
                          <option value={value}>{label}</option>
                        ))}
                      </select>
                    </span>
                    <button type="submit">新增</button>
                  </div>
                </form>
              </details>
            ) : null}
          </section>
        );
      })}
    </CampaignFrame>
  );
}

export function OverduePage(props: {
  signedIn: SignedIn;
  rows: { measure: Measure; campaign: Campaign; campaignId: string; subject: string }[];
  now: Date;
}) {
  return (
    <Layout title="逾期整改措施" signedIn={props.signedIn} section="overdue">
      <h1>逾期整改措施</h1>
      <p class="meta">
        您可查看的全部评议活动中，完成时限已过、尚未完成的整改措施（按完成时限排序）。截至{' '}
        {formatTime(props.now.toISOString())}，共 {props.rows.length} 条。
      </p>
      {props.rows.length === 0 ? (
        <p class="notice ok">没有逾期的整改措施。</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th>评议活动</th>
                <th>评议对象</th>
                <th>整改措施</th>
                <th>责任人</th>
                <th>完成时限</th>
                <th>进展</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/campaigns/${r.campaignId}/measures`}>{r.campaign.title}</a>
                  </td>
                  <td>{r.subject}</td>
                  <td>{r.measure.description}</td>
                  <td class="nowrap">{r.measure.owner}</td>
                  <td class="nowrap">{r.measure.deadline}</td>
                  <td class="nowrap">
                    <StatusCell m={r.measure} now={props.now} zone={r.campaign.timezone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
