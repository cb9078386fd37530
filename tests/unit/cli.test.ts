import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

import { main } from '../../etl/cli.ts';
import { CONFIG_PATH, ROOT, SPB_SLICE } from '../helpers/fixtures.ts';

const KURSK_EXPORT = join(ROOT, 'tests/fixtures/table/kursk-converted-cp1251-semicolon.csv');
const KURSK_MAPPING = join(ROOT, 'etl/mappings/kursk-messages.json');
const NYC_MAPPING = join(ROOT, 'etl/mappings/nyc-311.json');
const NYC_EXPORT = join(ROOT, 'tests/fixtures/table/nyc-311-converted-cp1251-semicolon.csv');

async function runCli(args: string[]) {
  const output: string[] = [];
  const errors: string[] = [];
  const code = await main(
    args,
    (line) => {
      output.push(line);
    },
    (line) => {
      errors.push(line);
    },
  );
  return { code, output: output.join('\n'), errors: errors.join('\n') };
}

/** Temporary folders of this file, removed after its tests. */
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

function writeTemporary(name: string, text: string): string {
  const path = join(temporaryFolder('open-district-cli-'), name);
  writeFileSync(path, text);
  return path;
}

describe('etl check', () => {
  test('prints a JSON summary of the slice', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    const summary = JSON.parse(output);
    expect([summary.read, summary.accepted, summary.rejected]).toEqual([2000, 2000, 0]);
  });

  test('reports the metrics', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    const { metrics } = JSON.parse(output);
    expect([metrics.answered, metrics.overdue, Math.round(metrics.medianDaysToFirstAnswer * 10) / 10]).toEqual([1981, 349, 8.7]);
  });

  test('reports accepted appeals per district', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    expect(JSON.parse(output).districts['Кронштадтский']).toBe(6);
  });

  test('reports the period', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    expect(JSON.parse(output).period).toEqual({ from: '2020-10-18T11:50:40.817Z', to: '2021-04-01T14:11:06.209Z' });
  });

  test('exits 0 on a clean file', async () => {
    const { code } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    expect(code).toBe(0);
  });

  test('exits 5 and counts reasons when rows are rejected', async () => {
    const lines = readFileSync(SPB_SLICE, 'utf8').split('\n').slice(0, 3);
    const path = writeTemporary('broken.jsonl', [lines[0], '{"id": 1, "feed": [', lines[1], lines[1]].join('\n'));
    const { code, output } = await runCli(['check', path, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    const summary = JSON.parse(output);
    expect([code, summary.reasons, summary.duplicates]).toEqual([5, { invalid_json: 1 }, 1]);
  });

  test('names the other regions when none is chosen', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--config', CONFIG_PATH]);
    expect(output).toContain('other regions: moscow, khabarovsk-krai; choose one with --region');
  });

  test('names every gap of a mapping before the rows', async () => {
    const { errors } = await runCli(['check', KURSK_EXPORT, '--format', 'table', '--mapping', KURSK_MAPPING]);
    expect(errors.match(/so every row will be rejected \((missing_created_at|missing_status)\)/g)).toEqual([
      'so every row will be rejected (missing_created_at)',
      'so every row will be rejected (missing_status)',
    ]);
  });

  test('warns when the mapping bounds miss the region', async () => {
    const { errors } = await runCli(['check', NYC_EXPORT, '--format', 'table', '--mapping', NYC_MAPPING, '--region', 'moscow']);
    expect(errors).toContain('the bounds of nyc-311.json do not overlap region moscow');
  });

  test('explains an unknown option in Russian', async () => {
    const { errors } = await runCli(['check', SPB_SLICE, '--regoin', 'spb']);
    expect(errors).toContain('✖ Неизвестный параметр «--regoin»');
  });

  test('answers an unknown option in JSON with --json', async () => {
    const { output } = await runCli(['check', SPB_SLICE, '--regoin', 'spb', '--json']);
    expect(JSON.parse(output).error.exitCode).toBe(2);
  });

  test('names the row and field of a reject', async () => {
    const path = writeTemporary('broken.jsonl', '{"id": 1, "feed": [\n');
    const { output } = await runCli(['check', path, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    expect(JSON.parse(output).examples[0]).toMatchObject({ row: 1, field: '(record)', reason: 'invalid_json' });
  });

  test('exits 4 when no row is accepted', async () => {
    const path = writeTemporary('broken.jsonl', 'not json\n');
    const { code } = await runCli(['check', path, '--format', 'spb-portal', '--json', '--config', CONFIG_PATH]);
    expect(code).toBe(4);
  });

  test('exits 4 on a missing file', async () => {
    const { code, errors } = await runCli(['check', '/nonexistent/file.jsonl', '--format', 'spb-portal', '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([4, expect.stringContaining('File not found: /nonexistent/file.jsonl')]);
  });

  test('exits 2 on an unknown format', async () => {
    const { code } = await runCli(['check', SPB_SLICE, '--format', 'excel', '--config', CONFIG_PATH]);
    expect(code).toBe(2);
  });

  test('refuses --now, which check does not use', async () => {
    const { code, errors } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--now', '2021-01-01T00:00:00Z', '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('--now is not used by check: only run and publish take it')]);
  });

  test('rejects --dry-run on run', async () => {
    const { code, errors } = await runCli(['run', '--dry-run', '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('--dry-run is not used by run: only publish takes it')]);
  });

  test('rejects --format on run', async () => {
    const { code, errors } = await runCli(['run', '--format', 'table', '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('--format is not used by run: only check takes it')]);
  });

  test('rejects --services outside open311', async () => {
    const { code, errors } = await runCli(['check', SPB_SLICE, '--format', 'spb-portal', '--services', SPB_SLICE, '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('--services is only for --format open311')]);
  });

  test('suggests the option a typo meant', async () => {
    const { code, errors } = await runCli(['run', '--confg', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('Unknown option "--confg"; did you mean --config?')]);
  });

  test('prints help on stdout', async () => {
    const { code, output } = await runCli(['help']);
    expect([code, output]).toEqual([0, expect.stringContaining('npm run etl -- check FILE')]);
  });

  test('stops when npm took --dry-run', async () => {
    process.env.npm_config_dry_run = 'true';
    try {
      const { code, errors } = await runCli(['publish', '--config', CONFIG_PATH]);
      expect([code, errors]).toEqual([2, expect.stringContaining('npm took --dry-run as its own option')]);
    } finally {
      delete process.env.npm_config_dry_run;
    }
  });

  test('takes the mapping of the configured source that lists the file', async () => {
    const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));
    const portal = config.sources.find((source: { format: string }) => source.format === 'spb-portal');
    const exportFile = join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv');
    config.sources.push({ ...portal, id: 'spb-export', format: 'table', files: [exportFile], mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') });
    const { code, output } = await runCli(['check', exportFile, '--format', 'table', '--json', '--config', writeTemporary('config.json', JSON.stringify(config))]);
    expect([code, JSON.parse(output).accepted]).toEqual([0, 2000]);
  });

  test('rejects a file given to run', async () => {
    const { code, errors } = await runCli(['run', SPB_SLICE, '--config', CONFIG_PATH]);
    expect([code, errors]).toEqual([2, expect.stringContaining('check FILE --format FORMAT validates a single file')]);
  });
});

/** Runs `etl run` on a copy of the shipped configuration that `change` edits as plain JSON. */
async function runChangedConfig(change: (config: any) => void) {
  const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));
  change(config);
  return runCli(['run', '--config', writeTemporary('config.json', JSON.stringify(config))]);
}

describe('etl run', () => {
  test('writes no snapshot when no source gives data', async () => {
    const snapshots = temporaryFolder('open-district-cli-snapshots-');
    const { code } = await runChangedConfig((config) => {
      config.snapshots.directory = snapshots;
      config.sources[0].files = [writeTemporary('empty.jsonl', '')];
      delete config.polls;
    });
    expect([code, readdirSync(snapshots)]).toEqual([4, []]);
  });
});

describe('etl configuration errors', () => {
  test('names a wrong key', async () => {
    const { code, errors } = await runChangedConfig((config) => {
      config.regions[0].timezone = 'Europe/Moscow';
    });
    expect([code, errors]).toEqual([3, expect.stringContaining('regions[0].timezone')]);
  });

  test('names a wrong key of a source coverage', async () => {
    const { code, errors } = await runChangedConfig((config) => {
      config.sources[0].coverage.note = { ru: 'выборка', en: 'sample' };
    });
    expect([code, errors]).toEqual([3, expect.stringContaining('sources[0].coverage.note')]);
  });

  test('names a coverage text without its English half', async () => {
    const { errors } = await runChangedConfig((config) => {
      config.sources[0].coverage.notice = { ru: 'выборка' };
    });
    expect(errors).toContain('sources[0].coverage.notice.en');
  });

  test('names a bad time zone', async () => {
    const { errors } = await runChangedConfig((config) => {
      config.sources[0].timeZone = 'Moscow';
    });
    expect(errors).toContain('sources[0].timeZone = "Moscow"; expected an IANA time zone');
  });

  test('names a mapping on a portal source', async () => {
    const { code, errors } = await runChangedConfig((config) => {
      config.sources[0].mapping = 'etl/mappings/nyc-311.json';
    });
    expect([code, errors]).toEqual([3, expect.stringContaining('sources[0].mapping')]);
  });

  test('names an end date before the start', async () => {
    const { code, errors } = await runChangedConfig((config) => {
      config.sources[0] = { ...config.sources[0], format: 'open311', files: [], endpoint: { url: 'http://127.0.0.1:9/open311/v2', startDate: '2012-05-23', endDate: '2012-05-22' } };
    });
    expect([code, errors]).toEqual([3, expect.stringContaining('sources[0].endpoint.endDate = "2012-05-22"')]);
  });

  test('names a missing file', async () => {
    const { errors } = await runChangedConfig((config) => {
      config.regions[0].boundaries.file = 'data/geo/missing.geojson';
    });
    expect(errors).toContain('regions[0].boundaries.file');
  });
});
