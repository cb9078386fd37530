// Global setup of the browser tests: serves the built site (dist/) with `astro preview` on a free
// 127.0.0.1 port and hands its base URL to the tests as `inject('baseUrl')`. It builds nothing,
// so run `npm run build` first.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
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

export default async function setup(project: TestProject) {
  const root = project.vitest.config.root;
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`Built site not found: ${dist}/index.html. Run "npm run build" before the browser tests.`);
  }

  const port = await findFreePort();
  const astroCli = path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  // process.execPath is the Node that runs vitest: Node 24 from node_modules/.bin under npm scripts.
  // Astro 7 refuses to start a second `astro preview` of one project. `--ignore-lock` lets this
  // server run beside another one and keeps it out of that lock file.
  const child = spawn(process.execPath, [astroCli, 'preview', '--ignore-lock', '--host', HOST, '--port', String(port)], {
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
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
