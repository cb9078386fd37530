// Global setup of the browser tests: runs the ETL on the embedded data into a temporary snapshots
// folder, builds the site from it into a temporary folder, serves that with `astro preview` on a
// free 127.0.0.1 port and hands its base URL to the tests as `inject('baseUrl')`. Set
// OPEN_DISTRICT_TEST_DIST to an existing build to skip the ETL and the build while iterating.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 30_000;

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`astro preview exited with code ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet; try again below.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`astro preview did not answer at ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/** Runs a command with the Node that runs vitest and fails with its output when it fails. */
function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with code ${code}:\n${output.slice(-4000)}`))));
  });
}

/** Writes a snapshot of the embedded data and builds the site from it; returns the build folder. */
async function buildSite(root: string): Promise<{ dist: string; cleanup: () => void }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'open-district-browser-'));
  const env = { OPEN_DISTRICT_SNAPSHOTS: path.join(work, 'snapshots'), ASTRO_TELEMETRY_DISABLED: '1' };
  const dist = path.join(work, 'dist');

  await runNode([path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'etl/cli.ts', 'run', '--quiet'], root, env);
  await runNode([path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build', '--outDir', dist], root, env);
  return { dist, cleanup: () => fs.rmSync(work, { recursive: true, force: true }) };
}

export default async function setup(project: TestProject) {
  const root = project.vitest.config.root;
  const reused = process.env.OPEN_DISTRICT_TEST_DIST;
  const built = reused ? { dist: path.resolve(reused), cleanup: () => {} } : await buildSite(root);
  const dist = built.dist;
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`Built site not found: ${dist}/index.html. Unset OPEN_DISTRICT_TEST_DIST or point it at a folder built by "npm run build".`);
  }

  const port = await findFreePort();
  const astroCli = path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  // process.execPath is the Node that runs vitest: Node 24 from node_modules/.bin under npm scripts.
  // Astro 7 refuses to start a second `astro preview` of one project. `--ignore-lock` lets this
  // server run beside another one and keeps it out of that lock file.
  const child = spawn(process.execPath, [astroCli, 'preview', '--ignore-lock', '--outDir', dist, '--host', HOST, '--port', String(port)], {
    cwd: root,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));

  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitForServer(`${baseUrl}/`, child, () => log);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  project.provide('baseUrl', baseUrl);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    built.cleanup();
  };
}
