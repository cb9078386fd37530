// Checks on the two halves of a reject's message, shared by the tests of each reader.

import { MESSAGE_SEPARATOR, splitRejectMessage } from '../../etl/reasons.ts';

/** Lists the distinct runs of digits a text cites, sorted, so that two halves can be compared. */
export function citedNumbers(text: string): string[] {
  return [...new Set(text.match(/\d+/g) ?? [])].sort();
}

/** Describes a joined message for assertions: whether it has a Russian half, and the numbers each half cites. */
export function messageHalves(message: string): { russian: boolean; ruNumbers: string[]; enNumbers: string[] } {
  const { ru, en } = splitRejectMessage(message);
  return { russian: ru !== en && /[а-яё]/i.test(ru), ruNumbers: citedNumbers(ru), enNumbers: citedNumbers(en) };
}

/** Splits the message of the reject on `row` at every separator, so that a stray third part fails an assert. */
export function messagePartsAt(rejects: readonly { row: number | null; message: string }[], row: number): string[] {
  return rejects.find((reject) => reject.row === row)!.message.split(MESSAGE_SEPARATOR);
}
