import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { InputError } from '../../etl/lib/errors.ts';
import { parseTableBytes } from '../../etl/sources/table.ts';
import { validateTableMapping } from '../../etl/sources/table-mapping.ts';
import { Utf8Validator } from '../../etl/sources/text-encoding.ts';

const MAPPING = validateTableMapping(
  {
    date_formats: ['dd.mm.yyyy', 'mm/dd/yyyy', 'iso'],
    columns: { appeal_id: 'id', created_at: 'created', closed_at: 'closed', status: 'status', latitude: 'lat', longitude: 'lon' },
    status_map: { open: 'in_progress', closed: 'closed' },
  },
  'properties.json',
);

const CONTEXT = { timeZone: 'Europe/Moscow', displayName: 'random.csv' };

/** Reads all rows; an InputError is an accepted outcome, any other exception fails the property. */
async function survives(bytes: Uint8Array): Promise<boolean> {
  try {
    for await (const row of parseTableBytes(bytes, CONTEXT, MAPPING)) {
      if (row.kind !== 'appeal' && row.kind !== 'reject') return false;
    }
    return true;
  } catch (error) {
    if (error instanceof InputError) return true;
    throw error;
  }
}

const HEADER = 'id;created;closed;status;lat;lon\n';
const cell = fc.oneof(
  fc.constantFrom('', 'null', 'true', '31.02.2021', '01.05.2022 10:00', '05/01/2022 12:00:03 AM', 'open', 'closed', '0', '0,0', '55,75', '-200', '"', '""'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

describe('table parser properties', () => {
  test('survives any bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), survives), { numRuns: 300 });
  });

  // A counterexample fast-check found: a header of a delimiter and an unclosed quote.
  test('survives unclosed quote in header', async () => {
    expect(await survives(Uint8Array.from([0x3b, 0x22]))).toBe(true);
  });

  test('survives any text', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary' }), (text) => survives(new TextEncoder().encode(text))), { numRuns: 300 });
  });

  test('survives any cells under a valid header', async () => {
    const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { maxLength: 5 });
    await fc.assert(fc.asyncProperty(rows, (cells) => survives(new TextEncoder().encode(HEADER + cells.map((row) => row.join(';')).join('\n')))), { numRuns: 300 });
  });
});

describe('table UTF-8 validator properties', () => {
  test('agrees with a fatal TextDecoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, cut) => {
        const validator = new Utf8Validator();
        const split = cut % (bytes.length + 1);
        const valid = validator.push(bytes.subarray(0, split)) < 0 && validator.push(bytes.subarray(split)) < 0 && validator.end() < 0;
        let decoderValid = true;
        try {
          new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        } catch {
          decoderValid = false;
        }
        return valid === decoderValid;
      }),
      { numRuns: 3000 },
    );
  });

  test('accepts any encoded text split anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat(), (text, cut) => {
        const bytes = new TextEncoder().encode(text);
        const validator = new Utf8Validator();
        const split = cut % (bytes.length + 1);
        return validator.push(bytes.subarray(0, split)) < 0 && validator.push(bytes.subarray(split)) < 0 && validator.end() < 0;
      }),
      { numRuns: 1000 },
    );
  });
});
