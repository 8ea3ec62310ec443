// Paper ballots (书面评议) pages: the batches of a campaign, one batch (its two blind passes, the mismatches side by
// side, the commit), and the keyboard entry form of one pass.
import type { CampaignRecord, PaperBatch } from '@pingyi/data';
import type { PaperField, PaperRatings, PaperRow } from '@pingyi/domain';
import { paperScriptIntegrity, paperScriptPath } from '../paper-assets.ts';
import type { SignedIn } from '../session.ts';
import { CampaignFrame } from './campaigns.tsx';
import { formatTime } from './labels.ts';
import { CsrfField } from './layout.tsx';

const batchStatusLabels: Record<PaperBatch['status'], string> = {
  entering: '录入中',
  committing: '正在计入',
  committed: '已计入',
};

const groupLabel = (record: CampaignRecord, id: string) =>
  record.definition.groups.find((g) => g.id === id)?.label ?? id;

function passText(batch: PaperBatch, pass: '1' | '2', zone: string) {
  const p = batch.passes[pass];
  if (!p.by) return '未开始';
  return p.done ? `${p.by} 已完成（${formatTime(p.done, zone)}）` : `${p.by} 录入中`;
}

const ErrorNotice = (props: { error?: string | undefined }) =>
  props.error ? (
    <p class="notice bad" role="alert">
      {props.error}
    </p>
  ) : null;

const serialList = (serials: number[]) => (serials.length ? serials.join('、') : '无');

export function PaperBatchesPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  batches: PaperBatch[];
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { record } = props;
  const zone = record.definition.timezone;
  const codeGroups = record.definition.groups.filter((g) => g.channel !== 'open');
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="paper" notice={props.notice}>
      <ErrorNotice error={props.error} />
      <h2>书面评议（纸质评议表录入）</h2>
      <p class="hint">
        纸质评议表按批次录入：每批由两个不同的账号各录入一遍（第二遍看不到第一遍），系统逐张核对；两遍不一致的评议表在核对页并排显示，全部处理后本批才能计入。每张纸质评议表使用纸条上序号对应的评议码，与扫码投票相同：同一评议码无论先在网上还是在纸上使用，都只计一次。
      </p>
      <table>
        <thead>
          <tr>
            <th>批次</th>
            <th>评议人类别</th>
            <th>状态</th>
            <th>第一遍录入</th>
            <th>第二遍录入</th>
            <th>结果</th>
          </tr>
        </thead>
        <tbody>
          {props.batches.length === 0 ? (
            <tr>
              <td colspan={6} class="muted">
                还没有书面评议批次
              </td>
            </tr>
          ) : (
            props.batches.map((b) => (
              <tr data-batch={b.id}>
                <td>
                  <a href={`/console/campaigns/${record.id}/paper/${b.id}`}>{b.label || `批次 ${b.id}`}</a>
                </td>
                <td>{groupLabel(record, b.group)}</td>
                <td>{batchStatusLabels[b.status]}</td>
                <td>{passText(b, '1', zone)}</td>
                <td>{passText(b, '2', zone)}</td>
                <td>{b.result ? `计入 ${b.result.cast.length} 张` : '—'}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {record.status === 'open' && codeGroups.length > 0 ? (
        <section class="panel">
          <h2>新建批次</h2>
          <form method="post" action={`/console/campaigns/${record.id}/paper`} class="inline-form">
            <CsrfField signedIn={props.signedIn} />
            <span>
              <label for="batch-group">评议人类别</label>
              <select id="batch-group" name="group" required>
                {codeGroups.map((g) => (
                  <option value={g.id}>{g.label}</option>
                ))}
              </select>
            </span>
            <span>
              <label for="batch-label">批次名称</label>
              <input
                id="batch-label"
                name="label"
                type="text"
                maxlength={40}
                placeholder="如：退休支部 第1袋"
              />
            </span>
            <button type="submit">新建批次</button>
          </form>
        </section>
      ) : (
        <p class="notice">只有进行中的评议活动才能录入纸质评议表。</p>
      )}
    </CampaignFrame>
  );
}

/** An answer as the scale names it, for the side-by-side view. */
function answerText(fields: PaperField[], ratings: PaperRatings | undefined, name: string): string {
  if (!ratings) return '（未录入此序号）';
  const field = fields.find((f) => `${f.subject}.${f.question}` === name);
  const option = field?.options.find((o) => o.id === ratings[field.subject]?.[field.question]);
  return option ? `${option.key} ${option.label}` : '（留空）';
}

export function PaperBatchPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  batch: PaperBatch;
  fields: PaperField[];
  counts: { '1': number; '2': number };
  rows: PaperRow[] | undefined;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { record, batch, rows, fields } = props;
  const base = `/console/campaigns/${record.id}/paper/${batch.id}`;
  const zone = record.definition.timezone;
  const me = props.signedIn.account.name;
  const mismatches = rows?.filter((r) => r.state === 'mismatch') ?? [];
  const counted = rows?.filter((r) => r.state === 'match' || (r.state === 'resolved' && r.ratings)) ?? [];
  const fieldName = (name: string) => {
    const f = fields.find((x) => `${x.subject}.${x.question}` === name);
    return f ? `${f.subjectName} · ${f.questionLabel}` : name;
  };
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="paper" notice={props.notice}>
      <ErrorNotice error={props.error} />
      <p class="flush">
        <a href={`/console/campaigns/${record.id}/paper`}>‹ 全部批次</a>
      </p>
      <h2>
        {batch.label || `批次 ${batch.id}`}（{groupLabel(record, batch.group)}）：
        {batchStatusLabels[batch.status]}
      </h2>
      <table>
        <thead>
          <tr>
            <th>录入</th>
            <th>录入人与状态</th>
            <th class="num">已录入</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {(['1', '2'] as const).map((pass) => {
            const p = batch.passes[pass];
            const other = batch.passes[pass === '1' ? '2' : '1'];
            const mayEnter = batch.status === 'entering' && !p.done && (p.by ?? me) === me && other.by !== me;
            return (
              <tr data-pass={pass}>
                <td>{pass === '1' ? '第一遍' : '第二遍（盲录）'}</td>
                <td>{passText(batch, pass, zone)}</td>
                <td class="num">{props.counts[pass]}</td>
                <td>
                  {mayEnter ? (
                    <a href={`${base}/entry/${pass}`}>{p.by ? '继续录入' : '开始录入'}</a>
                  ) : (
                    <span class="muted">
                      {p.done ? '已完成' : other.by === me ? '您已录入另一遍，须由其他账号录入' : '—'}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {batch.result ? (
        <section class="panel" id="paper-result">
          <h2>计入结果</h2>
          <p>
            {batch.result.by} 于 {formatTime(batch.result.at, zone)} 计入 {batch.result.cast.length} 张。
          </p>
          <p>已计入的序号：{serialList(batch.result.cast)}</p>
          <p class={batch.result.used.length ? 'error-text' : ''}>
            未计入：评议码已使用（已在网上或其他批次投票）的序号：{serialList(batch.result.used)}
          </p>
          <p class={batch.result.refused.length ? 'error-text' : ''}>
            未计入：评议码已作废或未发放的序号：{serialList(batch.result.refused)}
          </p>
        </section>
      ) : null}
      {rows === undefined && !batch.result ? (
        <p class="notice">两遍录入都完成后，这里显示逐张核对的结果。在此之前本批次的评议表都不计入。</p>
      ) : null}
      {rows && !batch.result ? (
        <section>
          <h2>核对</h2>
          <p id="paper-summary">
            两遍一致 {rows.filter((r) => r.state === 'match').length} 张，已处理{' '}
            {rows.filter((r) => r.state === 'resolved').length} 张，待处理的不一致 {mismatches.length} 张。
          </p>
          {mismatches.map((row) =>
            row.state === 'mismatch' ? (
              <section class="panel mismatch" data-serial={row.serial}>
                <h3>序号 {row.serial}：两遍录入不一致</h3>
                <table>
                  <thead>
                    <tr>
                      <th>评议项目</th>
                      <th>第一遍（{batch.passes['1'].by}）</th>
                      <th>第二遍（{batch.passes['2'].by}）</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(row.first && row.second ? row.differs : ['—']).map((name) => (
                      <tr>
                        <td>{name === '—' ? '整张' : fieldName(name)}</td>
                        <td>
                          {name === '—'
                            ? row.first
                              ? '已录入'
                              : '（未录入此序号）'
                            : answerText(fields, row.first, name)}
                        </td>
                        <td>
                          {name === '—'
                            ? row.second
                              ? '已录入'
                              : '（未录入此序号）'
                            : answerText(fields, row.second, name)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <form method="post" action={`${base}/resolve`} class="actions">
                  <CsrfField signedIn={props.signedIn} />
                  <input type="hidden" name="serial" value={String(row.serial)} />
                  {row.first ? (
                    <button type="submit" name="choice" value="1" class="secondary">
                      按纸质表核实：采用第一遍
                    </button>
                  ) : null}
                  {row.second ? (
                    <button type="submit" name="choice" value="2" class="secondary">
                      按纸质表核实：采用第二遍
                    </button>
                  ) : null}
                  <button type="submit" name="choice" value="drop" class="danger">
                    不计入此序号
                  </button>
                </form>
              </section>
            ) : null,
          )}
          <form method="post" action={`${base}/commit`} class="actions">
            <CsrfField signedIn={props.signedIn} />
            <button type="submit" disabled={mismatches.length > 0}>
              计入本批次 {counted.length} 张
            </button>
            {mismatches.length > 0 ? (
              <span class="error-text">还有 {mismatches.length} 张不一致，处理完才能计入</span>
            ) : (
              <span class="hint">计入后录入明细即删除，评议表与网上提交的评议表无法区分。</span>
            )}
          </form>
        </section>
      ) : null}
    </CampaignFrame>
  );
}

/** The keys of each scale used in the form, said once at the top. */
const keyLegend = (fields: PaperField[]) => [
  ...new Set(fields.map((f) => f.options.map((o) => `${o.key} ${o.label}`).join('，'))),
];

export function PaperEntryPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  batch: PaperBatch;
  pass: '1' | '2';
  fields: PaperField[];
  /** this pass's own entries: the serials typed so far */
  serials: number[];
  values: { serial: string; keys: Record<string, string> };
  issues: { field: string; message: string }[];
  notice?: string | undefined;
}) {
  const { record, batch, pass, fields, values } = props;
  const base = `/console/campaigns/${record.id}/paper/${batch.id}`;
  const bySubject = new Map<string, PaperField[]>();
  for (const f of fields) bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f]);
  const invalid = new Set(props.issues.map((i) => i.field));
  let index = 0;
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="paper" notice={props.notice}>
      <script defer src={paperScriptPath} integrity={paperScriptIntegrity} />
      <p class="flush">
        <a href={base}>‹ {batch.label || `批次 ${batch.id}`}</a>
      </p>
      <h2>
        {pass === '1' ? '第一遍录入' : '第二遍录入（盲录）'}：{groupLabel(record, batch.group)}
      </h2>
      {props.issues.length ? (
        <div class="notice bad" role="alert">
          <p class="flush">本张未保存：</p>
          <ul>
            {props.issues.map((i) => (
              <li>{i.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form
        id="paper-entry"
        method="post"
        action={`${base}/entry/${pass}`}
        class="paper-form"
        autocomplete="off"
      >
        <CsrfField signedIn={props.signedIn} />
        <div class="paper-top">
          <span>
            <label for="serial">纸质评议表序号</label>
            <input
              id="serial"
              name="serial"
              type="text"
              inputmode="numeric"
              pattern="[0-9]*"
              maxlength={7}
              required
              autofocus
              value={values.serial}
              {...(invalid.has('serial') ? { 'aria-invalid': 'true' } : {})}
            />
          </span>
          <div class="hint" id="keys-legend">
            <p class="flush">每项按一个数字键，光标自动跳到下一项：{keyLegend(fields).join('；')}。</p>
            <p class="flush">
              分项评价留空按 0（总体评价必须填写）· Backspace 清除本项或退回上一项 · Enter 保存本张 · 序号后按
              Enter 开始录入。
            </p>
          </div>
        </div>
        <div class="paper-grid">
          {[...bySubject.values()].map((subjectFields) => (
            <fieldset class="paper-subject">
              <legend>{subjectFields[0]?.subjectName}</legend>
              {subjectFields.map((f) => {
                index += 1;
                const id = `k${index}`;
                const labels = Object.fromEntries(f.options.map((o) => [`data-label-${o.key}`, o.label]));
                return (
                  <span class={`pf${f.required ? ' overall' : ''}`}>
                    <label for={id}>{f.questionLabel}</label>
                    <input
                      id={id}
                      class="key"
                      name={f.name}
                      type="text"
                      inputmode="numeric"
                      maxlength={1}
                      size={1}
                      value={values.keys[f.name] ?? ''}
                      data-keys={`${f.required ? '' : '0'}${f.options.map((o) => o.key).join('')}`}
                      aria-describedby={`keys-legend ${id}-shown`}
                      {...labels}
                      {...(f.required ? { 'data-required': '', required: true } : {})}
                      {...(invalid.has(f.name) ? { 'aria-invalid': 'true' } : {})}
                    />
                    <output id={`${id}-shown`} for={id}>
                      {f.options.find((o) => o.key === values.keys[f.name])?.label ?? ''}
                    </output>
                  </span>
                );
              })}
            </fieldset>
          ))}
        </div>
        <div class="actions">
          <button id="paper-save" type="submit">
            保存本张（Enter）
          </button>
        </div>
      </form>
      <section class="panel">
        <h2>本遍已录入 {props.serials.length} 张</h2>
        <p>
          {props.serials.length
            ? props.serials.map((s, i) => (
                <>
                  {i > 0 ? '、' : ''}
                  <a href={`${base}/entry/${pass}?serial=${s}`}>{s}</a>
                </>
              ))
            : '尚无'}
        </p>
        <p class="hint">点序号可调出本遍录入的内容修改后再保存。全部录完后：</p>
        <form method="post" action={`${base}/pass/${pass}/done`}>
          <CsrfField signedIn={props.signedIn} />
          <button type="submit" class="secondary" disabled={props.serials.length === 0}>
            本遍录入完成
          </button>
        </form>
      </section>
    </CampaignFrame>
  );
}
