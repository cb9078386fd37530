// The data island of a poll's okrug map: what the build hands to scripts/poll-map.ts as JSON, with
// each drawn okrug's colour and tooltip text already worked out, and the margin classes of the legend.

import { schemeBlues } from 'd3';
import { findLabelPoint, type Position } from './geometry.ts';
import { translate, type Locale } from './i18n.ts';
import type { PollFormatters } from './poll-format.ts';
import { describeMargin } from './poll-results.ts';
import { areaLabel, areaParticipants, findAreaLeader, type OkrugFeature, type PollData, type PollSummary } from './polls.ts';

export interface PollMapArea {
  /** `okrug_number` of the feature, the join key. */
  id: number;
  label: string;
  color: string;
  /** Tooltip lines: okrug, leader with share, margin with n. */
  lines: string[];
  labelPoint: Position;
}

export interface PollMapData {
  locale: Locale;
  geojsonUrl: string;
  /** [west, south, east, north] of the drawn okrugs, in degrees. */
  bounds: [number, number, number, number];
  areas: PollMapArea[];
  strings: {
    mapLabel: string;
    attribution: string;
    cooperativeGestures: string;
    zoomIn: string;
    zoomOut: string;
    toggleAttribution: string;
  };
}

export interface MarginClass {
  from: number;
  to: number;
  color: string;
}

export const NO_MARGIN_COLOR = '#bdbdbd';

/**
 * Splits margins in percentage points into at most seven classes 5, 10, 20 or 25 points wide, the
 * narrowest that fits. Each class includes its lower bound. The first class starts at the
 * multiple of the width at or below the smallest margin, and the last contains the largest.
 */
export function classifyMargins(margins: readonly number[]): MarginClass[] {
  if (margins.length === 0) return [];
  const min = Math.min(...margins);
  const max = Math.max(...margins);
  const classCount = (step: number) => Math.floor((max - Math.floor(min / step) * step) / step) + 1;
  const step = [5, 10, 20].find((candidate) => classCount(candidate) <= 7) ?? 25;
  const start = Math.floor(min / step) * step;
  const count = classCount(step);
  const palette = schemeBlues[Math.max(3, Math.min(9, count + 1))];
  // The palette's lightest colour is nearly white, so the classes take the darker ones.
  const colors = palette.slice(palette.length - count);
  return Array.from({ length: count }, (_, index) => ({ from: start + index * step, to: start + (index + 1) * step, color: colors[index] }));
}

export function marginColor(classes: readonly MarginClass[], margin: number | null): string {
  if (margin === null) return NO_MARGIN_COLOR;
  return classes.find((range) => margin >= range.from && margin < range.to)?.color ?? classes[classes.length - 1]?.color ?? NO_MARGIN_COLOR;
}

/** Returns the drawn features, the okrugs whose geometry is missing, and the margin classes. */
export function splitOkrugs(polls: PollData, poll: PollSummary) {
  const numbers = new Set(poll.areas.filter((area) => area.kind === 'okrug').map((area) => Number(area.name)));
  const features = polls.okrugs.features.filter((feature) => numbers.has(feature.properties.okrug_number));
  const drawn = features.filter((feature): feature is OkrugFeature & { geometry: NonNullable<OkrugFeature['geometry']> } => feature.geometry !== null);
  const undrawn = features.filter((feature) => feature.geometry === null);
  const drawnNumbers = new Set(drawn.map((feature) => String(feature.properties.okrug_number)));
  const margins = poll.areas
    .filter((area) => drawnNumbers.has(area.name))
    .map((area) => findAreaLeader(poll, area)?.marginPoints ?? null)
    .filter((margin): margin is number => margin !== null);
  return { drawn, undrawn, classes: classifyMargins(margins) };
}

function computeBounds(features: ReadonlyArray<{ geometry: NonNullable<OkrugFeature['geometry']> }>): [number, number, number, number] {
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { geometry } of features) {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const [x, y] of polygons.flat(2)) {
      bounds[0] = Math.min(bounds[0], x);
      bounds[1] = Math.min(bounds[1], y);
      bounds[2] = Math.max(bounds[2], x);
      bounds[3] = Math.max(bounds[3], y);
    }
  }
  return bounds;
}

export function buildPollMapData(polls: PollData, poll: PollSummary, locale: Locale, formatters: PollFormatters): PollMapData {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(locale, key, params);
  const { drawn, classes } = splitOkrugs(polls, poll);
  const areasByNumber = new Map(poll.areas.filter((area) => area.kind === 'okrug').map((area) => [Number(area.name), area]));

  const areas = drawn.flatMap((feature): PollMapArea[] => {
    const area = areasByNumber.get(feature.properties.okrug_number);
    if (!area) return [];
    const leader = findAreaLeader(poll, area);
    const { exact } = areaParticipants(poll, area);
    const lines = [areaLabel(poll, area, locale)];
    if (leader) {
      const names = leader.leaders.map((result) => result.optionText ?? result.optionId ?? '').join(', ');
      const share = leader.leaderShare ? formatters.share(leader.leaderShare) : t('noData');
      lines.push(leader.leaders.length > 1 ? t('polls.tie', { options: names }) : t('polls.map.tooltipLeader', { leader: names, share }));
      const n = exact === null ? t('noData') : formatters.integer(exact);
      lines.push(t('polls.map.tooltipMargin', { margin: describeMargin(leader, locale, formatters), n }));
    }
    return [
      {
        id: feature.properties.okrug_number,
        label: String(feature.properties.okrug_number),
        color: marginColor(classes, leader?.marginPoints ?? null),
        lines,
        labelPoint: findLabelPoint(feature.geometry),
      },
    ];
  });

  return {
    locale,
    geojsonUrl: `${import.meta.env.BASE_URL.replace(/\/$/, '')}${polls.okrugLayerPath}`,
    bounds: computeBounds(drawn),
    areas,
    strings: {
      mapLabel: t('polls.map.label'),
      attribution: `${t('map.attribution')}, ODbL 1.0`,
      cooperativeGestures: t('map.cooperativeGestures'),
      zoomIn: t('map.zoomIn'),
      zoomOut: t('map.zoomOut'),
      toggleAttribution: t('map.toggleAttribution'),
    },
  };
}
