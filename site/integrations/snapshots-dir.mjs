// Location of the ETL's snapshot folders, shared by the build-time reader and the integration.

import path from 'node:path';

/**
 * Returns the absolute path of the snapshots folder: `OPEN_DISTRICT_SNAPSHOTS` when set (relative
 * paths resolve against the working directory), else `snapshots/` in the working directory, which
 * is the repository root for npm scripts.
 */
export function resolveSnapshotsDir() {
  const configured = process.env.OPEN_DISTRICT_SNAPSHOTS;
  return path.resolve(process.cwd(), configured && configured.trim() !== '' ? configured : 'snapshots');
}
