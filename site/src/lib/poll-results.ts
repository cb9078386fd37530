// The figures of one area of a poll as the pages print them: the bar chart's rows and the text of
// n, share and interval for each option. Shares come from resultShare, so a poll of unknown
// choice type never shows one.

import { translate, type Locale } from './i18n.ts';
import type { PollFormatters } from './poll-format.ts';
import type { PollBarRow } from './poll-charts.ts';
import { areaLabel, areaParticipants, resultShare, type AreaLeader, type AreaSummary, type PollSummary, type ResultSummary } from './polls.ts';

/** Quantity that the bars of an area show: shares when every option has one, else votes when every option has them. */
export type BarMeasure = 'share' | 'votes';

export function chooseBarMeasure(poll: PollSummary, area: AreaSummary): BarMeasure {
  const everyShare = area.results.every((result) => resultShare(poll, result) !== null);
  const everyVote = area.results.every((result) => result.votes !== null);
  return !everyShare && everyVote ? 'votes' : 'share';
}

/** Returns "n = 86 824", the source's wording of n, or "n unknown". */
export function describeParticipants(poll: PollSummary, area: AreaSummary, locale: Locale, formatters: PollFormatters): string {
  const { exact, asGiven } = areaParticipants(poll, area);
  if (exact !== null) return translate(locale, 'polls.bar.n', { n: formatters.integer(exact) });
  if (asGiven !== null) return translate(locale, 'polls.bar.nAsGiven', { text: asGiven });
  return translate(locale, 'polls.bar.nUnknown');
}

/** Returns an area's n for a table cell: the count, the source's wording in quotes, or `noData`. */
export function formatAreaParticipants(poll: PollSummary, area: AreaSummary, formatters: PollFormatters, noData: string): string {
  const { exact, asGiven } = areaParticipants(poll, area);
  if (exact !== null) return formatters.integer(exact);
  return asGiven !== null ? `«${asGiven}»` : noData;
}

/** Returns the leader's margin in percentage points, else in votes, else "no data". */
export function describeMargin(leader: AreaLeader, locale: Locale, formatters: PollFormatters): string {
  if (leader.marginPoints !== null) return formatters.percentagePoints(leader.marginPoints);
  if (leader.marginVotes !== null) return translate(locale, 'polls.marginVotes', { value: formatters.integer(leader.marginVotes) });
  return translate(locale, 'noData');
}

/** Returns the interval as "95 % ДИ 45,6–46,2 %", or the short reason why there is none. */
export function describeInterval(result: ResultSummary, locale: Locale, formatters: PollFormatters): string {
  if (result.interval) {
    return translate(locale, 'polls.bar.interval', { range: formatters.intervalRange(result.interval.lowerPercent, result.interval.upperPercent) });
  }
  const reason = result.intervalReason === 'shown' ? 'no_participants' : result.intervalReason;
  return translate(locale, `polls.intervalShort.${reason}`);
}

export function buildBarRows(poll: PollSummary, area: AreaSummary, locale: Locale, formatters: PollFormatters): PollBarRow[] {
  const measure = chooseBarMeasure(poll, area);
  const participants = describeParticipants(poll, area, locale, formatters);
  const noData = translate(locale, 'noData');

  return area.results.map((result) => {
    const share = resultShare(poll, result);
    const counts: string[] = [];
    if (measure === 'share' && result.votes !== null) counts.push(translate(locale, 'polls.bar.votes', { votes: formatters.integer(result.votes) }));
    if (share?.basis === 'given') counts.push(translate(locale, 'polls.bar.shareAsGiven'));
    counts.push(participants);
    const details: [string, string] = [counts.join(' · '), describeInterval(result, locale, formatters)];

    const label = result.optionText ?? result.optionId ?? '';
    if (measure === 'votes') {
      return { label, value: result.votes ?? 0, lower: null, upper: null, valueText: formatters.integer(result.votes ?? 0), details };
    }
    const interval = share?.basis === 'participants' ? result.interval : null;
    return {
      label,
      value: share?.percent ?? 0,
      lower: interval?.lowerPercent ?? null,
      upper: interval?.upperPercent ?? null,
      valueText: share ? formatters.share(share) : noData,
      details,
    };
  });
}

/** Returns whether every option has points and the options come most points first. */
export function inPointsOrder(area: AreaSummary): boolean {
  const points = area.results.map((result) => result.points);
  return points.length > 1 && points.every((value, index) => value !== null && (index === 0 || points[index - 1]! >= value));
}

/**
 * Returns the chart caption: shares (of houses where the unit is a house) or votes, and the area.
 * When the bars are in points order and their lengths do not fall steadily, the caption adds
 * that the order is by points.
 */
export function barChartCaption(poll: PollSummary, area: AreaSummary, locale: Locale): string {
  const name = areaLabel(poll, area, locale);
  const measure = chooseBarMeasure(poll, area);
  const caption =
    measure === 'votes'
      ? translate(locale, 'polls.chart.votes', { area: name })
      : translate(locale, poll.unit === 'houses' ? 'polls.chart.sharesHouses' : 'polls.chart.shares', { area: name });
  const lengths = area.results.map((result) => (measure === 'votes' ? result.votes ?? 0 : resultShare(poll, result)?.percent ?? 0));
  const lengthsFall = lengths.every((value, index) => index === 0 || lengths[index - 1] >= value);
  if (lengthsFall || !inPointsOrder(area)) return caption;
  return `${caption}. ${translate(locale, measure === 'votes' ? 'polls.chart.pointsOrderVotes' : 'polls.chart.pointsOrderShares')}`;
}
