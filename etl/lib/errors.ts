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
