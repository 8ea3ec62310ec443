// What may still change in a campaign, and why not: the editing rules the subject import and the editor follow.
import { type CampaignRecord, hasBallots, requireCampaign } from '@pingyi/data';
import type { Campaign } from '@pingyi/domain';
import { requireAccess } from './access.ts';
import type { ConsoleDeps } from './deps.ts';
import { callApi } from './request.ts';
import type { SignedIn } from './session.ts';

export type Editable =
  | { definition: true; subjects: true }
  | { definition: false; subjects: boolean; reason: string };

/**
 * A draft may change freely. Once open, evaluators hold codes and links to a ballot whose questions, scales, groups
 * and rules must stay what they were shown; subjects may still be corrected until the first ballot names them.
 */
export function editable(record: CampaignRecord, ballots: number | 'stored'): Editable {
  // `ballots`: the live count, or 'stored' when that count still lags behind a ballot that is already stored
  if (record.status === 'draft') return { definition: true, subjects: true };
  if (record.status === 'closed')
    return { definition: false, subjects: false, reason: '评议已结束，评议方案和评议对象都不能再修改。' };
  if (ballots === 'stored' || ballots > 0)
    return {
      definition: false,
      subjects: false,
      reason: `评议已开始并已收到${ballots === 'stored' ? '' : ` ${ballots} 张`}评议表：为保证每张评议表评价的内容一致，评议方案和评议对象都不能再修改。`,
    };
  return {
    definition: false,
    subjects: true,
    reason:
      '评议已开始：评议码和公开链接已发出，评议内容、评价等级、评议人类别和规则不能再修改；尚未收到评议表，评议对象仍可更正。',
  };
}

/** A one-line account of a campaign's subjects, for the audit trail's before/after. */
export function subjectsSummary(campaign: Campaign): string {
  const counts = campaign.subjectKinds.map(
    (k) => `${k.label} ${campaign.subjects.filter((s) => s.kind === k.id).length}`,
  );
  return `共 ${campaign.subjects.length} 个（${counts.join('，')}）`;
}

/**
 * A campaign this account runs, with what may still change in it. Whether a ballot exists is asked of the stored
 * ballots (hasBallots), not only of the live count, which follows the stream: a ballot accepted a moment ago must
 * freeze the subjects now. What remains open is the API's campaign cache (CAMPAIGN_CACHE_MS): a ballot validated
 * against the definition of up to that long ago, in flight while the subjects change; see the closing note of the
 * editor issue.
 */
export async function editableCampaign(deps: ConsoleDeps, s: SignedIn, id: string) {
  const record = await requireCampaign(deps.db, id);
  const access = requireAccess(s.account, record, 'run');
  const { ballots } = await callApi<{ ballots: number }>(deps, s, 'GET', `/api/campaigns/${id}/results`);
  const lagging = ballots === 0 && record.status === 'open' && (await hasBallots(deps.db, id));
  return { record, access, rules: editable(record, lagging ? 'stored' : ballots) };
}
export type EditableCampaign = Awaited<ReturnType<typeof editableCampaign>>;
