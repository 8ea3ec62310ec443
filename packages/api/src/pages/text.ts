// The words of the evaluator pages in Chinese and English. Campaign texts (titles, names, options) stay as written.

export type Lang = 'zh-CN' | 'en';

/**
 * The page language from Accept-Language: English only when the browser ranks an English tag above every
 * Chinese one; Chinese otherwise, and for anything we do not translate.
 */
export function langOf(acceptLanguage: string | undefined): Lang {
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = tag.split('-')[0];
    const lang = primary === 'zh' ? 'zh-CN' : primary === 'en' ? 'en' : undefined;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh-CN';
}

/** `{name}` placeholders: the server fills them for its own pages; the script fills the ones it carries. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));

const zh = {
  group: '评议人类别：{group}',
  intro: '请对下列 {count} 个评议对象逐一作出总体评价（必选）；分项评价和意见建议可以不填。',
  abstain: '选“{labels}”表示不了解情况，不计入有效票。',
  anonymous: '本表不记录您的姓名，评议匿名进行。提交后不能修改。',
  rehearsal: '试运行（测试）：这是正式评议前的演练，现在提交的评议表只作测试，正式评议开始前将全部清除。',
  progress: '已评 {done} / {total}',
  required: '（必选）',
  missingHere: '请选择一项总体评价',
  items: '分项评价（选填，{count} 项）',
  comment: '意见建议（选填）',
  countIdle: '不超过 {max} 字',
  count: '{n} / {max} 字',
  matters: '满意和不满意的事项',
  mattersPick: '（选填，最多 {max} 项）',
  other: '其他（自填，不超过 {max} 字）',
  submit: '提交评议',
  issuesTitle: '还有 {n} 处需要处理：',
  missing: '请对“{name}”作出总体评价',
  sending: '正在提交，请稍候…',
  retrying: '网络不稳定，正在重新提交（第 {n} 次）…不会重复计票。',
  offline: '暂时连不上服务器。您的填写已保存在本机，请检查网络后再点“提交评议”，不会重复计票。',
  resume: '上次提交时网络可能中断了。请再点一次“提交评议”，不会重复计票。',
  tooLarge: '提交的内容过多，请精简意见建议后再提交。',
  successTitle: '提交成功',
  successMessage: '您的评议已成功提交并计入统计。',
  receipt: '回执码（可截图留存）',
  next: '接下来：评议结束后，活动办公室汇总结果，并按规定通报或公示。您现在可以关闭本页面。',
  usedTitle: '该评议码已使用',
  usedMessage: '这个评议码已经投过票了，每个评议码只能使用一次。',
  usedHelp:
    '如果您刚才已经提交、只是页面没有显示结果，说明您的评议已经保存，不用再提交。如果您从没用过这个评议码，请与活动办公室联系。',
  deviceTitle: '本设备已提交过评议',
  deviceMessage: '每台手机只能提交一次评议。感谢您的参与！',
  deviceHelp: '如果您刚才已经提交、只是页面没有显示结果，说明您的评议已经保存，不用再提交。',
  mine: '本机已经成功提交过这张评议表，回执码：',
  notOpenTitle: '评议未开放',
  invalidTitle: '评议码无效',
  invalidMessage: '这个评议码无效。请核对二维码是否完整，或向活动办公室索取新的评议码。',
  rateLimitedTitle: '操作太频繁',
  rateLimitedMessage: '提交太频繁了，请稍等一两分钟再试。',
  tooLargeTitle: '提交内容过多',
  failedTitle: '提交失败',
};

export type Texts = typeof zh;

const en: Texts = {
  group: 'Evaluator group: {group}',
  intro:
    'Please give an overall rating to each of the {count} subjects below (required). Item ratings and comments are optional.',
  abstain: 'Choosing “{labels}” means you do not know enough; it is not counted as a vote.',
  anonymous:
    'Your name is not recorded: the evaluation is anonymous. A ballot cannot be changed once submitted.',
  rehearsal:
    'Rehearsal (test): this is a trial run before the formal evaluation. Ballots submitted now are test data and are deleted before it begins.',
  progress: 'Rated {done} of {total}',
  required: ' (required)',
  missingHere: 'Please choose an overall rating',
  items: 'Item ratings (optional, {count})',
  comment: 'Comments and suggestions (optional)',
  countIdle: 'Up to {max} characters',
  count: '{n} / {max} characters',
  matters: 'Most and least satisfactory matters',
  mattersPick: ' (optional, up to {max})',
  other: 'Other (write your own, up to {max} characters)',
  submit: 'Submit',
  issuesTitle: 'Still to do ({n}):',
  missing: 'Please rate “{name}” overall',
  sending: 'Submitting, please wait…',
  retrying: 'The connection is unstable; submitting again (attempt {n}). Nothing will be counted twice.',
  offline:
    'The server cannot be reached right now. Your answers are saved on this phone: check the connection and tap “Submit” again. Nothing will be counted twice.',
  resume: 'The last submit may have been interrupted. Tap “Submit” once more; nothing will be counted twice.',
  tooLarge: 'Your ballot is too long. Please shorten your comments and submit again.',
  successTitle: 'Submitted',
  successMessage: 'Your ballot has been received and counted.',
  receipt: 'Receipt (you may take a screenshot)',
  next: 'Next: when the evaluation ends, the campaign office compiles the results and announces or publishes them as required. You can close this page now.',
  usedTitle: 'This code has been used',
  usedMessage: 'A ballot has already been submitted with this code. Each code can be used only once.',
  usedHelp:
    'If you have just submitted and the page did not show the result, your ballot was saved: there is no need to submit again. If you never used this code, please contact the campaign office.',
  deviceTitle: 'This phone has already voted',
  deviceMessage: 'Each phone can submit one ballot. Thank you for taking part!',
  deviceHelp:
    'If you have just submitted and the page did not show the result, your ballot was saved: there is no need to submit again.',
  mine: 'This phone submitted this ballot earlier. Receipt:',
  notOpenTitle: 'Voting is not open',
  invalidTitle: 'This code is not valid',
  invalidMessage:
    'This code is not valid. Please check that the QR code is complete, or ask the campaign office for a new one.',
  rateLimitedTitle: 'Too many attempts',
  rateLimitedMessage: 'There have been too many submissions. Please wait a minute or two and try again.',
  tooLargeTitle: 'Ballot too long',
  failedTitle: 'Could not submit',
};

export const texts: Record<Lang, Texts> = { 'zh-CN': zh, en };

/** English only: the Chinese page shows the voting module's own sentence, which says "not yet" or "ended". */
export const notOpenEnglish = 'This evaluation is not open for voting now. Voting period: {window}.';

/** The window as the organizer wrote it (its own UTC offset), for readers of the English page. */
export function formatWindowEn(window: { opensAt: string; closesAt: string }): string {
  return `${formatInstantEn(window.opensAt)} to ${formatInstantEn(window.closesAt)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function formatInstantEn(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!match) return iso;
  const [, year, month, day, hour, minute, offset] = match;
  const zone = offset === 'Z' ? 'UTC' : `UTC${offset?.replace(/:00$/, '').replace(/([+-])0/, '$1')}`;
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}, ${hour}:${minute} (${zone})`;
}
