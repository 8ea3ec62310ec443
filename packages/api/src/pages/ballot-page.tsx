// The ballot page (评议表): one card per subject the voter's group evaluates, the matters, comments; a plain
// form that works without JavaScript, with the words the script needs carried in data attributes.
import {
  type Campaign,
  COMMENT_MAX,
  type Group,
  kindOf,
  OTHER_MAX,
  OVERALL,
  questionsOf,
  type Scale,
  type Subject,
  subjectsFor,
} from '@pingyi/domain';
import type { Issue } from '../errors.ts';
import type { FormValues } from '../form.ts';
import { Layout } from './layout.tsx';
import { SuccessCard } from './message-page.tsx';
import { fill, type Lang, type Texts, texts } from './text.ts';

export interface BallotPageProps {
  campaign: Campaign;
  group: Group;
  action: string;
  submissionId: string;
  lang?: Lang;
  /** the campaign runs as a rehearsal (试运行): the page says its ballots are test data */
  rehearsal?: boolean | undefined;
  /** what the voter had chosen, when the page comes back with issues */
  values?: FormValues;
  issues?: Issue[];
}

interface ShownIssue {
  target: string;
  text: string;
}

/** Issues as the voter reads them: a missing overall rating names its subject in the page's language. */
function shownIssues(issues: Issue[], subjects: Subject[], t: Texts): ShownIssue[] {
  return issues.map((issue) => {
    const [root, subjectId, question] = issue.path.split('.');
    const subject = root === 'answers' ? subjects.find((s) => s.id === subjectId) : undefined;
    if (subject && question === OVERALL) {
      return { target: `s-${subject.id}`, text: fill(t.missing, { name: subject.name }) };
    }
    const target = subject ? `s-${subject.id}` : root === 'matters' ? 'matters' : 'ballot';
    return { target, text: issue.message };
  });
}

/** The labels of "don't know" options (不了解) this ballot offers, to explain that they are not counted. */
function abstainLabels(campaign: Campaign, subjects: Subject[]): string[] {
  const labels = new Set<string>();
  for (const kindId of new Set(subjects.map((s) => s.kind))) {
    for (const q of questionsOf(campaign, kindOf(campaign, kindId))) {
      for (const o of q.scale.options) if (o.category === 'abstain') labels.add(o.label);
    }
  }
  return [...labels];
}

function Options(props: {
  name: string;
  scale: Scale;
  chosen?: string | undefined;
  required?: boolean;
  /** the id of the message that says this answer is missing: set only while it is */
  missing?: string | undefined;
}) {
  return (
    <div class="opts">
      {props.scale.options.map((o) => (
        <label class={o.category === 'abstain' ? 'opt abstain' : 'opt'}>
          <input
            type="radio"
            name={props.name}
            value={o.id}
            required={props.required ?? false}
            checked={props.chosen === o.id}
            aria-invalid={props.missing ? 'true' : undefined}
            aria-describedby={props.missing}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

function SubjectCard(props: {
  campaign: Campaign;
  subject: Subject;
  answer: FormValues['answers'][string] | undefined;
  missing: boolean;
  t: Texts;
}) {
  const { campaign, subject, answer, t } = props;
  const kind = kindOf(campaign, subject.kind);
  const [overall, ...items] = questionsOf(campaign, kind);
  const commentId = `c-${subject.id}`;
  return (
    // tabindex -1: a link of the list of missing answers moves focus here, so a screen reader reads the card
    <section
      class={props.missing ? 'card subject missing' : 'card subject'}
      id={`s-${subject.id}`}
      data-name={subject.name}
      aria-labelledby={`h-${subject.id}`}
      tabindex={-1}
    >
      <h2 id={`h-${subject.id}`}>{subject.name}</h2>
      <p class="sub">{[kind.label, subject.title, subject.unit].filter(Boolean).join(' · ')}</p>
      {overall ? (
        <fieldset class="overall">
          <legend>
            {overall.label}
            <small>{t.required}</small>
          </legend>
          <Options
            name={`a.${subject.id}`}
            scale={overall.scale}
            chosen={answer?.overall}
            required
            missing={props.missing ? `m-${subject.id}` : undefined}
          />
          <p class="miss" id={`m-${subject.id}`}>
            {t.missingHere}
          </p>
        </fieldset>
      ) : null}
      {items.length > 0 ? (
        <details class="items" open={Object.keys(answer?.items ?? {}).length > 0}>
          <summary>{fill(t.items, { count: items.length })}</summary>
          {items.map((q) => (
            <fieldset>
              <legend>{q.label}</legend>
              <Options name={`a.${subject.id}.${q.id}`} scale={q.scale} chosen={answer?.items?.[q.id]} />
            </fieldset>
          ))}
        </details>
      ) : null}
      <div class="field">
        <label for={commentId}>{t.comment}</label>
        <textarea
          id={commentId}
          name={`c.${subject.id}`}
          maxlength={COMMENT_MAX}
          rows={3}
          aria-describedby={`${commentId}-count`}
        >
          {answer?.comment ?? ''}
        </textarea>
        <span class="count" id={`${commentId}-count`}>
          {fill(t.countIdle, { max: COMMENT_MAX })}
        </span>
      </div>
    </section>
  );
}

function MattersCard(props: { matters: NonNullable<Campaign['matters']>; values?: FormValues; t: Texts }) {
  const { matters, values, t } = props;
  return (
    <section class="card" id="matters" aria-labelledby="h-matters" tabindex={-1}>
      <h2 id="h-matters">{t.matters}</h2>
      {(['best', 'worst'] as const).map((side) => {
        const prompt =
          side === 'best'
            ? (matters.bestPrompt ?? '您最满意的事项')
            : (matters.worstPrompt ?? '您最不满意的事项');
        const chosen = (side === 'best' ? values?.best : values?.worst) ?? [];
        const otherName = side === 'best' ? 'otherBest' : 'otherWorst';
        const other = side === 'best' ? values?.otherBest : values?.otherWorst;
        return (
          <fieldset data-max={matters.maxPicks}>
            <legend>
              {prompt}
              <small>{fill(t.mattersPick, { max: matters.maxPicks })}</small>
            </legend>
            {matters.options.length > 0 ? (
              <div class="opts">
                {matters.options.map((option) => (
                  <label class="opt">
                    <input type="checkbox" name={side} value={option} checked={chosen.includes(option)} />
                    <span>{option}</span>
                  </label>
                ))}
              </div>
            ) : null}
            {matters.allowOther ? (
              <div class="field">
                <label for={`o-${side}`}>{fill(t.other, { max: OTHER_MAX })}</label>
                <input
                  type="text"
                  id={`o-${side}`}
                  name={otherName}
                  maxlength={OTHER_MAX}
                  value={other ?? ''}
                />
              </div>
            ) : null}
          </fieldset>
        );
      })}
    </section>
  );
}

export function BallotPage(props: BallotPageProps) {
  const { campaign, group, action, submissionId, values, lang = 'zh-CN' } = props;
  const t = texts[lang];
  const subjects = subjectsFor(campaign, group);
  const issues = shownIssues(props.issues ?? [], subjects, t);
  const missing = new Set(
    (props.issues ?? []).filter((i) => i.path.endsWith(`.${OVERALL}`)).map((i) => i.path.split('.')[1]),
  );
  const answered = subjects.filter((s) => values?.answers[s.id]?.overall).length;
  const abstain = abstainLabels(campaign, subjects);
  const matters = campaign.matters;
  return (
    <Layout title={campaign.title} lang={lang} campaign={campaign} campaignHeading script>
      <main>
        {/* Inside main (every content in a landmark), and in the layout from the start, invisible until the
            script counts: showing it then moves nothing. Without the script it stays an empty band. */}
        <div id="progress" class="progress">
          <span>{fill(t.progress, { done: answered, total: subjects.length })}</span>
          <progress max={subjects.length} value={answered} aria-hidden="true" />
        </div>
        <div class="wrap">
          {props.rehearsal ? (
            <p class="rehearsal" id="rehearsal">
              {t.rehearsal}
            </p>
          ) : null}
          <div class="intro">
            <p class="muted">{fill(t.group, { group: group.label })}</p>
            <p>{fill(t.intro, { count: subjects.length })}</p>
            {abstain.length > 0 ? <p>{fill(t.abstain, { labels: abstain.join('”“') })}</p> : null}
            <p class="muted">{t.anonymous}</p>
          </div>
          <div id="issues" class="issues" role="alert" tabindex={-1} hidden={issues.length === 0}>
            {issues.length > 0 ? (
              <>
                <p>
                  <strong>{fill(t.issuesTitle, { n: issues.length })}</strong>
                </p>
                <ul>
                  {issues.map((issue) => (
                    <li>
                      <a href={`#${issue.target}`}>{issue.text}</a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
          <form
            id="ballot"
            method="post"
            action={action}
            accept-charset="utf-8"
            novalidate
            data-answered={values ? '' : undefined}
            data-t-progress={t.progress}
            data-t-missing={t.missing}
            data-t-issues={t.issuesTitle}
            data-t-count={t.count}
            data-t-sending={t.sending}
            data-t-retrying={t.retrying}
            data-t-offline={t.offline}
            data-t-resume={t.resume}
            data-t-too-large={t.tooLarge}
          >
            <input type="hidden" name="submissionId" value={submissionId} />
            {subjects.map((subject) => (
              <SubjectCard
                campaign={campaign}
                subject={subject}
                answer={values?.answers[subject.id]}
                missing={missing.has(subject.id)}
                t={t}
              />
            ))}
            {matters && (matters.options.length > 0 || matters.allowOther) ? (
              <MattersCard matters={matters} t={t} {...(values ? { values } : {})} />
            ) : null}
            <div class="actions">
              <p id="status" class="status" role="status" />
              <button type="submit">{t.submit}</button>
            </div>
          </form>
          <template id="done-template">
            <SuccessCard lang={lang} receipt="" />
          </template>
        </div>
      </main>
    </Layout>
  );
}
