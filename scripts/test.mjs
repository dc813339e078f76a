// `npm test`: install what is missing, then run the whole suite once with Vitest.
// Set TEST_DATABASE_URL=postgres://… to run it against a PostgreSQL server instead of PGlite.
import { spawnSync } from 'node:child_process';
import { ensureInstalled, root } from './ensure.mjs';

ensureInstalled();
const res = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);
