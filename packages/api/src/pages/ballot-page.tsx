// The ballot page (评议表): every subject the voter's group evaluates, matters and comments, as a plain form.
import {
  type Campaign,
  COMMENT_MAX,
  type Group,
  kindOf,
  OTHER_MAX,
  questionsOf,
  subjectsFor,
} from '@pingyi/domain';
import type { Issue } from '../errors.ts';
import type { FormValues } from '../form.ts';
import { Layout } from './layout.tsx';

export interface BallotPageProps {
  campaign: Campaign;
  group: Group;
  action: string;
  submissionId: string;
  values?: FormValues;
  issues?: Issue[];
}

export function BallotPage({ campaign, group, action, submissionId, values, issues }: BallotPageProps) {
  const subjects = subjectsFor(campaign, group);
  const matters = campaign.matters;
  return (
    <Layout title={campaign.title}>
      <h1>{campaign.title}</h1>
      <p class="muted">
        {campaign.organizer} · 评议人类别：{group.label}
      </p>
      <p>
        请对下列 {subjects.length}{' '}
        个评议对象逐一作出评价。“不了解”不计入有效票。本表不记录您的姓名，评议匿名进行。
      </p>
      {issues && issues.length > 0 ? (
        <div class="errors" role="alert">
          <strong>还有 {issues.length} 处需要处理：</strong>
          <ul>
            {issues.map((i) => (
              <li>{i.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={action} accept-charset="utf-8">
        <input type="hidden" name="submissionId" value={submissionId} />
        {subjects.map((subject) => {
          const kind = kindOf(campaign, subject.kind);
          const [overall, ...items] = questionsOf(campaign, kind);
          const answer = values?.answers[subject.id];
          return (
            <section class="card" id={`s-${subject.id}`}>
              <h2>{subject.name}</h2>
              <p class="muted">{[kind.label, subject.title, subject.unit].filter(Boolean).join(' · ')}</p>
              {overall ? (
                <fieldset>
                  <legend>{overall.label}（必选）</legend>
                  <div class="options">
                    {overall.scale.options.map((o) => (
                      <label>
                        <input
                          type="radio"
                          name={`a.${subject.id}`}
                          value={o.id}
                          required
                          checked={answer?.overall === o.id}
                        />
                        {o.label}
                      </label>
                    ))}
                  </div>
                </fieldset>
              ) : null}
              {items.length > 0 ? (
                <details open={Object.keys(answer?.items ?? {}).length > 0}>
                  <summary>分项评价（选填，{items.length} 项）</summary>
                  {items.map((q) => (
                    <fieldset>
                      <legend>{q.label}</legend>
                      <div class="options">
                        {q.scale.options.map((o) => (
                          <label>
                            <input
                              type="radio"
                              name={`a.${subject.id}.${q.id}`}
                              value={o.id}
                              checked={answer?.items?.[q.id] === o.id}
                            />
                            {o.label}
                          </label>
                        ))}
                      </div>
                    </fieldset>
                  ))}
                </details>
              ) : null}
              <label>
                意见建议（选填，不超过 {COMMENT_MAX} 字）
                <textarea name={`c.${subject.id}`} maxlength={COMMENT_MAX} rows={2}>
                  {answer?.comment ?? ''}
                </textarea>
              </label>
            </section>
          );
        })}
        {matters && matters.options.length > 0 ? (
          <section class="card">
            {(['best', 'worst'] as const).map((side) => {
              const prompt =
                side === 'best'
                  ? (matters.bestPrompt ?? '您最满意的事项')
                  : (matters.worstPrompt ?? '您最不满意的事项');
              const chosen = side === 'best' ? values?.best : values?.worst;
              const other = side === 'best' ? values?.otherBest : values?.otherWorst;
              return (
                <fieldset>
                  <legend>
                    {prompt}（选填，最多 {matters.maxPicks} 项）
                  </legend>
                  <div class="options">
                    {matters.options.map((option) => (
                      <label>
                        <input
                          type="checkbox"
                          name={side}
                          value={option}
                          checked={chosen?.includes(option) ?? false}
                        />
                        {option}
                      </label>
                    ))}
                  </div>
                  {matters.allowOther ? (
                    <label>
                      其他（自填）
                      <input
                        type="text"
                        name={side === 'best' ? 'otherBest' : 'otherWorst'}
                        maxlength={OTHER_MAX}
                        value={other ?? ''}
                      />
                    </label>
                  ) : null}
                </fieldset>
              );
            })}
          </section>
        ) : null}
        <button type="submit">提交评议</button>
      </form>
    </Layout>
  );
}
