// Build-time charts: Observable Plot renders into a linkedom document in Node and the page embeds
// the SVG markup, so charts show without JavaScript. Each chart is drawn twice, for a wide and a
// narrow column, and CSS shows the one that fits. Text so keeps its size instead of scaling.

import * as Plot from '@observablehq/plot';
import { utcMonth } from 'd3';
import { parseHTML } from 'linkedom';
import type { WeekRow } from '../../../etl/aggregates-types.ts';
import type { Formatters } from './format.ts';

/** Widths in pixels: weekly columns span the page, bar charts share it in two columns. */
const WEEKLY_WIDTHS = { wide: 720, narrow: 340 } as const;
const BAR_WIDTHS = { wide: 520, narrow: 340 } as const;
export type ChartWidth = keyof typeof WEEKLY_WIDTHS;

const BAR_COLOR = '#2f6690';
const FONT_SIZE = 13;

export interface BarRow {
  label: string;
  value: number;
}

/** Creates an empty document for Plot to draw into at build time. */
export function createDocument(): Document {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/**
 * Serialises a Plot chart, labelled for screen readers with the figure's caption. The chart is one
 * image, so the labels Plot gives its groups ("bar", "rule") go: a group without a role may not
 * carry one (axe-core: aria-prohibited-attr), and the figure's table gives the data.
 */
export function toMarkup(chart: SVGSVGElement | HTMLElement, label: string): string {
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', label);
  for (const group of chart.querySelectorAll('g[aria-label]')) group.removeAttribute('aria-label');
  return chart.outerHTML;
}

function parsePlainDate(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/** Draws appeals per week as columns, one per Monday-to-Sunday week. */
export function renderWeeklyChart(rows: readonly WeekRow[], width: ChartWidth, label: string, formatters: Formatters): string {
  const data = rows.map((row) => {
    const start = parsePlainDate(row.week);
    return { start, end: new Date(start.getTime() + 7 * 86_400_000), count: row.count };
  });
  const chart = Plot.plot({
    document: createDocument(),
    width: WEEKLY_WIDTHS[width],
    height: width === 'wide' ? 260 : 220,
    marginLeft: 44,
    style: { fontSize: `${FONT_SIZE}px`, background: 'transparent' },
    x: {
      type: 'utc',
      label: null,
      // Every month fits the wide chart; the narrow one has room for every other month.
      ticks: width === 'wide' ? utcMonth : (utcMonth.every(2) ?? utcMonth),
      tickFormat: (date: Date) => formatters.plainDateShort(date.toISOString().slice(0, 10)),
    },
    y: { grid: true, label: null, tickFormat: (value: number) => formatters.integer(value) },
    marks: [
      Plot.rectY(data, { x1: 'start', x2: 'end', y: 'count', fill: BAR_COLOR, insetLeft: 1, insetRight: 1 }),
      Plot.ruleY([0]),
    ],
  });
  return toMarkup(chart, label);
}

/**
 * Draws horizontal bars with each label above its bar, so long Russian rubric names fit a phone
 * column. Labels longer than the width end in an ellipsis; the table beside has them whole.
 */
export function renderBarChart(rows: readonly BarRow[], width: ChartWidth, label: string, formatters: Formatters): string {
  const pixels = BAR_WIDTHS[width];
  const rowHeight = 40;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const chart = Plot.plot({
    document: createDocument(),
    width: pixels,
    height: rows.length * rowHeight + 8,
    marginLeft: 0,
    marginRight: 0,
    marginTop: 4,
    marginBottom: 4,
    style: { fontSize: `${FONT_SIZE}px`, background: 'transparent' },
    // The extra fifth on the right leaves room for the value after the longest bar.
    x: { axis: null, domain: [0, max * 1.2] },
    y: { axis: null, domain: rows.map((row) => row.label), padding: 0 },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'label', fill: BAR_COLOR, insetTop: 22, insetBottom: 4 }),
      Plot.text(rows, {
        x: 0,
        y: 'label',
        text: 'label',
        textAnchor: 'start',
        dy: -8,
        // Plot measures text in ems with Latin glyph widths; Cyrillic runs wider, hence the margin.
        lineWidth: ((pixels - 8) / FONT_SIZE) * 0.85,
        textOverflow: 'ellipsis',
      }),
      Plot.text(rows, {
        x: 'value',
        y: 'label',
        text: (row: BarRow) => formatters.integer(row.value),
        textAnchor: 'start',
        dx: 4,
        dy: 9,
      }),
    ],
  });
  return toMarkup(chart, label);
}
