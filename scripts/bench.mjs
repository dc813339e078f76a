// `npm run bench`: install what is missing, then run the benchmarks (bench/run.ts) on PGlite and
// on the PostgreSQL server at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { spawnSync } from 'node:child_process';
import { ensureBuilt, ensureInstalled, root } from './ensure.mjs';

ensureInstalled();
// The import benchmark runs the built server (server/dist), as `npm start` does.
ensureBuilt();
const res = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);
