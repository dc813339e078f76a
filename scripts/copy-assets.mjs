// Copies the non-TypeScript files the server needs at run time (migrations, the PGlite worker) into dist.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { root } from './ensure.mjs';

const src = path.join(root, 'server', 'src');
const dist = path.join(root, 'server', 'dist');
mkdirSync(path.join(dist, 'db'), { recursive: true });
cpSync(path.join(src, 'db', 'migrations'), path.join(dist, 'db', 'migrations'), { recursive: true });
cpSync(path.join(src, 'db', 'pglite-worker.mjs'), path.join(dist, 'db', 'pglite-worker.mjs'));
