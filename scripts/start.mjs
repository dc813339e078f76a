// `npm start`: install and build what is missing, then run Rapport (`rapport serve` by default).
// `npm run rapport -- <command>` runs any other CLI command the same way.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ensureInstalled, root } from './ensure.mjs';

ensureInstalled();
ensureBuilt();
const cli = process.argv.indexOf('--cli');
const args = cli >= 0 ? process.argv.slice(cli + 1) : ['serve', ...process.argv.slice(2)];
process.argv = [process.argv[0], 'rapport', ...args];
await import(pathToFileURL(path.join(root, 'server', 'dist', 'main.js')).href);
