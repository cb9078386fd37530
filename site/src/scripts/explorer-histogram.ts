// The histogram of creation dates with a brush: bars count the appeals per day under every filter
// but the date range, and dragging across them selects a range of whole days. Drawn with d3
// (scales, axis and d3-brush) into one SVG that is redrawn on each update.

import { axisBottom, axisLeft, brushX, max as maxOf, scaleLinear, scaleUtc, select, type BrushBehavior } from 'd3';
import type { ExplorerConfig } from '../lib/explorer-config.ts';
import { dateToDay, dayToDate } from '../lib/explorer-sql.ts';
import type { Formatters } from '../lib/format.ts';

const DAY_MS = 86_400_000;
const HEIGHT = 180;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 44 };
const BAR_COLOR = '#2f6690';
const SELECTED_COLOR = '#1d4f91';
const OUTSIDE_COLOR = '#b8c4d0';

export interface HistogramController {
  render(bins: readonly { day: number; received: number }[], from: string | null, to: string | null): void;
}

export function setupHistogram(
  container: HTMLElement,
  config: ExplorerConfig,
  formatters: Formatters,
  onRange: (from: string | null, to: string | null) => void,
): HistogramController {
  let lastBins: readonly { day: number; received: number }[] = [];
  let lastFrom: string | null = null;
  let lastTo: string | null = null;
  /** Whole-day range of the snapshot, fixed on the first render so the axis stays put. */
  let domainDays: [number, number] | null = null;

  function draw(): void {
    const width = Math.max(280, container.clientWidth);
    if (domainDays === null && lastBins.length > 0) domainDays = [lastBins[0].day, lastBins[lastBins.length - 1].day + 1];
    const [firstDay, endDay] = domainDays ?? [dateToDay(new Date().toISOString().slice(0, 10)), dateToDay(new Date().toISOString().slice(0, 10)) + 1];

    const x = scaleUtc()
      .domain([new Date(firstDay * DAY_MS), new Date(endDay * DAY_MS)])
      .range([MARGIN.left, width - MARGIN.right]);
    const y = scaleLinear()
      .domain([0, Math.max(1, maxOf(lastBins, (bin) => bin.received) ?? 1)])
      .nice()
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

    const fromDay = lastFrom ? dateToDay(lastFrom) : null;
    const toDay = lastTo ? dateToDay(lastTo) : null;
    const inRange = (day: number) => (fromDay === null || day >= fromDay) && (toDay === null || day <= toDay);
    const hasRange = fromDay !== null || toDay !== null;

    const svg = select(container)
      .selectAll<SVGSVGElement, null>('svg')
      .data([null])
      .join('svg')
      .attr('width', width)
      .attr('height', HEIGHT)
      .attr('viewBox', `0 0 ${width} ${HEIGHT}`)
      .attr('role', 'img')
      .attr('aria-label', config.strings['histogram.label']);
    svg.selectAll('*').remove();

    svg
      .append('g')
      .selectAll('rect')
      .data(lastBins)
      .join('rect')
      .attr('x', (bin) => x(new Date(bin.day * DAY_MS)))
      .attr('width', (bin) => Math.max(1, x(new Date((bin.day + 1) * DAY_MS)) - x(new Date(bin.day * DAY_MS)) - 0.5))
      .attr('y', (bin) => y(bin.received))
      .attr('height', (bin) => y(0) - y(bin.received))
      .attr('fill', (bin) => (!hasRange ? BAR_COLOR : inRange(bin.day) ? SELECTED_COLOR : OUTSIDE_COLOR));

    // Ticks fall on whole days and whole counts only: a period of one day gets one date, and a
    // count of 1 is not split into quarters that the integer format would round to "0, 0, 1".
    const tickCount = Math.max(1, Math.min(Math.floor(width / 90), endDay - firstDay));
    const countTicks = y.ticks(Math.min(4, y.domain()[1])).filter(Number.isInteger);
    svg
      .append('g')
      .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(
        axisBottom(x)
          .ticks(tickCount)
          .tickFormat((value) => formatters.plainDateShort((value as Date).toISOString().slice(0, 10))),
      )
      .attr('font-size', 12);
    svg
      .append('g')
      .attr('transform', `translate(${MARGIN.left},0)`)
      .call(
        axisLeft(y)
          .tickValues(countTicks)
          .tickFormat((value) => formatters.integer(Number(value))),
      )
      .attr('font-size', 12);

    const brush: BrushBehavior<null> = brushX<null>()
      .extent([
        [MARGIN.left, MARGIN.top],
        [width - MARGIN.right, HEIGHT - MARGIN.bottom],
      ])
      .on('end', (event) => {
        if (!event.sourceEvent) return;
        const selection = event.selection as [number, number] | null;
        if (!selection) {
          onRange(null, null);
          return;
        }
        const start = Math.round(x.invert(selection[0]).getTime() / DAY_MS);
        const end = Math.max(start + 1, Math.round(x.invert(selection[1]).getTime() / DAY_MS));
        onRange(dayToDate(Math.max(start, firstDay)), dayToDate(Math.min(end, endDay) - 1));
      });
    const brushGroup = svg.append('g').attr('class', 'histogram__brush').call(brush);
    // The brush's overlay is a pointer surface only; keyboard users have the date fields.
    brushGroup.selectAll('rect').attr('aria-hidden', 'true');
    if (hasRange) {
      const start = x(new Date((fromDay ?? firstDay) * DAY_MS));
      const end = x(new Date(((toDay ?? endDay - 1) + 1) * DAY_MS));
      brushGroup.call(brush.move, [Math.max(MARGIN.left, start), Math.min(width - MARGIN.right, end)]);
    }
  }

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      if (lastBins.length > 0) draw();
    });
  }).observe(container);

  return {
    render(bins, from, to) {
      lastBins = bins;
      lastFrom = from;
      lastTo = to;
      draw();
    },
  };
}
