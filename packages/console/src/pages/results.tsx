// Results as tables, per subject kind: counts per option, valid ballots, rates, weighted score, rank and rule
// flags, straight from the results API. A subject under the campaign's minimum of valid ballots shows no rates.
import type { Campaign, Results, SubjectResult } from '@pingyi/domain';
import { formatTime, percent } from './labels.ts';

function SubjectRow(props: { subject: SubjectResult; options: string[]; min: number }) {
  const { subject: s } = props;
  const q = s.overall;
  const hidden = s.belowMinimum;
  const rate = (r: number | null) => (hidden ? '—' : percent(r));
  return (
    <tr>
      <td class="num">{hidden || s.rank === null ? '—' : s.rank}</td>
      <td>
        {s.name}
        {s.title || s.unit ? <div class="muted">{[s.title, s.unit].filter(Boolean).join(' · ')}</div> : null}
      </td>
      {props.options.map((o) => (
        <td class="num">{q.counts[o] ?? 0}</td>
      ))}
      <td class="num">{q.valid}</td>
      <td class="num">{rate(q.positiveRate)}</td>
      <td class="num">{rate(q.negativeRate)}</td>
      <td class="num">{rate(q.neutralOrNegativeRate)}</td>
      <td class="num">{hidden || q.weightedScore === null ? '—' : q.weightedScore.toFixed(2)}</td>
      <td>
        {hidden ? <span class="muted">有效票不足 {props.min} 张，不计算比率</span> : null}
        {!hidden && !s.rulesEvaluated ? <span class="muted">无有效票</span> : null}
        {s.flags.map((f) => (
          <div class="flag">{f.flag}</div>
        ))}
      </td>
      <td class="num">{s.comments}</td>
    </tr>
  );
}

export function ResultsTables(props: { campaign: Campaign; results: Results }) {
  const { campaign, results } = props;
  const min = campaign.minValidBallots ?? 5;
  return (
    <>
      {campaign.subjectKinds.map((kind) => {
        const subjects = results.subjects
          .filter((s) => s.kind === kind.id)
          .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));
        if (subjects.length === 0) return null;
        const scale = campaign.scales[kind.overall.scale];
        const options = scale?.options ?? [];
        return (
          <section aria-labelledby={`kind-${kind.id}`}>
            <h3 id={`kind-${kind.id}`}>
              {kind.label}（{kind.overall.label}）
            </h3>
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th class="num">排名</th>
                    <th>评议对象</th>
                    {options.map((o) => (
                      <th class="num">{o.label}</th>
                    ))}
                    <th class="num">有效票</th>
                    <th class="num">满意率</th>
                    <th class="num">不满意率</th>
                    <th class="num">一般及不满意率</th>
                    <th class="num">加权得分</th>
                    <th>规则提示</th>
                    <th class="num">意见条数</th>
                  </tr>
                </thead>
                <tbody>
                  {subjects.map((s) => (
                    <SubjectRow subject={s} options={options.map((o) => o.id)} min={min} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      <p class="hint">
        “不了解”等弃权选项不计入有效票；有效票少于 {min} 张的对象不计算比率和排名。统计时间：
        {formatTime(results.asOf, campaign.timezone)}。
      </p>
      {results.matters.best.length + results.matters.worst.length > 0 ? (
        <div class="grid">
          {(['best', 'worst'] as const).map((side) => (
            <section>
              <h3>{side === 'best' ? '群众最满意的实事' : '群众最不满意的事项'}</h3>
              <table>
                <thead>
                  <tr>
                    <th>事项</th>
                    <th class="num">选择次数</th>
                  </tr>
                </thead>
                <tbody>
                  {results.matters[side].map((m) => (
                    <tr>
                      <td>{m.option}</td>
                      <td class="num">{m.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      ) : null}
    </>
  );
}
