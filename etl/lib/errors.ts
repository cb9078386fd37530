// Typed errors of the ETL. Each carries the exit code the CLI returns and a message in both languages.

import type { Message } from './log.ts';

/** Exit codes of the CLI, documented in the README. */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  input: 4,
  partial: 5,
  locked: 6,
} as const;

export class EtlError extends Error {
  readonly exitCode: number;
  readonly bilingual: Message;

  constructor(message: Message, exitCode: number) {
    super(`${message.ru} · ${message.en}`);
    this.bilingual = message;
    this.exitCode = exitCode;
  }
}

export class UsageError extends EtlError {
  constructor(message: Message) {
    super(message, EXIT_CODES.usage);
  }
}

export class ConfigError extends EtlError {
  constructor(message: Message) {
    super(message, EXIT_CODES.config);
  }
}

export class InputError extends EtlError {
  constructor(message: Message) {
    super(message, EXIT_CODES.input);
  }
}

/**
 * Describes where JSON.parse stopped, for both halves of a message: the Russian half names the
 * place in Russian, the English half quotes the parser.
 */
export function describeJsonError(error: unknown): Message {
  const text = error instanceof Error ? error.message : String(error);
  // V8 gives the offset from 0 and, for text of several lines, the line and column from 1.
  const offset = /position (\d+)/.exec(text)?.[1];
  const lineColumn = /line (\d+) column (\d+)/.exec(text);
  let place: Message | null = null;
  if (lineColumn && lineColumn[1] !== '1') place = { ru: `строка ${lineColumn[1]}, символ ${lineColumn[2]}`, en: `line ${lineColumn[1]}, character ${lineColumn[2]}` };
  else if (offset !== undefined) place = { ru: `символ ${Number(offset) + 1}`, en: `character ${Number(offset) + 1}` };

  if (/Unterminated string/.test(text) && place) return { ru: `строка в кавычках не закрыта (${place.ru}): запись обрезана`, en: `a quoted string is not closed (${place.en}): the record is cut off` };
  if (/end of JSON input/.test(text)) return { ru: 'текст кончается посреди записи', en: 'the text ends in the middle of a record' };
  if (place) return { ru: `синтаксическая ошибка (${place.ru})`, en: `a syntax error (${place.en})` };
  return { ru: 'текст не разбирается как JSON', en: 'the text does not parse as JSON' };
}

/** Describes why a file could not be read, from its Node error code when there is one. */
export function describeFileError(error: unknown): Message {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return { ru: 'файла нет', en: 'no such file' };
  if (code === 'EACCES' || code === 'EPERM') return { ru: 'нет прав на чтение', en: 'no permission to read it' };
  if (code === 'EISDIR') return { ru: 'это папка, а не файл', en: 'it is a folder, not a file' };
  return { ru: `ошибка чтения ${typeof code === 'string' ? code : ''}`.trim(), en: text };
}
