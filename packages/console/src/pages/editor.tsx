// The form editor of a campaign definition: every part of it as fields, each validation message next to its field,
// an empty row to add one more of anything, the campaign file's export and import, and links to the ballot preview.
import type { CampaignRecord } from '@pingyi/data';
import type { Access } from '../access.ts';
import type { Editable } from '../editing.ts';
import { type Fields, rowsOf } from '../form-model.ts';
import type { SignedIn } from '../session.ts';
import { CampaignFrame } from './campaigns.tsx';
import { channelLabels } from './labels.ts';
import { CsrfField } from './layout.tsx';

type Issues = Map<string, string[]>;

const idOf = (name: string) => `f-${name.replaceAll('.', '-')}`;
const value = (f: Fields, name: string) => {
  const v = f[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** The messages about one field, tied to it for screen readers. */
function Problem(props: { name: string; issues: Issues }) {
  const messages = props.issues.get(props.name);
  if (!messages?.length) return null;
  return (
    <p class="error-text flush" id={`${idOf(props.name)}-error`} data-field={props.name}>
      {messages.join('；')}
    </p>
  );
}

function described(name: string, issues: Issues) {
  return issues.get(name)?.length
    ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${idOf(name)}-error` }
    : {};
}

/** One labelled field with its messages. `hidden` labels are read by screen readers only (table cells). */
function Input(props: {
  name: string;
  label: string;
  f: Fields;
  issues: Issues;
  type?: string;
  hiddenLabel?: boolean;
  hint?: string;
}) {
  const id = idOf(props.name);
  return (
    <>
      <label for={id} class={props.hiddenLabel ? 'sr-only' : undefined}>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={value(props.f, props.name)}
        {...described(props.name, props.issues)}
      />
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <Problem name={props.name} issues={props.issues} />
    </>
  );
}

function Select(props: {
  name: string;
  label: string;
  f: Fields;
  issues: Issues;
  options: [string, string][];
  hiddenLabel?: boolean;
}) {
  const id = idOf(props.name);
  const current = value(props.f, props.name);
  return (
    <>
      <label for={id} class={props.hiddenLabel ? 'sr-only' : undefined}>
        {props.label}
      </label>
      <select id={id} name={props.name} {...described(props.name, props.issues)}>
        {current && !props.options.some(([v]) => v === current) ? (
          <option value={current}>{current}</option>
        ) : null}
        {props.options.map(([v, text]) => (
          <option value={v} selected={v === current}>
            {text}
          </option>
        ))}
      </select>
      <Problem name={props.name} issues={props.issues} />
    </>
  );
}

const categories: [string, string][] = [
  ['positive', '肯定（满意类）'],
  ['neutral', '中性（一般）'],
  ['negative', '否定（不满意）'],
  ['abstain', '不计入（不了解）'],
];
const metrics: [string, string][] = [
  ['negativeRate', '不满意率'],
  ['neutralOrNegativeRate', '一般及不满意率'],
  ['positiveRate', '满意率'],
];

/** Row indexes to show: every row the fields hold, and one empty row to add another. */
const rows = (f: Fields, prefix: string) => Array.from({ length: rowsOf(f, prefix) + 1 }, (_, i) => i);

export function EditorPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  editable: Editable;
  fields: Fields;
  issues: Issues;
  notice?: string | undefined;
}) {
  const { record, fields: f, issues } = props;
  const base = `/console/campaigns/${record.id}`;
  const scaleIds = rowsOf(f, 'scales')
    ? rows(f, 'scales')
        .map((s) => value(f, `scales.${s}.id`))
        .filter(Boolean)
    : [];
  const scaleOptions: [string, string][] = scaleIds.map((id) => [id, id]);
  const kinds: [string, string][] = rows(f, 'subjectKinds')
    .map((k): [string, string] => [value(f, `subjectKinds.${k}.id`), value(f, `subjectKinds.${k}.label`)])
    .filter(([id]) => id);
  const top = issues.get('') ?? [];
  const count = [...issues.values()].reduce((n, m) => n + m.length, 0);
  const disabled = !props.editable.definition;
  return (
    <CampaignFrame
      signedIn={props.signedIn}
      record={record}
      access={props.access}
      tab="edit"
      notice={props.notice}
    >
      {count ? (
        <div class="notice bad" role="alert" id="editor-problems">
          <p class="flush">有 {count} 处需要修改，未保存。每条说明显示在对应的输入框下方。</p>
          {top.length ? (
            <ul>
              {top.map((m) => (
                <li>{m}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {disabled ? (
        <p class="notice" id="frozen-reason">
          {props.editable.definition ? '' : props.editable.reason}
        </p>
      ) : null}
      <p class="actions flush">
        预览评议表：
        {rows(f, 'groups')
          .filter((g) => value(f, `groups.${g}.id`))
          .map((g) => (
            <a href={`${base}/preview/${value(f, `groups.${g}.id`)}`}>{value(f, `groups.${g}.label`)}</a>
          ))}
        <a class="push" href={`${base}/definition.json`}>
          导出方案文件（JSON）
        </a>
      </p>
      <form method="post" action={`${base}/edit`} id="editor">
        <CsrfField signedIn={props.signedIn} />
        <fieldset disabled={disabled}>
          <legend>基本信息</legend>
          <div class="grid">
            <div>
              <Input name="title" label="活动名称" f={f} issues={issues} />
              <Input name="organizer" label="组织单位" f={f} issues={issues} />
            </div>
            <div>
              <Input
                name="timezone"
                label="时区"
                f={f}
                issues={issues}
                hint="例如 Asia/Shanghai（北京时间）"
              />
              <Input name="opensAt" label="评议开始时间" type="datetime-local" f={f} issues={issues} />
              <Input name="closesAt" label="评议结束时间" type="datetime-local" f={f} issues={issues} />
              <Input
                name="minValidBallots"
                label="计算比率所需的最少有效票"
                type="number"
                f={f}
                issues={issues}
              />
            </div>
          </div>
        </fieldset>

        <h2>评价等级</h2>
        {rows(f, 'scales').map((s) => (
          <fieldset disabled={disabled} id={idOf(`scales.${s}`)}>
            <legend>{value(f, `scales.${s}.id`) || '新的评价等级（填写后保存即添加）'}</legend>
            <Input name={`scales.${s}.id`} label="评价等级 id" f={f} issues={issues} />
            <Problem name={`scales.${s}.options`} issues={issues} />
            <table>
              <thead>
                <tr>
                  <th>选项 id</th>
                  <th>选项文字</th>
                  <th>类别</th>
                  <th>分值</th>
                </tr>
              </thead>
              <tbody>
                {rows(f, `scales.${s}.options`).map((o) => {
                  const p = `scales.${s}.options.${o}`;
                  return (
                    <tr>
                      <td>
                        <Input
                          name={`${p}.id`}
                          label={`等级${s + 1} 选项 ${o + 1} id`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                        />
                      </td>
                      <td>
                        <Input
                          name={`${p}.label`}
                          label={`等级${s + 1} 选项 ${o + 1} 文字`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                        />
                      </td>
                      <td>
                        <Select
                          name={`${p}.category`}
                          label={`等级${s + 1} 选项 ${o + 1} 类别`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                          options={categories}
                        />
                      </td>
                      <td>
                        <Input
                          name={`${p}.score`}
                          label={`等级${s + 1} 选项 ${o + 1} 分值`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </fieldset>
        ))}

        <h2>评议对象类别与评议内容</h2>
        <Problem name="subjectKinds" issues={issues} />
        {rows(f, 'subjectKinds').map((k) => {
          const p = `subjectKinds.${k}`;
          return (
            <fieldset disabled={disabled} id={idOf(p)}>
              <legend>{value(f, `${p}.label`) || '新的评议对象类别（填写后保存即添加）'}</legend>
              <div class="grid">
                <div>
                  <Input name={`${p}.id`} label="类别 id" f={f} issues={issues} />
                </div>
                <div>
                  <Input name={`${p}.label`} label="类别名称" f={f} issues={issues} />
                </div>
                <div>
                  <Input name={`${p}.overall.label`} label="总体评价问题" f={f} issues={issues} />
                </div>
                <div>
                  <Select
                    name={`${p}.overall.scale`}
                    label="总体评价的评价等级"
                    f={f}
                    issues={issues}
                    options={scaleOptions}
                  />
                </div>
              </div>
              <Problem name={`${p}.items`} issues={issues} />
              <table>
                <thead>
                  <tr>
                    <th>评议项目 id</th>
                    <th>评议项目</th>
                    <th>评价等级</th>
                  </tr>
                </thead>
                <tbody>
                  {rows(f, `${p}.items`).map((i) => (
                    <tr>
                      <td>
                        <Input
                          name={`${p}.items.${i}.id`}
                          label={`类别${k + 1} 项目 ${i + 1} id`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                        />
                      </td>
                      <td>
                        <Input
                          name={`${p}.items.${i}.label`}
                          label={`类别${k + 1} 项目 ${i + 1}`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                        />
                      </td>
                      <td>
                        <Select
                          name={`${p}.items.${i}.scale`}
                          label={`类别${k + 1} 项目 ${i + 1} 评价等级`}
                          hiddenLabel
                          f={f}
                          issues={issues}
                          options={scaleOptions}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
          );
        })}

        <h2>评议人类别</h2>
        <Problem name="groups" issues={issues} />
        <fieldset disabled={disabled}>
          <legend>评议人类别、渠道、权重和评价的对象</legend>
          <table>
            <thead>
              <tr>
                <th>id</th>
                <th>名称</th>
                <th>渠道</th>
                <th>权重</th>
                <th>评价的对象类别</th>
              </tr>
            </thead>
            <tbody>
              {rows(f, 'groups').map((g) => {
                const p = `groups.${g}`;
                const chosen = new Set(f[`${p}.evaluates`] ?? []);
                const all = value(f, `${p}.evaluatesAll`) === 'on' || !value(f, `${p}.id`);
                return (
                  <tr>
                    <td>
                      <Input
                        name={`${p}.id`}
                        label={`评议人类别 ${g + 1} id`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                      />
                    </td>
                    <td>
                      <Input
                        name={`${p}.label`}
                        label={`评议人类别 ${g + 1} 名称`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                      />
                    </td>
                    <td>
                      <Select
                        name={`${p}.channel`}
                        label={`评议人类别 ${g + 1} 渠道`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                        options={Object.entries(channelLabels)}
                      />
                    </td>
                    <td>
                      <Input
                        name={`${p}.weight`}
                        label={`评议人类别 ${g + 1} 权重`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                      />
                    </td>
                    <td>
                      <label class="check">
                        <input type="checkbox" name={`${p}.evaluatesAll`} checked={all} /> 全部类别
                      </label>
                      {kinds.map(([id, label]) => (
                        <label class="check">
                          <input
                            type="checkbox"
                            name={`${p}.evaluates`}
                            value={id}
                            checked={!all && chosen.has(id)}
                          />{' '}
                          {label}
                        </label>
                      ))}
                      <Problem name={`${p}.evaluates`} issues={issues} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>

        <h2>最满意和最不满意的事项</h2>
        <fieldset disabled={disabled}>
          <legend>事项（可选）</legend>
          <label class="check">
            <input type="checkbox" name="matters.enabled" checked={value(f, 'matters.enabled') === 'on'} />{' '}
            评议表中请评议人选择事项
          </label>
          <Input name="matters.bestPrompt" label="最满意事项的提问" f={f} issues={issues} />
          <Input name="matters.worstPrompt" label="最不满意事项的提问" f={f} issues={issues} />
          <label for={idOf('matters.options')}>事项（每行一项）</label>
          <textarea
            id={idOf('matters.options')}
            name="matters.options"
            rows={5}
            {...described('matters.options', issues)}
          >
            {value(f, 'matters.options')}
          </textarea>
          <Problem name="matters.options" issues={issues} />
          <label class="check">
            <input
              type="checkbox"
              name="matters.allowOther"
              checked={value(f, 'matters.allowOther') === 'on'}
            />{' '}
            允许填写“其他”
          </label>
          <Input name="matters.maxPicks" label="每问最多选几项" type="number" f={f} issues={issues} />
        </fieldset>

        <h2>结果规则</h2>
        <fieldset disabled={disabled}>
          <legend>规则：比率超过或低于门槛时标记的后果</legend>
          <table>
            <thead>
              <tr>
                <th>对象类别</th>
                <th>比率</th>
                <th>方向</th>
                <th>门槛（分数，如 1/3）</th>
                <th>后果</th>
              </tr>
            </thead>
            <tbody>
              {rows(f, 'rules').map((r) => {
                const p = `rules.${r}`;
                return (
                  <tr>
                    <td>
                      <Select
                        name={`${p}.kind`}
                        label={`规则 ${r + 1} 对象类别`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                        options={kinds}
                      />
                    </td>
                    <td>
                      <Select
                        name={`${p}.metric`}
                        label={`规则 ${r + 1} 比率`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                        options={metrics}
                      />
                    </td>
                    <td>
                      <Select
                        name={`${p}.direction`}
                        label={`规则 ${r + 1} 方向`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                        options={[
                          ['above', '超过'],
                          ['below', '低于'],
                        ]}
                      />
                    </td>
                    <td>
                      <Input
                        name={`${p}.threshold`}
                        label={`规则 ${r + 1} 门槛`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                      />
                    </td>
                    <td>
                      <Input
                        name={`${p}.flag`}
                        label={`规则 ${r + 1} 后果`}
                        hiddenLabel
                        f={f}
                        issues={issues}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
        {disabled ? null : (
          <div class="actions">
            <button type="submit">检查并保存</button>
            <span class="hint">保存前按与接口相同的规则检查；有问题时不保存，并在对应位置说明。</span>
          </div>
        )}
      </form>

      {disabled ? null : (
        <section class="panel">
          <h2>导入方案文件（高级）</h2>
          <form method="post" action={`${base}/edit/import`} enctype="multipart/form-data">
            <CsrfField signedIn={props.signedIn} />
            <label for="definition-file">评议方案文件（JSON），替换上面的全部内容</label>
            <input id="definition-file" name="file" type="file" accept=".json,application/json" required />
            <div class="actions">
              <button type="submit" class="secondary">
                导入并检查
              </button>
            </div>
          </form>
        </section>
      )}
    </CampaignFrame>
  );
}
