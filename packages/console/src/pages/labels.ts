// Words the console shows for stored values: roles, statuses, channels, audit actions, and times in the county's zone.
import type { Actor, AuditEntry, Role } from '@pingyi/data';
import { type CampaignStatus, MEASURE_STATUS_LABELS } from '@pingyi/domain';
import { formatTime as formatReportTime } from '@pingyi/reports/columns';

export const roleLabels: Record<Role, string> = {
  admin: '县级管理员',
  organizer: '组织者',
  viewer: '查看者',
};
export const statusLabels: Record<CampaignStatus, string> = {
  draft: '草稿',
  open: '进行中',
  closed: '已结束',
};
export const channelLabels: Record<string, string> = {
  token: '一次性评议码',
  open: '公开链接',
  paper: '纸质录入',
};
export const formatLabels: Record<string, string> = {
  xlsx: 'Excel 报告',
  csv: 'CSV 汇总',
  html: '公示页',
  'raw-csv': '原始评议数据',
};
export const triggerLabels: Record<string, string> = { schedule: '定时', close: '结束时', manual: '手动' };

const actionLabels: Record<string, string> = {
  create: '创建活动',
  open: '开始评议',
  closed: '结束评议',
  reopen: '重新开放',
  edit: '修改方案',
  codes: '生成评议码',
  'codes-void': '作废评议码',
  'paper-batch': '新建书面评议批次',
  'paper-pass': '完成一遍纸质录入',
  'paper-resolve': '处理录入不一致',
  'paper-commit': '计入书面评议批次',
  export: '导出报告',
  download: '下载报告',
  share: '修改共享',
  'account-create': '创建账号',
  'account-update': '修改账号',
  'password-change': '修改密码',
  'link-setup': '签发设置链接',
  'link-reset': '签发重置链接',
  'link-used': '通过链接设置密码',
  login: '登录',
  'login-failed': '登录失败',
  'login-throttled': '登录被限制',
  logout: '退出',
  publish: '发布公示',
  withdraw: '撤回公示',
  'feedback-link': '签发反馈链接',
  'feedback-revoke': '收回反馈链接',
  'measure-add': '新增整改措施',
  'measure-update': '更新整改措施',
};

export const actionLabel = (action: string) => actionLabels[action] ?? action;

export function actorLabel(actor: Actor | undefined): string {
  if (!actor) return '—';
  if (actor.type === 'account') return actor.name;
  if (actor.type === 'client') return `未登录的访问者 ${actor.digest.slice(0, 6)}`;
  if (actor.type === 'feedback') return `反馈链接 ${actor.subject}`;
  return actor.type === 'service' ? '服务凭证（API 令牌）' : '系统（运维命令）';
}

const detailNames: Record<string, string> = {
  title: '标题',
  from: '原状态',
  group: '类别',
  first: '起始序号',
  last: '结束序号',
  reportId: '报告',
  raw: '含原始数据',
  account: '账号',
  role: '角色',
  displayName: '姓名',
  added: '新增',
  removed: '移除',
  reason: '原因',
  format: '格式',
  changed: '变更',
  before: '修改前',
  after: '修改后',
  by: '操作者',
  supersededReports: '被取代的报告',
  publication: '公示',
  kinds: '公示类别',
  show: '公示内容',
  progress: '含整改进展',
  receipts: '含回执清单',
  startsAt: '开始',
  endsAt: '结束',
  subject: '评议对象',
  expiresAt: '有效期至',
  link: '链接',
  measure: '措施编号',
  description: '措施',
  owner: '责任人',
  deadline: '完成时限',
  status: '进展',
};

/** Stored words of the follow-up entries (measure status, what a 公示 shows), as the office says them. */
const valueLabels: Record<string, string> = {
  ...MEASURE_STATUS_LABELS,
  rates: '满意率等比率',
  verdicts: '仅评议结论',
};

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.join('、') : '无';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const change = v as { from?: unknown; to?: unknown } | null;
        return change && typeof change === 'object' && 'from' in change
          ? `${detailNames[k] ?? k}：${show(change.from)} → ${show(change.to)}`
          : `${detailNames[k] ?? k}：${show(v)}`;
      })
      .join('；');
  }
  if (typeof value === 'string' && value in statusLabels) return statusLabels[value as CampaignStatus];
  if (typeof value === 'string' && value in valueLabels) return valueLabels[value] ?? value;
  if (typeof value === 'string' && value in roleLabels) return roleLabels[value as Role];
  return String(value);
}

export const detailText = (entry: AuditEntry) =>
  Object.entries(entry.detail)
    .map(([k, v]) => `${detailNames[k] ?? k}：${show(v)}`)
    .join('；');

/** Times as the office reads them (as the reports print them): China Standard Time unless a campaign says otherwise. */
export const formatTime = (iso: string, timeZone = 'Asia/Shanghai') => formatReportTime(iso, timeZone);

export const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
