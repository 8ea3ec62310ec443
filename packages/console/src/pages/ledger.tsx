// The code ledger of a campaign: per code group, issued = used + void + unused, from one results read and the
// campaign record; a form to void a lost slip's code and a link to print a replacement.
import type { CampaignRecord } from '@pingyi/data';
import type { SignedIn } from '../session.ts';
import { CampaignFrame, type ResultsAnswer } from './campaigns.tsx';
import { CsrfField } from './layout.tsx';

export interface LedgerRow {
  group: string;
  label: string;
  issued: number;
  used: number;
  void: number;
  unused: number;
  voided: number[];
}

/** Every code group's ledger. Voiding needs an unused code, so used and void never share a serial. */
export function ledgerOf(record: CampaignRecord, results: ResultsAnswer): LedgerRow[] {
  return record.definition.groups
    .filter((g) => g.channel !== 'open')
    .map((g) => {
      const issued = record.issued[g.id] ?? 0;
      const used = results.turnout[g.id]?.ballots ?? 0;
      const voided = record.voided[g.id] ?? [];
      return {
        group: g.id,
        label: g.label,
        issued,
        used,
        void: voided.length,
        unused: issued - used - voided.length,
        voided,
      };
    });
}

export function LedgerPage(props: {
  signedIn: SignedIn;
  record: CampaignRecord;
  rows: LedgerRow[];
  settled: boolean;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { record, rows } = props;
  const closed = record.status === 'closed';
  return (
    <CampaignFrame signedIn={props.signedIn} record={record} access="run" tab="ledger" notice={props.notice}>
      {props.error ? (
        <p class="notice bad" role="alert">
          {props.error}
        </p>
      ) : null}
      <h2>评议码台账</h2>
      <p class="hint">
        发放 = 已使用 + 已作废 + 未使用。已使用按已计入的评议票统计
        {props.settled ? '' : '（实时统计正在更新，数字可能稍后变化）'}。
      </p>
      <table class="ledger">
        <thead>
          <tr>
            <th>评议人类别</th>
            <th class="num">已发放</th>
            <th class="num">已使用</th>
            <th class="num">已作废</th>
            <th class="num">未使用</th>
            <th>作废的序号</th>
            <th>打印</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-group={r.group}>
              <td>{r.label}</td>
              <td class="num" data-cell="issued">
                {r.issued}
              </td>
              <td class="num" data-cell="used">
                {r.used}
              </td>
              <td class="num" data-cell="void">
                {r.void}
              </td>
              <td class="num" data-cell="unused">
                {r.unused}
              </td>
              <td>{r.voided.length ? r.voided.join('、') : '—'}</td>
              <td>
                {closed ? (
                  <span class="muted">活动已结束</span>
                ) : (
                  <a href={`/console/campaigns/${record.id}/slips?group=${r.group}`}>打印评议码…</a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {closed || rows.length === 0 ? null : (
        <section class="panel">
          <h2>作废评议码</h2>
          <p>
            纸条遗失或损坏时，按纸条上的序号作废对应的评议码：它的链接随即显示“评议码已作废”，不能再投票。已经投过票的评议码不能作废。“作废并补发”同时生成一张新的评议码（新序号）供打印，台账的已发放随之加一。
          </p>
          <form method="post" action={`/console/campaigns/${record.id}/ledger/void`} class="inline-form">
            <CsrfField signedIn={props.signedIn} />
            <span>
              <label for="void-group">评议人类别</label>
              <select id="void-group" name="group" required>
                {rows.map((r) => (
                  <option value={r.group}>{r.label}</option>
                ))}
              </select>
            </span>
            <span>
              <label for="void-serial">序号</label>
              <input id="void-serial" name="serial" type="number" min="1" required />
            </span>
            <button type="submit" class="danger">
              作废
            </button>
            <button type="submit" name="reissue" value="1">
              作废并补发
            </button>
          </form>
        </section>
      )}
    </CampaignFrame>
  );
}
