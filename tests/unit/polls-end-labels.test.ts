import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { readRunningCountCsv } from '../../etl/polls/running-count-csv.ts';
import { FKGS_YAKUTSK_2025 } from '../../etl/polls/sources.ts';
import { observationGaps, placeEndLabels, withGaps, type LineEnd, type PlacedEndLabel } from '../../site/src/lib/poll-charts.ts';

const VOTES_CSV = fileURLToPath(new URL('../../data/polls/fkgs_yakutsk_2025/votes_data.csv', import.meta.url));

/** Reads the real Yakutsk running count as the poll build does. */
function readYakutsk() {
  return readRunningCountCsv(VOTES_CSV, {
    poll: { ...FKGS_YAKUTSK_2025.poll, region: 'yakutsk', source: 'test', source_url: null, licence: null },
    areaKind: 'municipality',
    area: 'Якутск',
    timeZone: 'Asia/Yakutsk',
    optionIds: FKGS_YAKUTSK_2025.optionIds,
  });
}

// The wide running-count chart: 280 plot pixels for 1.08 × 520 votes, numbers 13 pixels apart.
const TOP = 520 * 1.08;
const GAP = (13 * TOP) / 280;

describe('placeEndLabels: Yakutsk final counts, wide chart', () => {
  let ends: LineEnd[];
  let placed: PlacedEndLabel[];
  const label = (number: number) => placed.find((entry) => entry.number === number)!;

  beforeAll(async () => {
    const batch = await readYakutsk();
    // Numbered as on the page: most votes first.
    ends = batch.results
      .map((row) => row.votes!)
      .sort((a, b) => b - a)
      .map((votes, index) => ({ number: index + 1, votes }));
    placed = placeEndLabels(ends, GAP, 0, TOP);
  });

  it('reads the final counts 520, 156, 135, 80, 79, 61, 54, 46', () => {
    expect(ends.map((end) => end.votes)).toEqual([520, 156, 135, 80, 79, 61, 54, 46]);
  });

  it('orders the labels bottom to top as the line ends', () => {
    expect(placed.map((entry) => entry.number)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('keeps each label at least one gap above the one below', () => {
    const steps = placed.slice(1).map((entry, index) => entry.labelVotes - placed[index].labelVotes);
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(GAP - 1e-9);
  });

  it('leaves label 1 at its line end', () => {
    expect(label(1).labelVotes).toBe(520);
  });

  it('centres the crowded labels 2 to 8 on their line ends', () => {
    const shift = placed.filter((entry) => entry.number !== 1).reduce((sum, entry) => sum + entry.labelVotes - entry.votes, 0);
    expect(shift).toBeCloseTo(0, 9);
  });

  it('keeps label 2 within one gap of its line end', () => {
    expect(Math.abs(label(2).labelVotes - 156)).toBeLessThan(GAP);
  });

  it('keeps every label inside the plot', () => {
    expect(placed.every((entry) => entry.labelVotes >= 0 && entry.labelVotes <= TOP)).toBe(true);
  });
});

describe('placeEndLabels: bounds', () => {
  it('lifts a group that would fall below the lower bound onto it', () => {
    const placed = placeEndLabels([{ number: 1, votes: 1 }, { number: 2, votes: 0 }], 10, 0, 100);
    expect(placed.map((entry) => entry.labelVotes)).toEqual([0, 10]);
  });

  it('puts the lower number on top when two ends are equal', () => {
    const placed = placeEndLabels([{ number: 1, votes: 50 }, { number: 2, votes: 50 }], 10, 0, 100);
    expect(placed.map((entry) => entry.number)).toEqual([2, 1]);
  });
});

describe('withGaps: Yakutsk observations', () => {
  let line: ReturnType<typeof withGaps>;
  let gaps: ReturnType<typeof observationGaps>;

  beforeAll(async () => {
    const batch = await readYakutsk();
    const first = batch.observations.filter((observation) => observation.optionId === batch.observations[0].optionId);
    const series = { number: 1, color: '#000000', points: first.map((observation) => ({ at: new Date(observation.at), votes: observation.votes })) };
    line = withGaps(series);
    gaps = observationGaps(series);
  });

  it('breaks the line once, in the four days without observations', () => {
    expect(line.filter((point) => Number.isNaN(point.votes))).toHaveLength(1);
  });

  it('bridges the four days with one dashed link', () => {
    expect(gaps).toHaveLength(1);
  });
});
