// Downloads of the filtered rows (CSV, CSV for Excel, Parquet, GeoJSON), of the tables behind the
// charts, and the citation text. Row files come from the `appeals` view with the same filter as
// the table, so they hold exactly the rows the table counts.

import type { ExplorerConfig } from '../lib/explorer-config.ts';
import type { ExplorerDatabase, ResultColumn } from '../lib/duckdb-client.ts';
import {
  CSV_DIALECT,
  downloadName,
  EXCEL_CSV_DIALECT,
  BOM,
  csvHeader,
  csvRows,
  toCsv,
  toGeoJsonFeatures,
  type CsvDialect,
  type ExportColumn,
} from '../lib/explorer-export.ts';
import { fillTemplate } from '../lib/explorer-i18n.ts';
import { dayToDate, exportQuery } from '../lib/explorer-sql.ts';
import type { Formatters } from '../lib/format.ts';
import { FACETS, type ExplorerState } from '../lib/url-state.ts';
import type { FacetLabeler } from './explorer-facets.ts';
import type { DistrictValue } from './explorer-map.ts';
import type { ViewData } from './explorer-queries.ts';

export type RowFormat = 'csv' | 'excel' | 'parquet' | 'geojson';
export type ChartTable = 'by-district' | 'by-day' | 'by-status' | 'by-rubric';

export interface SnapshotInfo {
  id: string;
  createdAt: string;
  asOf: string | null;
  /** SHA-256 of appeals.parquet from the snapshot's manifest. */
  appealsSha256: string;
  /** Attribution of each source in the page's language, as the manifest gives it. */
  attributions: string[];
}

export interface DownloadContext {
  db: ExplorerDatabase;
  state: ExplorerState;
  snapshot: SnapshotInfo;
  timeZone: string;
  view: ViewData;
  districtValues: DistrictValue[];
}

/** Hands a Blob to the browser as a download with the given file name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob after the click returns; a minute is far longer than it needs.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function csvFile(context: DownloadContext, dialect: CsvDialect): Promise<{ blob: Blob; rows: number }> {
  const parts: string[] = [];
  let rows = 0;
  let header = false;
  const result = await context.db.stream(exportQuery(context.state, context.timeZone), Infinity, (columns: ResultColumn[], batch: unknown[][]) => {
    if (!header) {
      parts.push(`${dialect.bom ? BOM : ''}${csvHeader(columns, dialect)}`);
      header = true;
    }
    parts.push(csvRows(columns, batch, dialect));
    rows += batch.length;
  });
  if (!header) parts.push(`${dialect.bom ? BOM : ''}${csvHeader(result.columns, dialect)}`);
  return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows };
}

async function geoJsonFile(context: DownloadContext): Promise<{ blob: Blob; rows: number; skipped: number }> {
  const features: ReturnType<typeof toGeoJsonFeatures> = [];
  let total = 0;
  await context.db.stream(exportQuery(context.state, context.timeZone), Infinity, (columns, batch) => {
    features.push(...toGeoJsonFeatures(columns, batch));
    total += batch.length;
  });
  const collection = {
    type: 'FeatureCollection',
    // Foreign members (RFC 7946 §6.1) that say where the points come from.
    snapshot: context.snapshot.id,
    note: 'Точки — центры ячеек сетки, а не адреса; центр одной ячейки повторяется. · Points are centres of grid cells, not addresses. Centres of the same cell repeat.',
    features,
  };
  return { blob: new Blob([JSON.stringify(collection)], { type: 'application/geo+json' }), rows: features.length, skipped: total - features.length };
}

/** Prepares and saves one row file; returns the status line to show. */
export async function downloadRows(format: RowFormat, context: DownloadContext, config: ExplorerConfig): Promise<string> {
  const s = config.strings;
  const { state, snapshot } = context;
  const count = new Intl.NumberFormat(config.locale === 'ru' ? 'ru-RU' : 'en-GB');
  switch (format) {
    case 'csv':
    case 'excel': {
      const name = downloadName('appeals', snapshot.id, state, format === 'csv' ? 'csv' : 'excel.csv');
      const { blob, rows } = await csvFile(context, format === 'csv' ? CSV_DIALECT : EXCEL_CSV_DIALECT);
      saveBlob(blob, name);
      return fillTemplate(s['downloads.done'], { name, rows: count.format(rows) });
    }
    case 'parquet': {
      const name = downloadName('appeals', snapshot.id, state, 'parquet');
      const bytes = await context.db.copyToParquet(exportQuery(state, context.timeZone), 'explorer-download.parquet');
      saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.apache.parquet' }), name);
      return fillTemplate(s['downloads.done'], { name, rows: count.format(context.view.totals.received) });
    }
    case 'geojson': {
      const name = downloadName('appeals', snapshot.id, state, 'geojson');
      const { blob, rows, skipped } = await geoJsonFile(context);
      saveBlob(blob, name);
      return fillTemplate(s['downloads.doneGeo'], { name, rows: count.format(rows), skipped: count.format(skipped) });
    }
  }
}

/**
 * Saves the table behind one chart as CSV; returns the file name. `medians` gives the districts'
 * median days when the view has none of its own (the map shows another metric). The table by day
 * keeps the days of the date filter only, although the histogram shows the whole period for
 * brushing.
 */
export function downloadChartTable(table: ChartTable, context: DownloadContext, labelOf: FacetLabeler, medians: ReadonlyMap<string, number | null> | null = null): string {
  let columns: ExportColumn[];
  let rows: unknown[][];
  switch (table) {
    case 'by-district':
      columns = [
        { name: 'district', kind: 'text' },
        { name: 'received', kind: 'number' },
        { name: 'overdue', kind: 'number' },
        { name: 'resolved', kind: 'number' },
        { name: 'median_days_to_first_answer', kind: 'number' },
        { name: `map_value_${context.state.metric}`, kind: 'number' },
      ];
      rows = context.districtValues.map((entry) => {
        const metrics = context.view.districts.get(entry.district);
        const median = medians ? (medians.get(entry.district) ?? null) : (metrics?.medianDays ?? null);
        return [entry.district, metrics?.received ?? 0, metrics?.overdue ?? 0, metrics?.resolved ?? 0, median, entry.value];
      });
      break;
    case 'by-day':
      columns = [
        { name: 'date', kind: 'text' },
        { name: 'received', kind: 'number' },
      ];
      rows = context.view.histogram
        .map((bin) => [dayToDate(bin.day), bin.received] as [string, number])
        .filter(([date]) => (!context.state.from || date >= context.state.from) && (!context.state.to || date <= context.state.to));
      break;
    case 'by-status':
    case 'by-rubric': {
      const facet = table === 'by-status' ? 'status' : 'rubric';
      columns = [
        { name: facet, kind: 'text' },
        { name: 'label', kind: 'text' },
        { name: 'received', kind: 'number' },
      ];
      rows = [...context.view.facets[facet]].sort((a, b) => b[1] - a[1]).map(([value, count]) => [value, labelOf(facet, value), count]);
      break;
    }
  }
  const name = downloadName(table, context.snapshot.id, context.state, 'csv');
  saveBlob(new Blob([toCsv(columns, rows, CSV_DIALECT)], { type: 'text/csv;charset=utf-8' }), name);
  return name;
}

/** Describes the filter in words, e.g. "Район: Невский; Статус: Решено". */
export function describeFilter(state: ExplorerState, config: ExplorerConfig, formatters: Formatters, labelOf: FacetLabeler): string {
  const parts: string[] = [];
  for (const facet of FACETS) {
    const values = state.filters[facet];
    if (values.length > 0) parts.push(`${config.strings[`facet.${facet}`]}: ${values.map((value) => labelOf(facet, value)).join(', ')}`);
  }
  if (state.from || state.to) {
    parts.push(
      fillTemplate(config.strings['dates.chip'], {
        from: state.from ? formatters.plainDate(state.from) : '…',
        to: state.to ? formatters.plainDate(state.to) : '…',
      }),
    );
  }
  return parts.length > 0 ? parts.join('; ') : config.strings['citation.all'];
}

export function citationText(context: DownloadContext, config: ExplorerConfig, formatters: Formatters, labelOf: FacetLabeler, permalink: string): string {
  return fillTemplate(config.strings['citation.text'], {
    snapshot: context.snapshot.id,
    created: formatters.date(context.snapshot.createdAt),
    asOf: context.snapshot.asOf ? formatters.dateTime(context.snapshot.asOf) : config.common.noData,
    sha256: context.snapshot.appealsSha256,
    filter: describeFilter(context.state, config, formatters, labelOf),
    count: formatters.integer(context.view.totals.received),
    sources: context.snapshot.attributions.length > 0 ? context.snapshot.attributions.join('; ') : config.common.noData,
    url: readableUrl(permalink),
  });
}

/**
 * Writes a link with its letters as they read (Cyrillic filter values instead of %D0%9D…), keeping
 * spaces and quotes escaped so that the link still ends where it should when pasted.
 */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url).replace(/ /g, '%20').replace(/"/g, '%22');
  } catch {
    return url;
  }
}
