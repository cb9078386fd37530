// The administrators' command line: run, publish, rollback and check (see USAGE). Messages are in
// Russian, then English. Exit codes are listed in EXIT_CODES and in the README.

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { checkFile, checkReport, configuredSource } from './check.ts';
import { mkdirSync } from 'node:fs';

import type { Manifest, ManifestSource } from './aggregates-types.ts';
import { loadConfig, SOURCE_FORMATS, type Config, type SourceFormat } from './config.ts';
import { acquireLock } from './lock.ts';
import { publish, rollback } from './publish.ts';
import { EtlError, EXIT_CODES, UsageError } from './lib/errors.ts';
import { createConsoleLogger, en, ru, type Logger, type Message } from './lib/log.ts';
import { isTimeZone } from './lib/time.ts';
import { runAllSources } from './pipeline.ts';
import { writeSnapshot } from './snapshot.ts';

const DEFAULT_CONFIG = 'config/open-district.json';

const USAGE = `Использование · Usage:
  npm run etl -- run       [--config FILE] [--json] [--quiet] [--now INSTANT]
      все источники → новый снимок · all configured sources → a new snapshot
  npm run etl -- publish   [--dry-run] [--config FILE] [--json] [--quiet] [--now INSTANT]   (= npm run publish)
      снимок, сборка сайта, атомарная публикация · snapshot, site build, atomic switch of the served site
  npm run etl -- rollback SNAPSHOT [--config FILE]
      снова опубликовать прежний снимок · publish an earlier snapshot again
  npm run etl -- check FILE --format ${SOURCE_FORMATS.join('|')} [--mapping M] [--services S]
                   [--region ID] [--time-zone TZ] [--config FILE] [--json] [--quiet]
      проверить файл без публикации · validate a file without publishing
      (--mapping: файл сопоставления столбцов для table · column mapping for table;
       --services: список услуг Open311 · Open311 service list)
  --now: момент ISO 8601 вместо часов, для повтора пропущенной ночи · an ISO 8601 instant in place of the clock, to replay a missed night
Коды выхода · exit codes: 0 ok, 1 сбой · failure, 2 аргументы · usage, 3 конфигурация · config,
  4 входные данные · input, 5 часть данных не обновлена или отклонена · some data stale or rejected,
  6 уже идёт другой запуск · another run holds the lock`;

const OPTIONS = {
  config: { type: 'string', default: DEFAULT_CONFIG },
  format: { type: 'string' },
  mapping: { type: 'string' },
  services: { type: 'string' },
  'time-zone': { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const OPTION_NAMES = Object.keys(OPTIONS).map((name) => `--${name}`);

type OptionName = keyof typeof OPTIONS;

/** Options each command reads. Any other option given to it is a usage error, not ignored. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  run: ['config', 'json', 'quiet', 'now'],
  publish: ['config', 'json', 'quiet', 'now', 'dry-run'],
  rollback: ['config', 'quiet'],
  check: ['config', 'format', 'mapping', 'services', 'time-zone', 'region', 'json', 'quiet'],
};

/** Number of positional arguments each command takes: a snapshot for rollback, a file for check. */
const COMMAND_ARGUMENTS: Record<string, number> = { run: 0, publish: 0, rollback: 1, check: 1 };

interface Options {
  config: string;
  format?: string;
  mapping?: string;
  services?: string;
  'time-zone'?: string;
  region?: string;
  json: boolean;
  quiet: boolean;
  'dry-run': boolean;
  now?: string;
}

type WriteLine = (line: string) => void;

const writeOutput: WriteLine = (line) => {
  process.stdout.write(line + '\n');
};

const writeErrorOutput: WriteLine = (line) => {
  process.stderr.write(line + '\n');
};

export async function main(argv: string[], write: WriteLine = writeOutput, writeError: WriteLine = writeErrorOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: OPTIONS,
    });
  } catch (error) {
    const message = argumentMessage(error);
    if (argv.includes('--json')) write(JSON.stringify({ error: { ...message, exitCode: EXIT_CODES.usage } }));
    else writeError(`✖ ${message.ru}\n✖ ${message.en}\n${USAGE}`);
    return EXIT_CODES.usage;
  }

  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  // Help that was requested goes to stdout, so that it can be paged. A missing command is a usage error.
  if (values.help || command === 'help') {
    write(USAGE);
    return EXIT_CODES.ok;
  }
  if (!command) {
    writeError(USAGE);
    return EXIT_CODES.usage;
  }

  const logger = createConsoleLogger({
    json: values.json,
    quiet: values.quiet || (command === 'check' && values.json),
    write: writeError,
    writeProgress: process.stderr.isTTY ? (line) => process.stderr.write(`\r${line}\x1b[K`) : undefined,
  });

  try {
    checkCommandArguments(command, rest, values);
    const config = loadConfig(values.config === DEFAULT_CONFIG ? resolve(DEFAULT_CONFIG) : fromCaller(values.config));
    const options = values as Options;
    if (command === 'run') return await runCommand(config, logger, options, write);
    if (command === 'publish') return await publishCommand(config, logger, options, write);
    if (command === 'rollback') return await rollbackCommand(config, logger, rest);
    if (command === 'check') return await checkCommand(config, rest, options, logger, write);
    throw new UsageError({ ru: `Неизвестная команда «${command}»; команды: run, publish, rollback, check.`, en: `Unknown command "${command}"; the commands are run, publish, rollback and check.` });
  } catch (error) {
    if (error instanceof EtlError) {
      if (values.json) write(JSON.stringify({ error: { ru: error.bilingual.ru, en: error.bilingual.en, exitCode: error.exitCode } }));
      else writeError(`✖ ${error.bilingual.ru}\n✖ ${error.bilingual.en}${error instanceof UsageError ? `\n${USAGE}` : ''}`);
      return error.exitCode;
    }
    writeError(`✖ Непредвиденная ошибка · Unexpected error: ${(error as Error).stack ?? error}`);
    return EXIT_CODES.failure;
  }
}

/**
 * Rejects an option the command does not read and arguments it does not take, so that a mistyped
 * command line (`run --dry-run`, `run FILE`) stops instead of doing something else.
 */
function checkCommandArguments(command: string, rest: readonly string[], values: Record<string, unknown>): void {
  // `npm run publish --dry-run`, without `--`, gives --dry-run to npm, which only sets this
  // variable, and the command would then publish for real.
  if (process.env.npm_config_dry_run === 'true' && values['dry-run'] !== true) {
    throw new UsageError({
      ru: 'npm принял --dry-run за свой параметр, и до ETL он не дошёл; поставьте его после --: npm run publish -- --dry-run. Ничего не опубликовано.',
      en: 'npm took --dry-run as its own option, so it did not reach the ETL; put it after --: npm run publish -- --dry-run. Nothing was published.',
    });
  }
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) return;
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    const value = values[name];
    if (name === 'help' || allowed.includes(name) || value === undefined || value === false || (name === 'config' && value === DEFAULT_CONFIG)) continue;
    const users = Object.keys(COMMAND_OPTIONS).filter((other) => COMMAND_OPTIONS[other].includes(name));
    throw new UsageError({
      ru: `--${name} не используется командой ${command}: этот параметр есть только у ${new Intl.ListFormat('ru', { type: 'conjunction' }).format(users)}; уберите --${name}.${name === 'dry-run' ? ' Проверить файл без снимка можно командой check.' : ''}`,
      en: `--${name} is not used by ${command}: only ${new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(users)} take${users.length === 1 ? 's' : ''} it; remove --${name}.${name === 'dry-run' ? ' To validate a file without writing a snapshot, use check.' : ''}`,
    });
  }
  const extra = rest.slice(COMMAND_ARGUMENTS[command]);
  if (extra.length > 0) {
    throw new UsageError({
      ru: `Лишние аргументы команды ${command}: ${extra.join(' ')}; ${command === 'run' || command === 'publish' ? `${command} читает источники из конфигурации, а отдельный файл проверяет check ФАЙЛ --format ФОРМАТ` : 'уберите их'}.`,
      en: `Unexpected arguments to ${command}: ${extra.join(' ')}; ${command === 'run' || command === 'publish' ? `${command} reads the sources of the configuration, and check FILE --format FORMAT validates a single file` : 'remove them'}.`,
    });
  }
}

/**
 * Returns the option one or two edits away from a mistyped one (a letter missed, added, changed or
 * two letters swapped), or null when none or several are that close.
 */
function closestOption(option: string): string | null {
  const near = OPTION_NAMES.filter((name) => editDistance(option, name) <= 2);
  return near.length === 1 ? near[0] : null;
}

/** Counts the edits (insert, delete, change, swap of neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i += 1) rows[i][0] = i;
  for (let j = 0; j <= b.length; j += 1) rows[0][j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/**
 * Explains an error of the argument parser in both languages: an unknown option, or an option given
 * without its value. Node's own message is English only.
 */
function argumentMessage(error: unknown): Message {
  const code = (error as NodeJS.ErrnoException).code;
  const text = (error as Error).message;
  const option = /'(-[^' ]+)/.exec(text)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const closest = closestOption(option);
    if (closest) return { ru: `Неизвестный параметр «${option}»; может быть, ${closest}?`, en: `Unknown option "${option}"; did you mean ${closest}?` };
    return { ru: `Неизвестный параметр «${option}»; допустимы: ${OPTION_NAMES.join(', ')}`, en: `Unknown option "${option}"; the options are ${OPTION_NAMES.join(', ')}` };
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(text)) {
    return { ru: `После ${option} нужно значение`, en: `${option} needs a value` };
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return { ru: `Параметр ${option} не принимает значения`, en: `${option} takes no value` };
  return { ru: `Аргументы не разобраны: ${text}`, en: `The arguments could not be read: ${text}` };
}

/** Returns the run's clock: --now for tests and replays of a missed night, otherwise the wall clock. */
function readNow(options: Options): number {
  if (!options.now) return Date.now();
  const now = Date.parse(options.now);
  if (Number.isNaN(now)) {
    throw new UsageError({ ru: `--now: не момент времени ISO 8601: ${options.now}`, en: `--now: not an ISO 8601 instant: ${options.now}` });
  }
  return now;
}

async function runCommand(config: Config, logger: Logger, options: Options, write: (line: string) => void): Promise<number> {
  const startedAt = Date.now();
  mkdirSync(config.snapshots.directory, { recursive: true });
  const now = readNow(options);
  const release = acquireLock(config.snapshots.directory, 'run', logger);
  let snapshot;
  try {
    const { regions, results } = await runAllSources(config, logger);
    snapshot = await writeSnapshot(config, regions, results, now, logger);
  } finally {
    release();
  }
  const { counts } = snapshot.manifest;
  const seconds = (Date.now() - startedAt) / 1000;
  const stale = snapshot.manifest.sources.filter((source) => source.status !== 'ok');
  const rejectRows = snapshot.manifest.files.find((file) => file.path === 'rejects.csv')?.rows ?? 0;
  const rejectsPath = join(snapshot.directory, 'rejects.csv');

  if (options.json) {
    write(JSON.stringify({ snapshot: snapshot.id, directory: snapshot.directory, counts, sources: snapshot.manifest.sources.map(sourceSummary), files: snapshot.manifest.files }));
  } else {
    logger.info('summary', {
      ru: `Готово за ${seconds.toLocaleString('ru-RU', { maximumFractionDigits: 1 })} с: снимок ${snapshot.id}; записей обращений прочитано ${ru(counts.read)}, принято ${ru(counts.accepted)}, отклонено ${ru(counts.rejected)}, повторов ${ru(counts.duplicates)}; строк в ${rejectsPath} (обращения и опросы): ${ru(rejectRows)}`,
      en: `Done in ${seconds.toLocaleString('en-GB', { maximumFractionDigits: 1 })} s: snapshot ${snapshot.id}; appeal records read ${en(counts.read)}, accepted ${en(counts.accepted)}, rejected ${en(counts.rejected)}, duplicates ${en(counts.duplicates)}; rows in ${rejectsPath} (appeals and polls): ${en(rejectRows)}`,
    });
    logSources(logger, snapshot.manifest);
  }
  return stale.length ? EXIT_CODES.partial : EXIT_CODES.ok;
}

async function publishCommand(config: Config, logger: Logger, options: Options, write: (line: string) => void): Promise<number> {
  const result = await publish(config, logger, { now: readNow(options), dryRun: options['dry-run'] });
  const { manifest, changes } = result;

  if (options.json) {
    write(JSON.stringify({ snapshot: result.snapshot, published: result.published, counts: manifest.counts, sources: manifest.sources.map(sourceSummary), changes: changes.totals, previous: changes.previous, files: manifest.files }));
  } else {
    logSources(logger, manifest);
    logger.info('summary', {
      ru: `${result.published ? 'Опубликован' : 'Был бы опубликован'} снимок ${result.snapshot}: новых ${ru(changes.totals.new)}, получили ответ ${ru(changes.totals.answered)}, решено ${ru(changes.totals.resolved)} с ${changes.previous ?? '—'}; sha256 appeals.parquet ${manifest.files.find((file) => file.path === 'appeals.parquet')?.sha256}`,
      en: `Snapshot ${result.snapshot} ${result.published ? 'published' : 'would be published'}: new ${en(changes.totals.new)}, newly answered ${en(changes.totals.answered)}, newly resolved ${en(changes.totals.resolved)} since ${changes.previous ?? '—'}; sha256 of appeals.parquet ${manifest.files.find((file) => file.path === 'appeals.parquet')?.sha256}`,
    });
  }
  return result.staleSources.length ? EXIT_CODES.partial : EXIT_CODES.ok;
}

async function rollbackCommand(config: Config, logger: Logger, rest: string[]): Promise<number> {
  const [id] = rest;
  if (!id) throw new UsageError({ ru: 'Укажите снимок: rollback СНИМОК, например 2026-12-04 или 2026-12-04-2.', en: 'Name a snapshot: rollback SNAPSHOT, e.g. 2026-12-04 or 2026-12-04-2.' });
  await rollback(config, id, logger);
  return EXIT_CODES.ok;
}

function sourceSummary(source: ManifestSource) {
  const { id, status, staleReason, staleSince, counts, reasons, districtRules, asOf, warnings, differingDuplicates } = source;
  return { id, status, staleReason, staleSince, asOf, counts, reasons, differingDuplicates: differingDuplicates ?? 0, warnings, districtRules };
}

function logSources(logger: Logger, manifest: Manifest): void {
  for (const source of manifest.sources) {
    const { read, accepted, rejected, duplicates } = source.counts;
    if (source.status === 'ok') {
      logger.info('source', {
        ru: `${source.id}: в порядке; прочитано ${ru(read)}, принято ${ru(accepted)}, отклонено ${ru(rejected)}, повторов ${ru(duplicates)}`,
        en: `${source.id}: ok; read ${en(read)}, accepted ${en(accepted)}, rejected ${en(rejected)}, duplicates ${en(duplicates)}`,
      });
      continue;
    }
    const reason = splitBilingual(source.staleReason ?? '');
    logger.error('source', source.status === 'stale'
      ? {
          ru: `${source.id}: данные устарели, в снимке оставлены прошлые (принято ${ru(accepted)}); ${reason.ru}`,
          en: `${source.id}: stale, the snapshot keeps its earlier data (${en(accepted)} accepted); ${reason.en}`,
        }
      : {
          ru: `${source.id}: сбой, а прошлых данных нет; ${reason.ru}`,
          en: `${source.id}: failed, with no earlier data; ${reason.en}`,
        });
  }
}

/** Splits a manifest's "Russian · English" text at its first " · ". Text without one is used for both. */
function splitBilingual(text: string): { ru: string; en: string } {
  const at = text.indexOf(' · ');
  return at < 0 ? { ru: text, en: text } : { ru: text.slice(0, at), en: text.slice(at + 3) };
}

/**
 * Resolves a path given on the command line against the folder the user ran the command in.
 * `npm run` starts scripts in the project folder and keeps the user's folder in INIT_CWD.
 */
function fromCaller(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

async function checkCommand(config: Config, rest: string[], values: Options, logger: Logger, write: (line: string) => void): Promise<number> {
  const [file] = rest;
  if (!file) throw new UsageError({ ru: 'Укажите файл: check ФАЙЛ --format ФОРМАТ.', en: 'Name a file: check FILE --format FORMAT.' });
  if (!values.format || !(SOURCE_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError({
      ru: `Укажите --format: ${SOURCE_FORMATS.join(', ')} (${values.format === undefined ? 'параметр не указан' : `указано: ${values.format}`}).`,
      en: `Pass --format: ${SOURCE_FORMATS.join(', ')} (${values.format === undefined ? 'the option is missing' : `got: ${values.format}`}).`,
    });
  }
  const format = values.format as SourceFormat;
  const regionId = values.region ?? config.sources.find((source) => source.format === format)?.region ?? config.regions[0].id;
  if (!config.regions.some((region) => region.id === regionId)) {
    throw new UsageError({
      ru: `Неизвестный регион «${regionId}»; есть: ${config.regions.map((region) => region.id).join(', ')}.`,
      en: `Unknown region "${regionId}"; configured: ${config.regions.map((region) => region.id).join(', ')}.`,
    });
  }

  const path = fromCaller(file);
  const { existsSync } = await import('node:fs');
  if (!existsSync(path)) {
    const { InputError } = await import('./lib/errors.ts');
    throw new InputError({ ru: `Файл не найден: ${path}`, en: `File not found: ${path}` });
  }
  if (values['time-zone'] !== undefined && !isTimeZone(values['time-zone'])) {
    throw new UsageError({
      ru: `--time-zone: нет такого часового пояса «${values['time-zone']}»; укажите пояс IANA, например Europe/Moscow.`,
      en: `--time-zone: no such time zone "${values['time-zone']}"; give an IANA zone, e.g. Europe/Moscow.`,
    });
  }

  if (format !== 'open311' && values.services) {
    throw new UsageError({
      ru: `--services нужен только для --format open311: это список услуг Open311, а у формата ${format} его нет.`,
      en: `--services is only for --format open311: it is an Open311 service list, which the ${format} format does not have.`,
    });
  }
  if (format !== 'table' && values.mapping) {
    throw new UsageError({
      ru: `--mapping нужен только для --format table; у формата ${format} сопоставление встроено.`,
      en: `--mapping is only for --format table; the ${format} format has its mapping built in.`,
    });
  }
  // Without --mapping, a table file takes the mapping of the configured source that lists it.
  const listing = format === 'table' && !values.mapping ? configuredSource(config, path, format, regionId) : undefined;
  const configuredMapping = listing?.listsFile ? listing.source.mapping : undefined;
  if (format === 'table' && !values.mapping && !configuredMapping) {
    throw new UsageError({
      ru: 'Для --format table нужен --mapping ФАЙЛ: какие столбцы какие поля (см. etl/mappings/README.ru.md); без него check берёт сопоставление источника конфигурации, в списке которого есть этот файл.',
      en: '--format table needs --mapping FILE: which column is which field (see etl/mappings/README.md); without it, check takes the mapping of the configured source whose files include this one.',
    });
  }
  if (configuredMapping) {
    logger.info('read', {
      ru: `check берёт сопоставление столбцов из конфигурации: ${configuredMapping}`,
      en: `check takes the column mapping from the configuration: ${configuredMapping}`,
    });
  }
  const summary = await checkFile(config, path, format, regionId, logger, {
    mapping: values.mapping ? fromCaller(values.mapping) : configuredMapping,
    services: values.services ? fromCaller(values.services) : undefined,
    timeZone: values['time-zone'],
  });
  if (values.json) {
    write(JSON.stringify(summary));
  } else {
    for (const line of checkReport(summary, file, format, regionId, values.region ? [] : config.regions.map((region) => region.id).filter((id) => id !== regionId))) write(line);
  }

  if (summary.accepted === 0) {
    if (!values.json) {
      write(summary.read === 0
        ? 'Во входных данных нет ни одной записи: файл пуст или это не тот формат · The input contains no record: the file is empty or of another format'
        : `Не принята ни одна запись: проверьте формат, сопоставление и регион (сейчас ${regionId}; --region выбирает из: ${config.regions.map((region) => region.id).join(', ')}; регион, которого нет в конфигурации, описывают в своей и передают параметром --config) · No record was accepted: check the format, mapping and region (now ${regionId}; --region picks one of: ${config.regions.map((region) => region.id).join(', ')}; describe a region missing from the configuration in one of your own and pass it with --config)`);
    }
    return EXIT_CODES.input;
  }
  return summary.rejected > 0 ? EXIT_CODES.partial : EXIT_CODES.ok;
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli.ts');
if (isEntry) {
  process.exitCode = await main(process.argv.slice(2));
}
