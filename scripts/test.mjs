// `npm test`: install what is missing, then run the whole suite once with Vitest, ending with a
// plain "N passed, N failed" line. Set TEST_DATABASE_URL=postgres://… to run it against a
// PostgreSQL server instead of PGlite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureInstalled, root } from './ensure.mjs';

ensureInstalled();
const report = path.join(root, '.tmp', `vitest-${process.pid}.json`);
mkdirSync(path.dirname(report), { recursive: true });
const res = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(report, { force: true });
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
process.exit(res.status ?? 1);
