import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

import { CONFIG_KEYS } from '../../etl/config.ts';
import { ROOT } from '../helpers/fixtures.ts';

const SECTION_PREFIX: Record<string, string> = {
  root: '',
  region: 'regions[].',
  source: 'sources[].',
  localized: '',
  pollImport: 'polls.imports[].',
};

describe('configuration documentation', () => {
  for (const file of ['docs/configuration.md', 'docs/configuration.ru.md']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const [section, keys] of Object.entries(CONFIG_KEYS)) {
      test(`${file} documents ${section}`, () => {
        const prefix = SECTION_PREFIX[section] ?? `${section}.`;
        const missing = keys.filter((key) => !text.includes(`\`${prefix}${key}\``));
        expect(missing).toEqual([]);
      });
    }
  }
});
