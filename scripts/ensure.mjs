// Installs dependencies and builds the web app and the server when they are missing or out of date, so that
// `npm start` and `npm test` work as the first command on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, env = process.env) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', env });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npm install` when node_modules is missing or older than package-lock.json. */
export function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs)) {
    console.log('rapport: installing dependencies (first run)…');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}

/** Builds the web app (web/dist) when it is missing or older than its sources. */
export function ensureWebBuilt() {
  const out = path.join(root, 'web', 'dist', 'index.html');
  const web = path.join(root, 'web');
  const sources = Math.max(
    newestMtime(path.join(web, 'src')),
    statSync(path.join(web, 'index.html')).mtimeMs,
    statSync(path.join(web, 'vite.config.ts')).mtimeMs,
  );
  if (!existsSync(out) || sources > statSync(out).mtimeMs) {
    console.log('rapport: building the web app…');
    // Vite keeps a NODE_ENV it is given: under Vitest (NODE_ENV=test) the build would carry
    // React's development code, several times slower, into web/dist for every later run.
    run('npm', ['run', 'build', '-w', 'web', '--silent'], { ...process.env, NODE_ENV: 'production' });
  }
}

/** Builds the web app and the server when their output is missing or older than their sources. */
export function ensureBuilt() {
  ensureWebBuilt();
  const out = path.join(root, 'server', 'dist', 'main.js');
  const src = path.join(root, 'server', 'src');
  if (!existsSync(out) || newestMtime(src) > statSync(out).mtimeMs) {
    console.log('rapport: building the server…');
    run('npm', ['run', 'build', '-w', 'server', '--silent']);
  }
}
