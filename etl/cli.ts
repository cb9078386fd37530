// The administrators' command line:
//   npm run etl -- run [--config FILE] [--json] [--quiet]
//   npm run etl -- check FILE --format spb-portal [--region R] [--json]
// Messages are in Russian, then English. Exit codes are listed in EXIT_CODES.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { checkFile } from './check.ts';
import { loadConfig, SOURCE_FORMATS, type SourceFormat } from './config.ts';
import { EtlError, EXIT_CODES, UsageError } from './lib/errors.ts';
import { createConsoleLogger, en, ru, type Logger } from './lib/log.ts';
import { runAllSources } from './pipeline.ts';
import { writeSnapshot } from './snapshot.ts';

const DEFAULT_CONFIG = 'config/open-district.json';

const USAGE = `Использование · Usage:
  npm run etl -- run   [--config FILE] [--json] [--quiet]
      все источники из конфигурации → новый снимок · all configured sources → a new snapshot
  npm run etl -- check FILE --format ${SOURCE_FORMATS.join('|')} [--region ID] [--json]
      проверить файл без публикации · validate a file without publishing
Коды выхода · exit codes: 0 ok, 1 сбой · failure, 2 аргументы · usage, 3 конфигурация · config,
  4 входные данные · input, 5 часть строк отклонена · some rows rejected`;

export async function main(argv: string[], write = (line: string) => process.stdout.write(line + '\n'), writeError = (line: string) => process.stderr.write(line + '\n')): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG },
        format: { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    writeError(`✖ ${(error as Error).message}\n${USAGE}`);
    return EXIT_CODES.usage;
  }

  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (command ? write : writeError)(USAGE);
    return values.help ? EXIT_CODES.ok : EXIT_CODES.usage;
  }

  const logger = createConsoleLogger({
    json: values.json,
    quiet: values.quiet || (command === 'check' && values.json),
    write: writeError,
    writeProgress: process.stderr.isTTY ? (line) => process.stderr.write(`\r${line}\x1b[K`) : undefined,
  });

  try {
    const config = loadConfig(resolve(values.config));
    if (command === 'run') return await runCommand(config, logger, values.json, write);
    if (command === 'check') return await checkCommand(config, rest, values, logger, write);
    throw new UsageError({ ru: `Неизвестная команда «${command}».\n${USAGE}`, en: `Unknown command "${command}".` });
  } catch (error) {
    if (error instanceof EtlError) {
      if (values.json) write(JSON.stringify({ error: { ru: error.bilingual.ru, en: error.bilingual.en, exitCode: error.exitCode } }));
      else writeError(`✖ ${error.bilingual.ru}\n✖ ${error.bilingual.en}`);
      return error.exitCode;
    }
    writeError(`✖ Непредвиденная ошибка · Unexpected error: ${(error as Error).stack ?? error}`);
    return EXIT_CODES.failure;
  }
}

async function runCommand(config: ReturnType<typeof loadConfig>, logger: Logger, json: boolean, write: (line: string) => void): Promise<number> {
  const startedAt = Date.now();
  const { regions, results } = await runAllSources(config, logger);
  const snapshot = await writeSnapshot(config, regions, results, Date.now(), logger);
  const { counts } = snapshot.manifest;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);

  if (json) {
    write(JSON.stringify({ snapshot: snapshot.id, directory: snapshot.directory, counts, sources: snapshot.manifest.sources.map(({ id, counts, reasons, districtRules }) => ({ id, counts, reasons, districtRules })), files: snapshot.manifest.files }));
  } else {
    logger.info('summary', {
      ru: `Готово за ${seconds} с: снимок ${snapshot.id}; прочитано ${ru(counts.read)}, принято ${ru(counts.accepted)}, отклонено ${ru(counts.rejected)}, повторов ${ru(counts.duplicates)}`,
      en: `Done in ${seconds} s: snapshot ${snapshot.id}; read ${en(counts.read)}, accepted ${en(counts.accepted)}, rejected ${en(counts.rejected)}, duplicates ${en(counts.duplicates)}`,
    });
  }
  return EXIT_CODES.ok;
}

async function checkCommand(config: ReturnType<typeof loadConfig>, rest: string[], values: { format?: string; region?: string; json: boolean }, logger: Logger, write: (line: string) => void): Promise<number> {
  const [file] = rest;
  if (!file) throw new UsageError({ ru: `Укажите файл: check FILE --format FORMAT.\n${USAGE}`, en: 'Name a file: check FILE --format FORMAT.' });
  if (!values.format || !(SOURCE_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError({
      ru: `Укажите --format: ${SOURCE_FORMATS.join(', ')} (получено: ${values.format ?? 'ничего'}).`,
      en: `Pass --format: ${SOURCE_FORMATS.join(', ')} (got: ${values.format ?? 'nothing'}).`,
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

  const { existsSync } = await import('node:fs');
  if (!existsSync(file)) {
    const { InputError } = await import('./lib/errors.ts');
    throw new InputError({ ru: `Файл не найден: ${file}`, en: `File not found: ${file}` });
  }

  const summary = await checkFile(config, resolve(file), format, regionId, logger);
  if (values.json) {
    write(JSON.stringify(summary));
  } else {
    write(`Файл · file: ${file} (${format}, ${regionId})`);
    write(`Прочитано · read ${ru(summary.read)}; принято · accepted ${ru(summary.accepted)}; отклонено · rejected ${ru(summary.rejected)}; повторов · duplicates ${ru(summary.duplicates)}`);
    if (summary.period) write(`Период · period: ${summary.period.from} … ${summary.period.to}; выгрузка · as of ${summary.asOf}`);
    write(`С ответом · answered ${ru(summary.metrics.answered)}; медиана дней до ответа · median days to first answer ${summary.metrics.medianDaysToFirstAnswer?.toFixed(1) ?? '—'}; просрочено · overdue ${ru(summary.metrics.overdue)}`);
    for (const [reason, count] of Object.entries(summary.reasons)) write(`  ${reason}: ${ru(count)}`);
    for (const example of summary.examples) write(`  ${file}, строка · row ${example.row}, поле · field ${example.field} = ${example.value ?? '—'}: ${example.reason} — ${example.message}`);
  }

  if (summary.accepted === 0) return EXIT_CODES.input;
  return summary.rejected > 0 ? EXIT_CODES.partial : EXIT_CODES.ok;
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli.ts');
if (isEntry) {
  process.exitCode = await main(process.argv.slice(2));
}
