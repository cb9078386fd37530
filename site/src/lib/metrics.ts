// The district metrics the map can colour by, how each is formatted, and the class breaks of the
// choropleth. Shared by the build (first legend, tables) and the browser (metric switch).

import { scaleQuantize, schemeBlues, schemeGreens, schemeOranges, schemePurples } from 'd3';
import type { AppealMetrics } from '../../../etl/aggregates-types.ts';
import type { Formatters } from './format.ts';

export const MAP_METRICS = ['received', 'perThousand', 'medianDaysToFirstAnswer', 'overdueShare', 'resolvedShare'] as const;
export type MapMetric = (typeof MAP_METRICS)[number];

export const DEFAULT_MAP_METRIC: MapMetric = 'received';

export type MetricKind = 'count' | 'rate' | 'days' | 'share';

export const METRIC_KINDS: Record<keyof AppealMetrics, MetricKind> = {
  received: 'count',
  answered: 'count',
  resolved: 'count',
  closedWithoutConfirmation: 'count',
  inProgress: 'count',
  overdue: 'count',
  medianDaysToFirstAnswer: 'days',
  overdueShare: 'share',
  resolvedShare: 'share',
  answeredShare: 'share',
  perThousand: 'rate',
};

/** Number of colour classes on the map. Five stay distinguishable in a sequential scheme. */
export const CLASS_COUNT = 5;

/**
 * Sequential colour schemes from d3-scale-chromatic, one hue per metric so the legend changes
 * visibly. Each takes the darker CLASS_COUNT colours of a scheme one class longer: the lightest
 * colour of a five-class scheme (#eff3ff in blue) has a contrast of about 1.07:1 with the map's
 * grey background, which hid Kronshtadt's island.
 */
const darker = (scheme: readonly (readonly string[])[]) => scheme[CLASS_COUNT + 1].slice(1);
const SCHEMES: Record<MapMetric, readonly string[]> = {
  received: darker(schemeBlues),
  perThousand: darker(schemeBlues),
  medianDaysToFirstAnswer: darker(schemePurples),
  overdueShare: darker(schemeOranges),
  resolvedShare: darker(schemeGreens),
};

export const NO_DATA_COLOR = '#bdbdbd';

export function isMapMetric(value: unknown): value is MapMetric {
  return typeof value === 'string' && (MAP_METRICS as readonly string[]).includes(value);
}

export function formatMetric(value: number | null, kind: MetricKind, formatters: Formatters, noData: string): string {
  if (value === null || !Number.isFinite(value)) return noData;
  switch (kind) {
    case 'count':
      return formatters.integer(value);
    case 'rate':
      return formatters.decimal(value);
    case 'days':
      return formatters.days(value);
    case 'share':
      return formatters.percent(value);
  }
}

export interface ColorClass {
  color: string;
  /** Lower bound, inclusive. */
  from: number;
  /** Upper bound: exclusive, except for the last class, which includes it. */
  to: number;
}

export interface Classification {
  classes: ColorClass[];
  colorOf(value: number | null): string;
}

/** Multipliers of a power of ten that make readable class widths (300, 2.5 %, 40 days…). */
const STEP_MULTIPLIERS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/**
 * Returns the smallest readable class width that lets `CLASS_COUNT` classes, starting at a
 * multiple of the width at or below `min`, reach `max`.
 */
function findClassWidth(min: number, max: number): number {
  const raw = (max - min) / CLASS_COUNT;
  for (let magnitude = 10 ** Math.floor(Math.log10(raw)); ; magnitude *= 10) {
    for (const multiplier of STEP_MULTIPLIERS) {
      const width = multiplier * magnitude;
      if (width >= raw && Math.floor(min / width) * width + CLASS_COUNT * width >= max) return width;
    }
  }
}

/**
 * Splits the values into `CLASS_COUNT` equal-width classes with d3's quantize scale. The domain
 * starts at a multiple of a readable width, so the legend shows round bounds and, unlike d3's
 * `nice()`, leaves no class above the largest value empty when a narrower round width fits.
 */
export function classify(metric: MapMetric, values: readonly (number | null)[]): Classification {
  const colors = SCHEMES[metric];
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  let min = present.length > 0 ? Math.min(...present) : 0;
  let max = present.length > 0 ? Math.max(...present) : 1;
  if (METRIC_KINDS[metric] === 'share') min = Math.max(0, min);
  if (min === max) max = min + (min === 0 ? 1 : Math.abs(min) * 0.1);

  const width = findClassWidth(min, max);
  const start = Math.floor(min / width) * width;
  const bounds = colors.map((_, index) => start + index * width).concat(start + CLASS_COUNT * width);
  const scale = scaleQuantize<string>().domain([bounds[0], bounds[CLASS_COUNT]]).range(colors);
  const classes = colors.map((color, index) => ({ color, from: bounds[index], to: bounds[index + 1] }));

  return {
    classes,
    colorOf: (value) => (value === null || !Number.isFinite(value) ? NO_DATA_COLOR : scale(value)),
  };
}

/** Formats a class's bounds as a range ("1 000–2 000"), using the metric's number style. */
export function formatClassRange(range: ColorClass, kind: MetricKind, locale: string): string {
  const options: Intl.NumberFormatOptions =
    kind === 'share'
      ? { style: 'percent', maximumFractionDigits: 1 }
      : kind === 'days'
        ? { style: 'unit', unit: 'day', unitDisplay: 'short', maximumFractionDigits: 1 }
        : { maximumFractionDigits: kind === 'count' ? 0 : 1 };
  return new Intl.NumberFormat(locale, options).formatRange(range.from, range.to);
}
