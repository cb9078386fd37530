// Build-time charts of the poll pages, drawn with Observable Plot into a linkedom document like the
// charts in charts.ts: option results as horizontal bars with their 95% intervals, and a running
// count as lines over time. Each chart comes in a wide and a narrow variant.

import * as Plot from '@observablehq/plot';
import { schemeTableau10, utcDay } from 'd3';
import { createDocument, toMarkup, type ChartWidth } from './charts.ts';

const WIDTHS: Record<ChartWidth, number> = { wide: 720, narrow: 340 };
const BAR_COLOR = '#2f6690';
const INTERVAL_COLOR = '#111827';
const MUTED_COLOR = '#4a5563';
const FONT_SIZE = 13;
const DETAIL_FONT_SIZE = 12;

/** Line colours of a running count, in option order. The numbers at the line ends tell repeated colours apart. */
export const SERIES_COLORS: readonly string[] = schemeTableau10;

/** Plot measures text with Latin glyph widths; Cyrillic runs wider, so lines get this fraction. */
function lineWidthInEms(pixels: number, fontSize: number): number {
  return ((pixels - 8) / fontSize) * 0.85;
}

export interface PollBarRow {
  label: string;
  /** Bar length: a share in percent, or a vote count when no share is known. */
  value: number;
  /** 95% interval bounds in the unit of `value`, or null when there is no interval. */
  lower: number | null;
  upper: number | null;
  /** Printed at the end of the bar, e.g. "45,9 %". */
  valueText: string;
  /**
   * Printed under the bar: votes and n, then the interval or why there is none. The wide chart
   * joins them on one line, the narrow one gives each a line.
   */
  details: [string, string];
}

interface PlacedBarRow extends PollBarRow {
  key: string;
  valueEnd: number;
  detailText: string;
}

/**
 * Draws one bar per option, its label above and its n, votes and interval below, so long option
 * texts fit a phone column. Intervals are a line with end ticks across the bar's end.
 */
export function renderPollBars(rows: readonly PollBarRow[], width: ChartWidth, label: string): string {
  const pixels = WIDTHS[width];
  const detailLines = width === 'wide' ? 1 : 2;
  const rowHeight = 64 + (detailLines - 1) * 15;
  const placed: PlacedBarRow[] = rows.map((row, index) => ({
    ...row,
    key: String(index),
    valueEnd: Math.max(row.value, row.upper ?? 0),
    detailText: row.details.filter((part) => part !== '').join(detailLines === 1 ? ' · ' : '\n'),
  }));
  const withInterval = placed.filter((row) => row.lower !== null && row.upper !== null);
  const max = Math.max(1e-9, ...placed.map((row) => row.valueEnd));
  // The domain's extra part leaves room for the value text after the longest bar.
  const domainEnd = max * (width === 'wide' ? 1.15 : 1.3);

  const chart = Plot.plot({
    document: createDocument(),
    width: pixels,
    height: placed.length * rowHeight + 4,
    marginLeft: 0,
    marginRight: 0,
    marginTop: 2,
    marginBottom: 2,
    style: { fontSize: `${FONT_SIZE}px`, background: 'transparent' },
    x: { axis: null, domain: [0, domainEnd] },
    y: { axis: null, domain: placed.map((row) => row.key), padding: 0 },
    marks: [
      Plot.text(placed, {
        x: 0,
        y: 'key',
        text: 'label',
        textAnchor: 'start',
        dy: 9 - rowHeight / 2,
        lineWidth: lineWidthInEms(pixels, FONT_SIZE),
        textOverflow: 'ellipsis',
      }),
      // The bar spans 20 to 40 pixels from the top of its row.
      Plot.barX(placed, { x: 'value', y: 'key', fill: BAR_COLOR, insetTop: 20, insetBottom: rowHeight - 40 }),
      Plot.ruleY(withInterval, { y: 'key', x1: 'lower', x2: 'upper', stroke: INTERVAL_COLOR, strokeWidth: 1.5, dy: 30 - rowHeight / 2 }),
      Plot.tickX(withInterval, { x: 'lower', y: 'key', stroke: INTERVAL_COLOR, strokeWidth: 1.5, insetTop: 23, insetBottom: rowHeight - 37 }),
      Plot.tickX(withInterval, { x: 'upper', y: 'key', stroke: INTERVAL_COLOR, strokeWidth: 1.5, insetTop: 23, insetBottom: rowHeight - 37 }),
      Plot.text(placed, { x: 'valueEnd', y: 'key', text: 'valueText', textAnchor: 'start', dx: 6, dy: 30 - rowHeight / 2, fontWeight: 700 }),
      Plot.text(placed, {
        x: 0,
        y: 'key',
        text: 'detailText',
        textAnchor: 'start',
        lineAnchor: 'top',
        lineHeight: 1.2,
        dy: 44 - rowHeight / 2,
        fill: MUTED_COLOR,
        fontSize: DETAIL_FONT_SIZE,
        lineWidth: lineWidthInEms(pixels, DETAIL_FONT_SIZE),
        textOverflow: 'ellipsis',
      }),
    ],
  });
  return toMarkup(chart, label);
}

export interface RunningCountSeries {
  /** Number printed at the line's end, matching the legend. */
  number: number;
  color: string;
  /** Observations oldest first; `at` is the wall-clock time of the poll's zone, stored as UTC. */
  points: Array<{ at: Date; votes: number }>;
}

export interface LineEnd {
  /** Number printed at the line's end. */
  number: number;
  votes: number;
}

export interface PlacedEndLabel extends LineEnd {
  /** Vertical position of the number, in votes. */
  labelVotes: number;
}

/**
 * Places the line-end numbers in the vertical order of the line ends, at least `gap` apart and
 * between `lower` and `upper` (all in votes). Numbers that would overlap move apart as a group
 * centred on their ends, by the least total squared distance. A number with room stays at its
 * end, and of two equal ends the lower number goes on top.
 */
export function placeEndLabels(ends: readonly LineEnd[], gap: number, lower: number, upper: number): PlacedEndLabel[] {
  const sorted = [...ends].sort((a, b) => a.votes - b.votes || b.number - a.number);
  if (sorted.length === 0) return [];
  const last = sorted.length - 1;
  const step = last > 0 ? Math.min(gap, (upper - lower) / last) : gap;

  // With the i-th label lowered by i steps, "at least one step apart" becomes "not decreasing",
  // and pooling adjacent violators gives the closest non-decreasing sequence.
  const blocks: Array<{ total: number; count: number }> = [];
  sorted.forEach((end, index) => {
    blocks.push({ total: end.votes - index * step, count: 1 });
    while (blocks.length > 1) {
      const top = blocks[blocks.length - 1];
      const below = blocks[blocks.length - 2];
      if (below.total / below.count <= top.total / top.count) break;
      blocks.pop();
      below.total += top.total;
      below.count += top.count;
    }
  });

  const shifted = blocks.flatMap((block) => Array<number>(block.count).fill(block.total / block.count));
  return sorted.map((end, index) => {
    const base = Math.min(Math.max(shifted[index], lower), upper - last * step);
    return { ...end, labelVotes: base + index * step };
  });
}

/**
 * Maximum pause between two observations that a line still crosses. The scraper read the
 * counter every few minutes. After a longer pause the count in between is unknown, so the line
 * breaks there instead of drawing a flat count.
 */
const MAX_OBSERVATION_GAP_MS = 6 * 3_600_000;

/** Lists the pauses longer than MAX_OBSERVATION_GAP_MS of a line: the observations on either side. */
export function observationGaps(line: RunningCountSeries): Array<{ number: number; from: Date; fromVotes: number; to: Date; toVotes: number }> {
  return line.points.flatMap((point, index) => {
    const previous = line.points[index - 1];
    if (!previous || point.at.getTime() - previous.at.getTime() <= MAX_OBSERVATION_GAP_MS) return [];
    return [{ number: line.number, from: previous.at, fromVotes: previous.votes, to: point.at, toVotes: point.votes }];
  });
}

/** Lists a line's points with a missing value in each pause longer than MAX_OBSERVATION_GAP_MS. */
export function withGaps(line: RunningCountSeries): Array<{ at: Date; votes: number; number: number }> {
  const points: Array<{ at: Date; votes: number; number: number }> = [];
  line.points.forEach((point, index) => {
    const previous = line.points[index - 1];
    if (previous && point.at.getTime() - previous.at.getTime() > MAX_OBSERVATION_GAP_MS) {
      points.push({ at: new Date((previous.at.getTime() + point.at.getTime()) / 2), votes: NaN, number: line.number });
    }
    points.push({ ...point, number: line.number });
  });
  return points;
}

/**
 * Draws each option's running count as a step line. Its number sits right of the plot, in the
 * order of the line ends, joined to its line's last observation by a thin leader.
 */
export function renderRunningCount(
  series: readonly RunningCountSeries[],
  width: ChartWidth,
  label: string,
  formatInteger: (value: number) => string,
  formatDay: (date: Date) => string,
): string {
  const pixels = WIDTHS[width];
  const height = width === 'wide' ? 320 : 260;
  const margin = { top: 12, right: 34, bottom: 28, left: 44 };
  const rows = series.flatMap((line) => line.points.map((point) => ({ ...point, number: line.number })));
  const lineRows = series.flatMap((line) => withGaps(line));
  const gaps = series.flatMap((line) => observationGaps(line));
  const ends = series
    .filter((line) => line.points.length > 0)
    .map((line) => ({ number: line.number, at: line.points[line.points.length - 1].at, votes: line.points[line.points.length - 1].votes }));
  const maxVotes = Math.max(1, ...rows.map((row) => row.votes)) * 1.08;
  const votesPerPixel = maxVotes / (height - margin.top - margin.bottom);

  const times = rows.map((row) => row.at.getTime());
  const lastTime = Math.max(...times);
  const firstTime = Math.min(lastTime - 3_600_000, ...times);
  const msPerPixel = (lastTime - firstTime) / (pixels - margin.left - margin.right);
  // The leaders end 10 pixels right of the last observation, in the right margin.
  const labelTime = new Date(lastTime + 10 * msPerPixel);
  const endAt = new Map(ends.map((end) => [end.number, end.at]));
  // 13 pixels: one line of the 13-pixel bold digits.
  const labels = placeEndLabels(ends, 13 * votesPerPixel, 0, maxVotes).map((entry) => ({ ...entry, at: endAt.get(entry.number)!, labelAt: labelTime }));
  const colors = series.map((line) => line.color);
  const numbers = series.map((line) => line.number);

  const chart = Plot.plot({
    document: createDocument(),
    width: pixels,
    height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    style: { fontSize: `${FONT_SIZE}px`, background: 'transparent' },
    x: { type: 'utc', label: null, domain: [new Date(firstTime), new Date(lastTime)], ticks: utcDay, tickFormat: formatDay },
    y: { grid: true, label: null, domain: [0, maxVotes], tickFormat: formatInteger },
    color: { domain: numbers, range: colors },
    marks: [
      Plot.lineY(lineRows, { x: 'at', y: 'votes', z: 'number', stroke: 'number', strokeWidth: 2, curve: 'step-after' }),
      // A pause without observations is bridged by a thin dashed line: the change is known, its path is not.
      Plot.link(gaps, { x1: 'from', y1: 'fromVotes', x2: 'to', y2: 'toVotes', stroke: 'number', strokeWidth: 1, strokeDasharray: '3,3' }),
      Plot.link(labels, { x1: 'at', y1: 'votes', x2: 'labelAt', y2: 'labelVotes', stroke: MUTED_COLOR, strokeWidth: 1 }),
      // Drawn last to first, so that where two ends meet, the lower number's dot lies on top.
      Plot.dot([...ends].reverse(), { x: 'at', y: 'votes', fill: 'number', r: 3 }),
      // Numbers in text colour: some palette colours are too light for text on white.
      Plot.text(labels, { x: 'labelAt', y: 'labelVotes', text: (entry: PlacedEndLabel) => String(entry.number), dx: 3, textAnchor: 'start', fontWeight: 700 }),
    ],
  });
  return toMarkup(chart, label);
}
