// The public pages of a publication (公示): the results page, the receipts list, and the pages that say a
// publication is not (or no longer) shown. What they hold is decided here and nowhere else: the kinds in scope,
// rates or verdicts, no comments or free texts, no rates or rank under the campaign's minimum of valid ballots.
import type { Measure, Publication, Verification } from '@pingyi/data';
import {
  type Campaign,
  isOverdue,
  MEASURE_STATUS_LABELS,
  PROBLEM_TYPE_LABELS,
  type Results,
  type SubjectResult,
} from '@pingyi/domain';
import {
  formatTime,
  hasNeutral,
  percentText,
  publicRows,
  ruleConditionText,
  scoreText,
  verificationText,
} from '@pingyi/reports/columns';
import { Layout } from './layout.tsx';
import { publicStyles } from './public-styles.ts';

type Band = { title: string; organizer: string };
const bandOf = (campaign: Campaign): Band => ({ title: campaign.title, organizer: campaign.organizer });

/** A page that says why there is nothing to show: withdrawn, not yet, over, superseded, unknown. */
export function PublicMessagePage(props: { title: string; message: string; campaign?: Campaign }) {
  return (
    <Layout
      title={props.title}
      extraStyles={publicStyles}
      {...(props.campaign ? { campaign: bandOf(props.campaign) } : {})}
    >
      <main class="wrap">
        <section class="card notice">
          <div class="mark info" aria-hidden="true" />
          <h1>{props.title}</h1>
          <p>{props.message}</p>
        </section>
      </main>
    </Layout>
  );
}

function PeriodLine({ publication, zone }: { publication: Publication; zone: string }) {
  return (
    <p class="meta">
      公示期：{formatTime(publication.startsAt, zone)} 至 {formatTime(publication.endsAt, zone)}
      <br />
      发布时间：{formatTime(publication.publishedAt, zone)}
    </p>
  );
}

/** A subject's name with its title and unit: the first line of its card on a phone. */
const NameCell = ({ subject: s }: { subject: SubjectResult }) => (
  <td class="name">
    {s.name}
    {s.title || s.unit ? <span class="note">（{[s.title, s.unit].filter(Boolean).join('，')}）</span> : null}
  </td>
);

function RatesTable({ campaign, results, kind }: { campaign: Campaign; results: Results; kind: string }) {
  const neutral = hasNeutral(campaign, kind);
  const span = neutral ? 4 : 3;
  return (
    <table class="res cards">
      <thead>
        <tr>
          <th scope="col">评议对象</th>
          <th scope="col">排名</th>
          <th scope="col">有效票</th>
          <th scope="col">满意率</th>
          <th scope="col">不满意率</th>
          {neutral ? <th scope="col">一般及不满意率</th> : null}
          <th scope="col">综合得分</th>
        </tr>
      </thead>
      <tbody>
        {publicRows(results, kind).map(({ subject: s, rank, publishable }) => (
          <tr>
            <NameCell subject={s} />
            <td class="num" data-label="排名">
              {rank ?? '—'}
            </td>
            <td class="num" data-label="有效票">
              {s.overall.valid}
            </td>
            {publishable ? (
              <>
                <td class="num" data-label="满意率">
                  {percentText(s.overall.positiveRate)}
                </td>
                <td class="num" data-label="不满意率">
                  {percentText(s.overall.negativeRate)}
                </td>
                {neutral ? (
                  <td class="num" data-label="一般及不满意率">
                    {percentText(s.overall.neutralOrNegativeRate)}
                  </td>
                ) : null}
                <td class="num" data-label="综合得分">
                  {scoreText(s.overall.weightedScore)}
                </td>
              </>
            ) : (
              <td class="note" colspan={span}>
                有效票不足 {campaign.minValidBallots} 张，不公示比率
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VerdictTable({ campaign, results, kind }: { campaign: Campaign; results: Results; kind: string }) {
  return (
    <table class="res cards">
      <thead>
        <tr>
          <th scope="col">评议对象</th>
          <th scope="col">有效票</th>
          <th scope="col">评议结论</th>
        </tr>
      </thead>
      <tbody>
        {publicRows(results, kind).map(({ subject: s, publishable }) => (
          <tr>
            <NameCell subject={s} />
            <td class="num" data-label="有效票">
              {s.overall.valid}
            </td>
            <td data-label="评议结论">
              {!publishable ? (
                <span class="note">有效票不足 {campaign.minValidBallots} 张，不作结论</span>
              ) : s.flags.length === 0 ? (
                <span class="ok">未触及评议规则界限</span>
              ) : (
                <span class="bad">{s.flags.map(ruleConditionText).join('；')}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProgressTable(props: {
  campaign: Campaign;
  results: Results;
  kind: string;
  measures: Measure[];
  now: Date;
}) {
  const subjects = props.results.subjects.filter((s) => s.kind === props.kind);
  const rows = subjects.flatMap((s) =>
    props.measures.filter((m) => m.subject === s.id).map((m) => ({ subject: s.name, m })),
  );
  if (rows.length === 0) return <p class="note">尚未登记整改措施。</p>;
  return (
    <table class="res cards">
      <thead>
        <tr>
          <th scope="col">评议对象</th>
          <th scope="col">整改措施</th>
          <th scope="col">针对</th>
          <th scope="col">完成时限</th>
          <th scope="col">进展</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ subject, m }) => (
          <tr>
            <td class="name">{subject}</td>
            <td data-label="措施">{m.description}</td>
            <td data-label="针对">{PROBLEM_TYPE_LABELS[m.problem.type]}</td>
            <td class="num" data-label="完成时限">
              {m.deadline}
            </td>
            <td data-label="进展">
              {MEASURE_STATUS_LABELS[m.status]}
              {isOverdue(m, props.now, props.campaign.timezone) ? <span class="bad">（已逾期）</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface PublicationView {
  campaign: Campaign;
  publication: Publication;
  results: Results;
  verification: Verification;
  measures: Measure[];
  now: Date;
  /** the public id, for links to the receipts list */
  id: string;
  /** the deployment's base URL: the receipts list's address is printed in full on paper */
  publicUrl: string;
}

export function PublicationPage(v: PublicationView) {
  const zone = v.campaign.timezone;
  const { scope } = v.publication;
  const kinds = v.campaign.subjectKinds.filter((k) => scope.kinds.includes(k.id));
  return (
    <Layout
      title={`${v.campaign.title} 评议结果公示`}
      extraStyles={publicStyles}
      campaign={bandOf(v.campaign)}
    >
      <main class="wrap">
        <h1 class="lead">评议结果公示</h1>
        <PeriodLine publication={v.publication} zone={zone} />
        <p class="meta">计票：{verificationText(v.verification)}</p>
        <p>
          {scope.show === 'rates'
            ? '满意率、不满意率按有效票计算（“不了解”不计入有效票）；综合得分按各评议人类别的权重加权。'
            : '本次公示各评议对象的评议结论：是否触及评议方案规定的界限。'}
        </p>
        {kinds.map((kind) => (
          <section>
            <h2 class="kind">{kind.label}</h2>
            {scope.show === 'rates' ? (
              <RatesTable campaign={v.campaign} results={v.results} kind={kind.id} />
            ) : (
              <VerdictTable campaign={v.campaign} results={v.results} kind={kind.id} />
            )}
            {scope.progress ? (
              <>
                <h3>{kind.label}整改落实情况</h3>
                <ProgressTable
                  campaign={v.campaign}
                  results={v.results}
                  kind={kind.id}
                  measures={v.measures}
                  now={v.now}
                />
              </>
            ) : null}
          </section>
        ))}
        {scope.receipts ? (
          <p class="box">
            核对本人评议表是否计入：<a href={`/g/${v.id}/receipts`}>查询评议回执</a>
            <span class="printonly">（{`${v.publicUrl}/g/${v.id}/receipts`}）</span>
          </p>
        ) : null}
        <p class="hint">
          有效票少于 {v.campaign.minValidBallots}{' '}
          张的评议对象不公示比率与排名。意见建议已转交各评议对象，不予公开。
        </p>
        <footer class="sign">
          {v.campaign.organizer}
          <br />
          {formatTime(v.publication.publishedAt, zone).slice(0, 11)}
        </footer>
      </main>
    </Layout>
  );
}

/** Normalises what a voter types: case, spaces, a missing or misplaced dash. */
export function normalizeReceipt(text: string): string {
  const plain = text.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return plain.length === 10 ? `${plain.slice(0, 5)}-${plain.slice(5)}` : plain;
}

export function ReceiptsPage(props: {
  campaign: Campaign;
  publication: Publication;
  id: string;
  receipts: string[];
  counted: number;
  query?: string;
}) {
  const zone = props.campaign.timezone;
  const wanted = props.query ? normalizeReceipt(props.query) : undefined;
  const found = wanted ? props.receipts.includes(wanted) : false;
  return (
    <Layout
      title={`${props.campaign.title} 评议回执`}
      extraStyles={publicStyles}
      campaign={bandOf(props.campaign)}
    >
      <main class="wrap">
        <h1 class="lead">计入统计的评议回执</h1>
        <PeriodLine publication={props.publication} zone={zone} />
        <p>
          共 {props.receipts.length} 个回执，
          {props.receipts.length === props.counted
            ? `与结束时逐票复核的 ${props.counted} 张评议表一致。`
            : `结束时逐票复核为 ${props.counted} 张。`}
          回执按字母顺序排列，不含评价内容、序号和时间。
        </p>
        <form method="get" action={`/g/${props.id}/receipts`} class="box noprint">
          <label class="field">
            <span>输入提交成功时显示的回执码（如 AB3CD-EF4GH）</span>
            <input type="search" name="q" value={props.query ?? ''} autocomplete="off" maxlength={20} />
          </label>
          <button type="submit">查询</button>
        </form>
        {wanted ? (
          <p class={`box found ${found ? 'ok' : 'bad'}`} role="status">
            {found
              ? `回执 ${wanted} 在清单中：您的评议表已计入统计。`
              : `清单中没有回执 ${wanted}。请核对输入；如确认无误，可向活动办公室反映。`}
          </p>
        ) : null}
        <p class="noprint">
          下载：<a href={`/g/${props.id}/receipts.txt`}>纯文本（.txt）</a> ·{' '}
          <a href={`/g/${props.id}/receipts.csv`}>CSV</a> · <a href={`/g/${props.id}`}>返回公示</a>
        </p>
        <ul class="receipts" aria-label="回执清单">
          {props.receipts.map((r) => (
            <li>{r === wanted ? <mark>{r}</mark> : r}</li>
          ))}
        </ul>
      </main>
    </Layout>
  );
}
