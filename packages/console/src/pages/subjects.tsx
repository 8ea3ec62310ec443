// The subjects page of a campaign: the list by kind, the template workbook, and the upload with its preview of
// every problem by row (nothing is imported until the file is clean).
import type { CampaignRecord } from '@pingyi/data';
import type { Subject } from '@pingyi/domain';
import type { Access } from '../access.ts';
import type { Editable } from '../editing.ts';
import type { SignedIn } from '../session.ts';
import type { RowProblem } from '../subjects-file.ts';
import { CampaignFrame } from './campaigns.tsx';
import { CsrfField } from './layout.tsx';

/** What the last upload found: its problems, or the subjects it brought in. */
export type UploadOutcome =
  | { file: string; rows: number; problems: RowProblem[] }
  | { file: string; rows: number; imported: true };

function SubjectTable(props: { record: CampaignRecord; subjects: Subject[]; limit: number }) {
  const label = (kind: string) =>
    props.record.definition.subjectKinds.find((k) => k.id === kind)?.label ?? kind;
  return (
    <div class="table-scroll">
      <table id="subject-table">
        <thead>
          <tr>
            <th class="num">序号</th>
            <th>类别</th>
            <th>名称</th>
            <th>职务</th>
            <th>单位</th>
          </tr>
        </thead>
        <tbody>
          {props.subjects.slice(0, props.limit).map((s, i) => (
            <tr>
              <td class="num">{i + 1}</td>
              <td>{label(s.kind)}</td>
              <td>{s.name}</td>
              <td>{s.title ?? ''}</td>
              <td>{s.unit ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SubjectsPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  access: Access;
  editable: Editable;
  outcome?: UploadOutcome | undefined;
}) {
  const { record, outcome } = props;
  const d = record.definition;
  const base = `/console/campaigns/${record.id}/subjects`;
  const LIMIT = 200;
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access={props.access} tab="subjects" script>
      {outcome && 'problems' in outcome ? (
        <section class="notice bad" role="alert" id="import-problems">
          <h2 class="flush">
            “{outcome.file}”有 {outcome.problems.length} 处问题，未导入任何评议对象
          </h2>
          <p>请在表格中改正以下各行后重新上传。行号与 Excel 中显示的一致（第 1 行是表头）。</p>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th class="num">行号</th>
                  <th>问题</th>
                </tr>
              </thead>
              <tbody>
                {outcome.problems.slice(0, 500).map((p) => (
                  <tr>
                    <td class="num">{p.row || '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {outcome.problems.length > 500 ? <p>仅显示前 500 处问题。</p> : null}
        </section>
      ) : null}
      {outcome && 'imported' in outcome ? (
        <p class="notice ok" role="status" id="import-done">
          已从“{outcome.file}”导入 {outcome.rows} 个评议对象，原有名单已被替换。修改已记入操作记录。
        </p>
      ) : null}
      {props.editable.definition ? null : (
        <p class="notice" id="frozen-reason">
          {props.editable.reason}
        </p>
      )}
      <div class="grid">
        <section class="panel">
          <h2>从 Excel 导入评议对象</h2>
          <ol>
            <li>
              <a href={`${base}/template.xlsx`} download>
                下载模板（Excel）
              </a>
              ：列为 类别、名称、职务、单位、排序；“类别”可从下拉列表选择。已有的评议对象已填入模板。
            </li>
            <li>
              填写后上传 .xlsx 或 .csv 文件。导入会替换现有名单；文件有任何问题时不导入，并逐行列出问题。
            </li>
          </ol>
          {props.editable.subjects ? (
            <form method="post" action={base} enctype="multipart/form-data" data-upload="import-progress">
              <CsrfField signedIn={props.signedIn} />
              <label for="subjects-file">评议对象名单（.xlsx 或 .csv，最多 2000 行）</label>
              <input
                id="subjects-file"
                name="file"
                type="file"
                required
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              />
              <div class="actions">
                <button type="submit">检查并导入</button>
              </div>
              <p id="import-progress" role="status" hidden>
                <progress max="100" aria-label="导入进度" /> <span />
              </p>
            </form>
          ) : (
            <p class="muted">评议对象已不能修改。</p>
          )}
        </section>
        <section class="panel">
          <h2>当前评议对象</h2>
          <p id="subject-counts">
            共 {d.subjects.length} 个：
            {d.subjectKinds
              .map((k) => `${k.label} ${d.subjects.filter((s) => s.kind === k.id).length} 个`)
              .join('，')}
          </p>
        </section>
      </div>
      <SubjectTable record={record} subjects={d.subjects} limit={LIMIT} />
      {d.subjects.length > LIMIT ? <p class="hint">仅显示前 {LIMIT} 个；完整名单请下载模板查看。</p> : null}
    </CampaignFrame>
  );
}
