// The development set's numbers: one row per image and stroke count, medians per stroke count
// and kind, and the markdown table written beside the contact sheet.

export interface DevsetRow {
  id: string;
  kind: string;
  class: string;
  strokes: number;
  preset: string;
  subject_option: string;
  subject_source: string;
  subject_area: number;
  clutter: number;
  busy: boolean;
  touches_frame: boolean | null;
  iterations: number;
  ms_total: number;
  ink_on_subject_sketch: number | null;
  ink_on_subject_init: number | null;
  ink_on_subject_random: number | null;
  frame_ink_sketch: number;
  frame_ink_init: number;
  frame_ink_random: number;
  doodle_rank_sketch?: number | null;
  doodle_rank_init?: number | null;
  doodle_rank_random?: number | null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const numbers = (rows: DevsetRow[], key: keyof DevsetRow): number[] =>
  rows.map((r) => r[key]).filter((v): v is number => typeof v === 'number');

export interface DevsetSummary {
  strokes: number;
  kind: string;
  images: number;
  median_ink_on_subject: Record<'sketch' | 'init' | 'random', number | null>;
  /** Images whose subject does not touch the frame and whose sketch puts 3 % or more of its ink along it. */
  frame_ink_over_3pct: string[];
  median_doodle_rank: Record<'sketch' | 'init' | 'random', number | null>;
  median_ms: number | null;
}

export function summarize(rows: DevsetRow[], strokeCounts: number[]): DevsetSummary[] {
  const out: DevsetSummary[] = [];
  for (const n of strokeCounts) {
    const atN = rows.filter((r) => r.strokes === n);
    for (const kind of ['composite', 'cutout', 'photo', 'flat', 'all']) {
      const group = kind === 'all' ? atN : atN.filter((r) => r.kind === kind);
      if (group.length === 0) continue;
      const variants = ['sketch', 'init', 'random'] as const;
      out.push({
        strokes: n,
        kind,
        images: group.length,
        median_ink_on_subject: Object.fromEntries(
          variants.map((v) => [v, median(numbers(group, `ink_on_subject_${v}`))]),
        ) as DevsetSummary['median_ink_on_subject'],
        frame_ink_over_3pct: group.filter((r) => r.touches_frame !== true && r.frame_ink_sketch >= 0.03).map((r) => r.id),
        median_doodle_rank: Object.fromEntries(
          variants.map((v) => [v, median(numbers(group, `doodle_rank_${v}`))]),
        ) as DevsetSummary['median_doodle_rank'],
        median_ms: median(numbers(group, 'ms_total')),
      });
    }
  }
  return out;
}

const pct = (v: number | null | undefined): string => (typeof v === 'number' ? `${Math.round(100 * v)} %` : '–');
const num = (v: number | null | undefined): string => (typeof v === 'number' ? String(Math.round(v)) : '–');

export function devsetTable(rows: DevsetRow[], summary: DevsetSummary[]): string {
  const lines = [
    '| strokes | kind | images | ink on subject: sketch (init / random) | frame ink ≥ 3 % (subject off the frame) | DoodleNet median rank: sketch (init / random) | median s |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of summary) {
    const ink = s.median_ink_on_subject,
      rank = s.median_doodle_rank;
    lines.push(
      `| ${s.strokes} | ${s.kind} | ${s.images} | ${pct(ink.sketch)} (${pct(ink.init)} / ${pct(ink.random)}) | ${s.frame_ink_over_3pct.length ? s.frame_ink_over_3pct.join(', ') : 'none'} | ` +
        `${num(rank.sketch)} (${num(rank.init)} / ${num(rank.random)}) | ${s.median_ms === null ? '–' : (s.median_ms / 1000).toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    '| image | kind | class | strokes | subject (area) | ink on subject | frame ink | DoodleNet rank (init / random) |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    lines.push(
      `| ${r.id} | ${r.kind} | ${r.class} | ${r.strokes} | ${r.subject_source} (${pct(r.subject_area)}) | ${pct(r.ink_on_subject_sketch)} | ${pct(r.frame_ink_sketch)} | ` +
        `${num(r.doodle_rank_sketch)} (${num(r.doodle_rank_init)} / ${num(r.doodle_rank_random)}) |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
