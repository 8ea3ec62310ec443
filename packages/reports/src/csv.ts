// CSV renderings with a UTF-8 BOM, so Excel opens the Chinese without garbling: results, raw ballots, free texts.
import { randomInt } from 'node:crypto';
import type { Campaign, CastBallot, Results } from '@pingyi/domain';
import { kindOf, neutralizeHidden, questionsOf, subjectsFor } from '@pingyi/domain';
import {
  flagText,
  overallOptions,
  percentText,
  REHEARSAL_MARK,
  rankedSubjects,
  scoreText,
} from './columns.ts';

export const BOM = '\uFEFF';

/** Puts `items` in a random order, in place (Fisher–Yates with a cryptographic source), and returns them. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a voter's text as a formula, and hidden
 * characters (bidi overrides, controls) show as marks such as [U+202E] instead of reordering the cell.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? neutralizeHidden(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: (string | number | null | undefined)[]) =>
  `${cells.map(csvCell).join(',')}\r\n`;

/** One row per subject; option columns are the union of the overall scales' labels. */
export function renderResultsCsv(campaign: Campaign, results: Results): string {
  const labels: string[] = [];
  for (const kind of campaign.subjectKinds) {
    for (const o of overallOptions(campaign, kind.id)) if (!labels.includes(o.label)) labels.push(o.label);
  }
  const header = [
    '类别',
    '排名',
    '评议对象编号',
    '评议对象',
    '职务',
    '单位',
    ...labels,
    '有效票',
    '满意率',
    '不满意率',
    '一般及不满意率',
    '加权得分',
    '结果运用提示',
    '意见建议条数',
  ];
  // a rehearsal's every row says it is test data, so no row copied out of the file can pass for a result
  const mark = results.rehearsal ? [REHEARSAL_MARK] : [];
  let out = BOM + csvLine([...(results.rehearsal ? ['数据性质'] : []), ...header]);
  for (const kind of campaign.subjectKinds) {
    const options = overallOptions(campaign, kind.id);
    for (const s of rankedSubjects(results, kind.id)) {
      const counts = labels.map((label) => {
        const option = options.find((o) => o.label === label);
        return option ? (s.overall.counts[option.id] ?? 0) : '';
      });
      out += csvLine([
        ...mark,
        kind.label,
        s.rank ?? '',
        s.id,
        s.name,
        s.title ?? '',
        s.unit ?? '',
        ...counts,
        s.overall.valid,
        percentText(s.overall.positiveRate),
        percentText(s.overall.negativeRate),
        percentText(s.overall.neutralOrNegativeRate),
        scoreText(s.overall.weightedScore),
        flagText(s),
        s.comments,
      ]);
    }
  }
  return out;
}

/**
 * Raw anonymized ballots: a header, then one line per ballot with option labels. No code, serial, key, time,
 * comment or free text: a ballot stores none of them (free texts are a file of their own, freeTextsCsv). Lines come
 * in the order given, numbered as they come (the export shuffles each batch and reads the scan's segments in a
 * random order, so the order is neither the ballots' arrival nor their keys').
 */
export function rawBallotCsv(campaign: Campaign, rehearsal = false) {
  const mark = rehearsal ? [REHEARSAL_MARK] : [];
  const columns = campaign.subjects.flatMap((subject) =>
    questionsOf(campaign, kindOf(campaign, subject.kind)).map((q) => ({
      subject: subject.id,
      question: q.id,
      header: `${subject.name}-${q.label}`,
      labels: new Map(q.scale.options.map((o) => [o.id, o.label])),
    })),
  );
  const groups = new Map(campaign.groups.map((g) => [g.id, g]));
  const header = csvLine([
    ...(rehearsal ? ['数据性质'] : []),
    '序号',
    '评议人类别',
    ...columns.map((c) => c.header),
    '最满意事项',
    '最不满意事项',
  ]);
  let n = 0;
  return {
    header: BOM + header,
    line(ballot: CastBallot): string {
      n += 1;
      const group = groups.get(ballot.group);
      const evaluated = new Set(group ? subjectsFor(campaign, group).map((s) => s.id) : []);
      return csvLine([
        ...mark,
        n,
        group?.label ?? ballot.group,
        ...columns.map((c) => {
          if (!evaluated.has(c.subject)) return '';
          const option = ballot.ratings[c.subject]?.[c.question];
          return option ? (c.labels.get(option) ?? option) : '';
        }),
        ballot.best.join('；'),
        ballot.worst.join('；'),
      ]);
    },
  };
}

/**
 * The free texts (最满意/最不满意事项（自填）) on their own, in random order: never beside a ballot's ratings, group or
 * position; their hidden characters show as marks (csvCell).
 */
export function freeTextsCsv(
  texts: { side: 'otherBest' | 'otherWorst'; text: string }[],
  rehearsal = false,
): string {
  const shuffled = shuffle([...texts]);
  const side = { otherBest: '最满意事项（自填）', otherWorst: '最不满意事项（自填）' } as const;
  const mark = rehearsal ? [REHEARSAL_MARK] : [];
  return (
    BOM +
    csvLine([...(rehearsal ? ['数据性质'] : []), '类别', '内容']) +
    shuffled.map((t) => csvLine([...mark, side[t.side], t.text])).join('')
  );
}
