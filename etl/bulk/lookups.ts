// Lookup tables for the bulk table reader. Every rule that the row-by-row adapter and pipeline
// apply to a cell is applied here in JS, once per DISTINCT value of the staged column, with the
// same functions. The per-row query (rows.ts) then joins the results back: each lookup gives the
// columns it expects, as SQL expressions over the staged row `r`.

import type { Config, DistrictPolicy } from '../config.ts';
import { normalizeDistrictName, regionBounds, type Region } from '../districts.ts';
import { localToInstant } from '../lib/time.ts';
import { coarsenPoint, scrubText } from '../privacy.ts';
import { DISTRICT_FLAGS, DISTRICT_RULES, APPEAL_STATUSES } from '../schema.ts';
import { cleanText, readPoint, RecordProblem } from '../sources/row-helpers.ts';
import { CLOSED_STATUSES, placementFieldName, readDistrictName, readStatusText, readTimeCell } from '../sources/table.ts';
import { TIME_FIELDS, type MappableField, type TableMapping, type TimeField } from '../sources/table-mapping.ts';
import type { BulkDatabase, LookupValue } from './database.ts';
import { NO_POINT, OUTSIDE_DISTRICTS, placeCombination, type DistrictInput } from './placement.ts';
import { PointIndex } from '../point-index.ts';
import type { StagedFile } from './stage.ts';
import { classifyDays } from './zone.ts';

const DAY_MS = 86_400_000;

/** Characters that cleanText would change: JS `\s` other than single inner spaces. */
const UNCLEAN_TEXT = String.raw`[\t\n\v\f\r\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]|^ | $|  `;

export interface LookupInput {
  readonly database: BulkDatabase;
  readonly prefix: string;
  readonly files: readonly StagedFile[];
  readonly config: Config;
  readonly region: Region;
  readonly mapping: TableMapping;
  readonly timeZone: string;
  readonly policy: DistrictPolicy;
}

/** Joins against the staged row `r` and the columns they give, named as rows.ts reads them. */
export interface RowLookups {
  readonly joins: string[];
  readonly columns: string[];
  /** Columns of the mapping that exist in the files. */
  readonly mapped: ReadonlySet<MappableField>;
  /** Output columns that are NULL in every row because the mapping names no column for them. */
  readonly absent: Set<string>;
  /** ENUM type of the district column, for the placement join's output. */
  readonly enums: Readonly<Record<'status' | 'district' | 'rule' | 'flag', string>>;
}

/** Builds every lookup table and returns how the per-row query uses them. */
export async function buildLookups(input: LookupInput): Promise<RowLookups> {
  const mapped = new Set(input.files[0].columns.keys());
  const lookups: RowLookups = {
    joins: [],
    columns: [],
    mapped,
    absent: new Set(),
    enums: {
      status: await createEnum(input, 'status', APPEAL_STATUSES),
      district: await createEnum(input, 'district', input.region.districts.map((district) => district.name)),
      rule: await createEnum(input, 'rule', DISTRICT_RULES),
      flag: await createEnum(input, 'flag', DISTRICT_FLAGS),
    },
  };
  await addIds(input, lookups);
  await addTimes(input, lookups);
  await addStatus(input, lookups);
  for (const field of ['category', 'rubric', 'object_type', 'agency', 'municipality_name'] as const) await addText(input, lookups, field);
  const pointClasses = await addPoints(input, lookups);
  await addDistricts(input, lookups, pointClasses);
  return lookups;
}

/** Returns `SELECT DISTINCT …` over the staged tables of every file, without blank records. */
function distinctSql(input: LookupInput, columns: string, where = 'TRUE'): string {
  return input.files.map((file) => `SELECT DISTINCT ${columns} FROM ${file.table} WHERE NOT blank AND (${where})`).join(' UNION ');
}

function columnName(mapping: TableMapping, field: MappableField): string {
  return mapping.columns[field] ?? field;
}

async function createEnum(input: LookupInput, name: string, values: Iterable<string>): Promise<string> {
  const type = `${input.prefix}_e_${name}`;
  const sorted = [...new Set(values)].sort(compareUtf8);
  await input.database.run(`CREATE TYPE ${type} AS ENUM (${sorted.map(sqlText).join(', ')})`);
  return type;
}

/**
 * Creates an ENUM type from the non-null `column` of a lookup table, in byte order so that sorting
 * the ENUM sorts as the text would, and converts the column to it. Returns the SQL type.
 */
async function enumColumn(input: LookupInput, table: string, column: string, name: string): Promise<string> {
  const [{ count }] = await input.database.rows<{ count: number }>(`SELECT count(${column})::INTEGER AS count FROM ${table}`);
  if (count === 0) return 'VARCHAR';
  const type = `${input.prefix}_e_${name}`;
  await input.database.run(`CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${column} FROM ${table} WHERE ${column} IS NOT NULL ORDER BY ${column})`);
  await input.database.run(`ALTER TABLE ${table} ALTER COLUMN ${column} SET DATA TYPE ${type}`);
  return type;
}

/** Ids with whitespace that cleanText would change; most files have none, and then no join runs. */
async function addIds(input: LookupInput, lookups: RowLookups): Promise<void> {
  const rows = await input.database.rows<{ raw: string }>(distinctSql(input, 's_appeal_id AS raw', `regexp_matches(s_appeal_id, ${sqlText(UNCLEAN_TEXT)})`));
  if (rows.length === 0) {
    lookups.columns.push('r.s_appeal_id AS id');
    return;
  }
  const table = `${input.prefix}_ids`;
  await input.database.createLookup(table, [['raw', 'VARCHAR'], ['clean', 'VARCHAR']], rows.map(({ raw }) => [raw, cleanText(raw)]));
  lookups.joins.push(`LEFT JOIN ${table} ids ON r.s_appeal_id = ids.raw`);
  lookups.columns.push('CASE WHEN ids.raw IS NULL THEN r.s_appeal_id ELSE ids.clean END AS id');
}

/**
 * Time columns: values parsed in SQL (w_<field>) are wall-clock times converted with the zone
 * offset of their date; other values are parsed by readTimeCell, problems included.
 */
async function addTimes(input: LookupInput, lookups: RowLookups): Promise<void> {
  const fields = TIME_FIELDS.filter((field) => lookups.mapped.has(field));
  const zone = await zoneConversion(input, fields, lookups);

  for (const field of TIME_FIELDS) {
    if (!lookups.mapped.has(field)) {
      lookups.columns.push(`NULL::TIMESTAMPTZ AS ${field}`, `NULL::VARCHAR AS ${field}_reason`, `NULL::VARCHAR AS ${field}_value`, `NULL::VARCHAR AS ${field}_message`);
      if (field !== 'created_at') lookups.absent.add(field);
      continue;
    }
    const column = columnName(input.mapping, field);
    const texts = await input.database.rows<{ text: string }>(distinctSql(input, `s_${field} AS text`, `w_${field} IS NULL AND s_${field} IS NOT NULL`));
    const fast = zone(`r.w_${field}`, field);
    if (texts.length === 0) {
      lookups.columns.push(`${fast} AS ${field}`, `NULL::VARCHAR AS ${field}_reason`, `NULL::VARCHAR AS ${field}_value`, `NULL::VARCHAR AS ${field}_message`);
      continue;
    }
    const table = `${input.prefix}_time_${field}`;
    await input.database.createLookup(
      table,
      [['text', 'VARCHAR'], ['at_ms', 'BIGINT'], ['reason', 'VARCHAR'], ['value', 'VARCHAR'], ['message', 'VARCHAR']],
      texts.map(({ text }) => {
        try {
          return [text, readTimeCell(input.mapping, input.timeZone, column, text), null, null, null];
        } catch (error) {
          if (!(error instanceof RecordProblem)) throw error;
          return [text, null, error.reason, error.value, error.hint];
        }
      }),
    );
    const alias = `t_${field}`;
    lookups.joins.push(`LEFT JOIN ${table} ${alias} ON r.s_${field} = ${alias}.text`);
    lookups.columns.push(
      `CASE WHEN r.w_${field} IS NOT NULL THEN ${fast} WHEN ${alias}.at_ms IS NOT NULL THEN epoch_ms(${alias}.at_ms)::TIMESTAMPTZ END AS ${field}`,
      `${alias}.reason AS ${field}_reason`,
      `${alias}.value AS ${field}_value`,
      `${alias}.message AS ${field}_message`,
    );
  }
}

/**
 * Returns the SQL that converts a staged wall-clock time to an instant. When every date has one
 * offset (a zone without daylight saving), the offset is a constant. Otherwise dates join a table
 * of offsets, and times on dates near an offset change join their instants from localToInstant. The instant is
 * made with to_timestamp from whole seconds, which is exact for them (staged times and zone
 * offsets are whole seconds) and, unlike a cast of TIMESTAMP to TIMESTAMPTZ, needs no ICU call.
 */
async function zoneConversion(input: LookupInput, fields: readonly TimeField[], lookups: RowLookups): Promise<(wall: string, field: TimeField) => string> {
  if (fields.length === 0) return () => 'NULL::TIMESTAMPTZ';
  const days = await input.database.rows<{ day: number }>(
    fields.map((field) => distinctSql(input, `(CAST(w_${field} AS DATE) - DATE '1970-01-01')::INTEGER AS day`, `w_${field} IS NOT NULL`)).join(' UNION '),
  );
  const { stable, unstable } = classifyDays(days.map(({ day }) => day), input.timeZone);
  const offsets = new Set(stable.values());
  if (unstable.length === 0 && offsets.size <= 1) {
    const offset = offsets.size ? [...offsets][0] : 0;
    return (wall) => `to_timestamp((epoch_ms(${wall}) - ${offset}) / 1000)`;
  }

  const dayTable = `${input.prefix}_days`;
  await input.database.createLookup(dayTable, [['day', 'INTEGER'], ['offset_ms', 'BIGINT']], [...stable].map(([day, offset]) => [day, offset]));
  const wallTable = `${input.prefix}_walls`;
  const unstableList = unstable.length ? unstable.join(', ') : 'NULL';
  const walls = await input.database.rows<{ wall: bigint }>(
    fields.map((field) => distinctSql(input, `epoch_ms(w_${field}) AS wall`, `(CAST(w_${field} AS DATE) - DATE '1970-01-01')::INTEGER IN (${unstableList})`)).join(' UNION '),
  );
  await input.database.createLookup(
    wallTable,
    [['wall_ms', 'BIGINT'], ['at_ms', 'BIGINT']],
    walls.map(({ wall }) => {
      const date = new Date(Number(wall));
      const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
      return [Number(wall), localToInstant(fields, input.timeZone)];
    }),
  );
  return (wall, field) => {
    lookups.joins.push(
      `LEFT JOIN ${dayTable} d_${field} ON (CAST(${wall} AS DATE) - DATE '1970-01-01')::INTEGER = d_${field}.day`,
      `LEFT JOIN ${wallTable} x_${field} ON epoch_ms(${wall}) = x_${field}.wall_ms`,
    );
    return `to_timestamp(coalesce(x_${field}.at_ms, epoch_ms(${wall}) - d_${field}.offset_ms) / 1000)`;
  };
}

/** Status: canonical status, closed or not, the scrubbed original text and the event's text. */
async function addStatus(input: LookupInput, lookups: RowLookups): Promise<void> {
  const resolve = (original: string | null): LookupValue[] => {
    try {
      const { status, statusOriginal } = readStatusText(input.mapping, lookups.mapped.has('status'), original);
      const scrubbed = scrubText(statusOriginal);
      return [status, CLOSED_STATUSES.includes(status), scrubbed.text, statusOriginal, scrubbed.removed, null, null, null, null];
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      return [null, false, null, null, 0, error.reason, error.field, error.value, error.hint];
    }
  };
  const names = ['status', 'status_closed', 'status_original', 'event_status_original', 'status_removed', 'status_reason', 'status_field', 'status_value', 'status_message'];

  if (!lookups.mapped.has('status')) {
    // Every row has status_default, or every row lacks a status.
    const values = resolve(null);
    const types = [lookups.enums.status, 'BOOLEAN', 'VARCHAR', 'VARCHAR', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'];
    names.forEach((name, index) => lookups.columns.push(`${sqlValue(values[index])}::${types[index]} AS ${name}`));
    return;
  }
  const rows = await input.database.rows<{ raw: string | null }>(distinctSql(input, 's_status AS raw'));
  const table = `${input.prefix}_status`;
  await input.database.createLookup(
    table,
    [['raw', 'VARCHAR'], ['status', 'VARCHAR'], ['closed', 'BOOLEAN'], ['original', 'VARCHAR'], ['event_original', 'VARCHAR'], ['removed', 'INTEGER'], ['reason', 'VARCHAR'], ['field', 'VARCHAR'], ['value', 'VARCHAR'], ['message', 'VARCHAR']],
    rows.map(({ raw }) => [raw, ...resolve(cleanText(raw))]),
  );
  await input.database.run(`ALTER TABLE ${table} ALTER COLUMN status SET DATA TYPE ${lookups.enums.status}`);
  await enumColumn(input, table, 'original', 'status_original');
  await enumColumn(input, table, 'event_original', 'event_status_original');
  lookups.joins.push(`LEFT JOIN ${table} st ON r.s_status IS NOT DISTINCT FROM st.raw`);
  lookups.columns.push(
    'st.status AS status',
    'st.closed AS status_closed',
    'st.original AS status_original',
    'st.event_original AS event_status_original',
    'st.removed AS status_removed',
    'st.reason AS status_reason',
    'st.field AS status_field',
    'st.value AS status_value',
    'st.message AS status_message',
  );
}

/** Kept text fields, cleaned, mapped (categories, municipalities) and scrubbed as toAppeal does. */
async function addText(input: LookupInput, lookups: RowLookups, field: 'category' | 'rubric' | 'object_type' | 'agency' | 'municipality_name'): Promise<void> {
  const output = field === 'municipality_name' ? 'municipality' : field;
  if (!lookups.mapped.has(field)) {
    lookups.columns.push(`NULL::VARCHAR AS ${output}`, `0 AS ${output}_removed`);
    lookups.absent.add(output);
    return;
  }
  const rows = await input.database.rows<{ raw: string | null }>(distinctSql(input, `s_${field} AS raw`));
  const table = `${input.prefix}_text_${output}`;
  await input.database.createLookup(
    table,
    [['raw', 'VARCHAR'], ['out', 'VARCHAR'], ['removed', 'INTEGER']],
    rows.map(({ raw }) => {
      const kept = keptText(input, field, cleanText(raw));
      if (kept === null) return [raw, null, 0];
      const scrubbed = scrubText(kept);
      return [raw, scrubbed.text, scrubbed.removed];
    }),
  );
  await enumColumn(input, table, 'out', output);
  const alias = `x_${output}`;
  lookups.joins.push(`LEFT JOIN ${table} ${alias} ON r.s_${field} IS NOT DISTINCT FROM ${alias}.raw`);
  lookups.columns.push(`${alias}.out AS ${output}`, `${alias}.removed AS ${output}_removed`);
}

/** Returns the text toAppeal scrubs: the category after category_map, the municipality's short name. */
function keptText(input: LookupInput, field: MappableField, text: string | null): string | null {
  if (text === null) return null;
  if (field === 'category') return input.mapping.categoryMap[text] ?? text;
  if (field === 'municipality_name') return input.region.municipalities.get(text)?.shortName ?? text;
  return text;
}

/** Points: readPoint's checks, the coarsened cell, and the district holding the exact point. */
async function addPoints(input: LookupInput, lookups: RowLookups): Promise<Set<number>> {
  const classes = new Set<number>([NO_POINT]);
  if (!lookups.mapped.has('latitude')) {
    lookups.columns.push(`${NO_POINT} AS pclass`, 'NULL::DOUBLE AS latitude', 'NULL::DOUBLE AS longitude', 'NULL::VARCHAR AS point_text');
    lookups.columns.push('NULL::VARCHAR AS point_reason', 'NULL::VARCHAR AS point_field', 'NULL::VARCHAR AS point_value', 'NULL::VARCHAR AS point_message');
    return classes;
  }
  const names = { latitude: columnName(input.mapping, 'latitude'), longitude: columnName(input.mapping, 'longitude') };
  const index = new PointIndex(input.region);
  const rows = await input.database.rows<{ latitude: string | null; longitude: string | null }>(distinctSql(input, 's_latitude AS latitude, s_longitude AS longitude'));
  const table = `${input.prefix}_points`;
  await input.database.createLookup(
    table,
    [['lat_raw', 'VARCHAR'], ['lon_raw', 'VARCHAR'], ['pclass', 'INTEGER'], ['latitude', 'DOUBLE'], ['longitude', 'DOUBLE'], ['point_text', 'VARCHAR'], ['reason', 'VARCHAR'], ['field', 'VARCHAR'], ['value', 'VARCHAR'], ['message', 'VARCHAR']],
    rows.map(({ latitude, longitude }) => {
      try {
        const point = readPoint(latitude, longitude, names, input.mapping.bounds ?? regionBounds(input.region));
        if (point.latitude === null || point.longitude === null) return [latitude, longitude, NO_POINT, null, null, null, null, null, null, null];
        const district = index.districtIndexAt(point.longitude, point.latitude);
        const pointClass = district < 0 ? OUTSIDE_DISTRICTS : district + 1;
        classes.add(pointClass);
        const cell = coarsenPoint(point.latitude, point.longitude, input.config.privacy);
        // Rejects quote the point of a record as its grid cell, never exactly (generaliseRejectPoint).
        return [latitude, longitude, pointClass, cell.latitude, cell.longitude, `${cell.latitude}, ${cell.longitude}`, null, null, null, null];
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        return [latitude, longitude, NO_POINT, null, null, null, error.reason, error.field, error.value, error.hint];
      }
    }),
  );
  lookups.joins.push(`LEFT JOIN ${table} pt ON r.s_latitude IS NOT DISTINCT FROM pt.lat_raw AND r.s_longitude IS NOT DISTINCT FROM pt.lon_raw`);
  lookups.columns.push('pt.pclass AS pclass', 'pt.latitude AS latitude', 'pt.longitude AS longitude', 'pt.point_text AS point_text');
  lookups.columns.push('pt.reason AS point_reason', 'pt.field AS point_field', 'pt.value AS point_value', 'pt.message AS point_message');
  return classes;
}

/**
 * Gives each district input (code, name, and the agency when agency_district_pattern may infer a
 * name) a key. The placement table contains the placement of every key with every point class
 * present in the file.
 */
async function addDistricts(input: LookupInput, lookups: RowLookups, pointClasses: ReadonlySet<number>): Promise<void> {
  const { mapping, region } = input;
  const inputs: DistrictInput[] = [];
  const parts: ('district_code' | 'district_name' | 'agency')[] = (['district_code', 'district_name'] as const).filter((field) => lookups.mapped.has(field));
  if (mapping.agencyDistrictRules.length > 0 && lookups.mapped.has('agency')) parts.push('agency');

  const toInput = (code: string | null, rawName: string | null, agency: string | null): DistrictInput => {
    const { name, inferred } = readDistrictName(mapping, rawName, agency);
    return {
      code,
      name,
      byCode: code ? region.byCode.get(code.trim()) : undefined,
      byName: name ? region.byName.get(normalizeDistrictName(name)) : undefined,
      inferred,
    };
  };

  if (parts.length === 0) {
    inputs.push(toInput(null, null, null));
    lookups.columns.push('0 AS dkey', 'false AS inferred');
  } else {
    const select = parts.map((part) => `s_${part} AS ${part}`).join(', ');
    const rows = await input.database.rows<Partial<Record<'district_code' | 'district_name' | 'agency', string | null>>>(distinctSql(input, select));
    const table = `${input.prefix}_districts`;
    await input.database.createLookup(
      table,
      [...parts.map((part) => [part, 'VARCHAR'] as const), ['dkey', 'INTEGER'], ['inferred', 'BOOLEAN']],
      rows.map((row, key) => {
        const district = toInput(cleanText(row.district_code ?? null), cleanText(row.district_name ?? null), cleanText(row.agency ?? null));
        inputs.push(district);
        return [...parts.map((part) => row[part] ?? null), key, district.inferred];
      }),
    );
    const on = parts.map((part) => `r.s_${part} IS NOT DISTINCT FROM dk.${part}`).join(' AND ');
    lookups.joins.push(`LEFT JOIN ${table} dk ON ${on}`);
    lookups.columns.push('dk.dkey AS dkey', 'dk.inferred AS inferred');
  }

  const placements: LookupValue[][] = [];
  inputs.forEach((district, key) => {
    for (const pointClass of pointClasses) {
      const placed = placeCombination(district, pointClass, region, input.policy);
      // A name or code that matched no district, so that the point placed the record.
      const unmatched = !('reason' in placed) && placed.rule === 'point' && Boolean(district.name || district.code);
      if ('reason' in placed) placements.push([key, pointClass, null, null, null, placed.reason, placementFieldName(input.mapping, placed.field), placed.value, placed.message, placed.valueKind, false]);
      else placements.push([key, pointClass, placed.district, placed.rule, placed.flag, null, null, null, null, null, unmatched]);
    }
  });
  const table = `${input.prefix}_placement`;
  await input.database.createLookup(
    table,
    [['dkey', 'INTEGER'], ['pclass', 'INTEGER'], ['district', 'VARCHAR'], ['rule', 'VARCHAR'], ['flag', 'VARCHAR'], ['reason', 'VARCHAR'], ['field', 'VARCHAR'], ['value', 'VARCHAR'], ['message', 'VARCHAR'], ['value_kind', 'INTEGER'], ['unmatched', 'BOOLEAN']],
    placements,
  );
  await input.database.run(`ALTER TABLE ${table} ALTER COLUMN district SET DATA TYPE ${lookups.enums.district}`);
  await input.database.run(`ALTER TABLE ${table} ALTER COLUMN rule SET DATA TYPE ${lookups.enums.rule}`);
  await input.database.run(`ALTER TABLE ${table} ALTER COLUMN flag SET DATA TYPE ${lookups.enums.flag}`);
}

/** Orders text by its UTF-8 bytes, as DuckDB orders VARCHAR and so an ENUM made from it. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function sqlValue(value: LookupValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return sqlText(value);
  return String(value);
}
