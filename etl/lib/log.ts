// The ETL's logger, passed into every step so that tests run silent and the CLI decides the format.

export interface Message {
  readonly ru: string;
  readonly en: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly step: string;
  readonly message: Message;
  readonly counts?: Readonly<Record<string, number>>;
}

export interface Logger {
  info(step: string, message: Message, counts?: Record<string, number>): void;
  warn(step: string, message: Message, counts?: Record<string, number>): void;
  error(step: string, message: Message, counts?: Record<string, number>): void;
  /** Reports progress of long work; a logger may draw it in place or ignore it. */
  progress(step: string, done: number, total: number | null): void;
}

/** Creates a logger that keeps entries in memory for tests to read and prints nothing. */
export function createMemoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const push = (level: LogLevel) => (step: string, message: Message, counts?: Record<string, number>) => {
    entries.push({ level, step, message, counts });
  };
  return { entries, info: push('info'), warn: push('warn'), error: push('error'), progress() {} };
}

export interface ConsoleLoggerOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly write: (line: string) => void;
  readonly writeProgress?: (line: string) => void;
}

const LEVEL_MARKERS: Record<LogLevel, string> = { info: '', warn: '! ', error: '✖ ' };

/**
 * Prints each entry as one line: Russian first, then English, or as one JSON object per line for
 * machine logs. Quiet mode prints only warnings and errors.
 */
/** Russian names of the steps, which text lines show before the English step id. */
const STEP_NAMES_RU: Readonly<Record<string, string>> = {
  read: 'чтение',
  validate: 'проверка',
  write: 'запись',
  aggregate: 'сводка',
  changes: 'изменения',
  snapshot: 'снимок',
  polls: 'опросы',
  summary: 'итог',
  source: 'источник',
  stale: 'устаревший источник',
  recover: 'восстановление',
  lock: 'блокировка',
  publish: 'публикация',
  'dry-run': 'пробный запуск',
  build: 'сборка',
  switch: 'переключение',
  rollback: 'откат',
  retention: 'хранение снимков',
};

/** Returns a step's label for text lines: the Russian name, then the step id. */
function stepLabel(step: string): string {
  const russian = STEP_NAMES_RU[step];
  return russian ? `${russian} · ${step}` : step;
}

export function createConsoleLogger(options: ConsoleLoggerOptions): Logger {
  const startedAt = Date.now();
  // Each line carries the time since the previous entry: the duration of the step it reports.
  let previousAt = startedAt;
  const emit = (level: LogLevel) => (step: string, message: Message, counts?: Record<string, number>) => {
    const now = Date.now();
    const durationMs = now - previousAt;
    previousAt = now;
    if (options.quiet && level === 'info') return;
    if (options.json) {
      options.write(JSON.stringify({ level, step, ru: message.ru, en: message.en, counts, durationMs, elapsedMs: now - startedAt }));
      return;
    }
    const marker = LEVEL_MARKERS[level];
    options.write(`${marker}[${stepLabel(step)} ${(durationMs / 1000).toFixed(1)} с/s] ${message.ru} · ${message.en}`);
  };

  let lastProgressAt = 0;
  const progress = (step: string, done: number, total: number | null) => {
    if (options.quiet || options.json || !options.writeProgress) return;
    const now = Date.now();
    if (now - lastProgressAt < 500 && done !== total) return;
    lastProgressAt = now;
    const share = total ? ` (${Math.round((done / total) * 100)}%)` : '';
    options.writeProgress(`[${step}] ${done.toLocaleString('ru-RU')}${total ? ' / ' + total.toLocaleString('ru-RU') : ''}${share}`);
  };

  return { info: emit('info'), warn: emit('warn'), error: emit('error'), progress };
}

/** Formats a count the Russian way (thin groups) for the Russian half of a message. */
export function ru(value: number): string {
  return value.toLocaleString('ru-RU');
}

/** Formats a count the English way for the English half of a message. */
export function en(value: number): string {
  return value.toLocaleString('en-GB');
}
