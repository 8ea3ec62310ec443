// The feedback page (反馈) of one subject: its own full results, item ratings and comments, nothing of any other
// subject, and its rectification measures with forms to add and update them (the link is the credential).
import type { FeedbackLink, Measure } from '@pingyi/data';
import {
  type Campaign,
  isOverdue,
  kindOf,
  MEASURE_STATUS_LABELS,
  type MeasureStatus,
  type ProblemOption,
  problemText,
  type QuestionResult,
  questionsOf,
  type SubjectResult,
} from '@pingyi/domain';
import { formatTime, hasNeutral, percentText, scoreText } from '@pingyi/reports/columns';
import { Layout } from './layout.tsx';
import { publicStyles } from './public-styles.ts';

export interface FeedbackView {
  campaign: Campaign;
  link: FeedbackLink;
  subject: SubjectResult;
  /** its rank among the published subjects of its kind (as the 公示 shows it), null when its rates are not published */
  rank: number | null;
  comments: string[];
  measures: Measure[];
  options: ProblemOption[];
  now: Date;
  /** the page's own path (/f/<token>), where its forms post */
  path: string;
  /** the id of the measure the add form creates: a repeated post of the same form adds nothing */
  nonce: string;
  saved?: boolean;
  errors?: string[];
  /** what was posted, kept when it is refused */
  draft?: Partial<Record<'description' | 'problem' | 'owner' | 'deadline' | 'status', string>>;
}

function QuestionRow({
  label,
  q,
  neutral,
}: {
  label: string;
  q: QuestionResult | undefined;
  neutral: boolean;
}) {
  return (
    <tr>
      <td class="name">{label}</td>
      <td class="num" data-label="有效票">
        {q?.valid ?? 0}
      </td>
      <td class="num" data-label="满意率">
        {percentText(q?.positiveRate ?? null)}
      </td>
      <td class="num" data-label="不满意率">
        {percentText(q?.negativeRate ?? null)}
      </td>
      {neutral ? (
        <td class="num" data-label="一般及不满意率">
          {percentText(q?.neutralOrNegativeRate ?? null)}
        </td>
      ) : null}
    </tr>
  );
}

const STATUSES = Object.entries(MEASURE_STATUS_LABELS) as [MeasureStatus, string][];

function MeasureFields(props: {
  options: ProblemOption[];
  values: Partial<Record<'description' | 'problem' | 'owner' | 'deadline' | 'status', string>>;
  idPrefix: string;
}) {
  const v = props.values;
  const id = (name: string) => `${props.idPrefix}-${name}`;
  return (
    <>
      <label class="field" for={id('description')}>
        <span>整改措施</span>
      </label>
      <textarea id={id('description')} name="description" maxlength={500} required>
        {v.description ?? ''}
      </textarea>
      <label class="field" for={id('problem')}>
        <span>针对的问题</span>
      </label>
      <select id={id('problem')} name="problem" required>
        <option value="">请选择</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === v.problem}>
            {o.label}
          </option>
        ))}
      </select>
      <label class="field" for={id('owner')}>
        <span>责任人</span>
      </label>
      <input type="text" id={id('owner')} name="owner" maxlength={50} value={v.owner ?? ''} required />
      <label class="field" for={id('deadline')}>
        <span>完成时限</span>
      </label>
      <input type="date" id={id('deadline')} name="deadline" value={v.deadline ?? ''} required />
      <label class="field" for={id('status')}>
        <span>进展</span>
      </label>
      <select id={id('status')} name="status">
        {STATUSES.map(([value, label]) => (
          <option value={value} selected={value === (v.status ?? 'planned')}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}

export function FeedbackPage(v: FeedbackView) {
  const s = v.subject;
  const kind = kindOf(v.campaign, s.kind);
  const neutral = hasNeutral(v.campaign, s.kind);
  const zone = v.campaign.timezone;
  const questions = questionsOf(v.campaign, kind);
  const scale = questions[0]?.scale;
  return (
    <Layout title={`${s.name} 评议结果反馈`} extraStyles={publicStyles} campaign={v.campaign}>
      <main class="wrap">
        <h1 class="lead">{s.name} 评议结果反馈</h1>
        <p class="meta">
          本页仅供 {s.name} 查看，请勿转发。链接有效期至 {formatTime(v.link.expiresAt, zone)}。
        </p>
        {v.saved ? (
          <p class="flash" role="status">
            整改措施已保存。
          </p>
        ) : null}
        {v.errors && v.errors.length > 0 ? (
          <div class="errors" role="alert">
            <p>未保存，请修改：</p>
            <ul>
              {v.errors.map((e) => (
                <li>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}

        <h2 class="kind">总体评价</h2>
        <div class="box">
          <p>
            有效票 {s.overall.valid} 张{v.rank !== null ? `，在${kind.label}中排名第 ${v.rank}` : ''}
            ，综合得分 {scoreText(s.overall.weightedScore)}。
          </p>
          {s.belowMinimum ? (
            <p class="note">有效票不足 {v.campaign.minValidBallots} 张：以下比率仅供参考，公示时不予公开。</p>
          ) : null}
          <table class="res">
            <caption class="note">各选项票数</caption>
            <thead>
              <tr>
                {scale?.options.map((o) => (
                  <th scope="col">{o.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {scale?.options.map((o) => (
                  <td class="num">{s.overall.counts[o.id] ?? 0}</td>
                ))}
              </tr>
            </tbody>
          </table>
          {s.flags.length > 0 ? (
            <p class="bad">触及评议规则：{s.flags.map((f) => f.flag).join('；')}</p>
          ) : s.rulesEvaluated ? (
            <p class="ok">未触及评议规则界限。</p>
          ) : null}
        </div>

        <h2 class="kind">分项评价</h2>
        <table class="res cards">
          <thead>
            <tr>
              <th scope="col">评议内容</th>
              <th scope="col">有效票</th>
              <th scope="col">满意率</th>
              <th scope="col">不满意率</th>
              {neutral ? <th scope="col">一般及不满意率</th> : null}
            </tr>
          </thead>
          <tbody>
            {questions.map((q) => (
              <QuestionRow
                label={q.label}
                q={q.id === 'overall' ? s.overall : s.items[q.id]}
                neutral={neutral}
              />
            ))}
          </tbody>
        </table>

        <h2 class="kind">意见建议（{v.comments.length} 条）</h2>
        {v.comments.length === 0 ? (
          <p class="note">没有收到意见建议。</p>
        ) : (
          <ol class="box comments">
            {v.comments.map((text) => (
              <li>{text}</li>
            ))}
          </ol>
        )}

        <h2 class="kind">整改措施</h2>
        {v.measures.length === 0 ? <p class="note">尚未登记整改措施。</p> : null}
        {v.measures.map((m, i) => (
          <section class="box" aria-labelledby={`m${i}`}>
            <h3 id={`m${i}`}>
              {i + 1}. {m.description}
            </h3>
            <p>
              针对：{problemText(m.problem, v.options)}
              <br />
              责任人：{m.owner} · 完成时限：{m.deadline} · 进展：{MEASURE_STATUS_LABELS[m.status]}
              {isOverdue(m, v.now, zone) ? <span class="bad">（已逾期）</span> : null}
            </p>
            <details>
              <summary>更新这条措施</summary>
              <form method="post" action={`${v.path}/measures/${m.id}`}>
                <MeasureFields
                  options={v.options}
                  idPrefix={`m${i}`}
                  values={{
                    description: m.description,
                    problem: `${m.problem.type}:${m.problem.ref}`,
                    owner: m.owner,
                    deadline: m.deadline,
                    status: m.status,
                  }}
                />
                <p>
                  <button type="submit">保存</button>
                </p>
              </form>
            </details>
          </section>
        ))}
        <section class="box" aria-labelledby="add-measure">
          <h3 id="add-measure">新增整改措施</h3>
          <form method="post" action={`${v.path}/measures`}>
            <input type="hidden" name="nonce" value={v.nonce} />
            <MeasureFields options={v.options} idPrefix="new" values={v.draft ?? {}} />
            <p>
              <button type="submit">新增</button>
            </p>
          </form>
        </section>
        <p class="hint">措施的新增和修改都记入操作记录（操作者记为“反馈链接”）。</p>
      </main>
    </Layout>
  );
}
