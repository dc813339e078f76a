#!/usr/bin/env node
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { Command } from 'commander';
import { CliError, type ListExportOptions, runListExport } from './cli/export.ts';
import { type ImportOptions, runImportCommand } from './cli/import.ts';
import { runWorkspaceExport, runWorkspaceImport } from './cli/workspace.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { MigrationError, migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { PgliteDatabase } from './db/pglite-client.ts';
import { RAPPORT_VERSION } from './modules/health/health.routes.ts';
import { startNode } from './server.ts';

// V8 lets its heap grow to several times what is live before a full collection; a process
// whose live heap is 50-100 MB then sat at 300 MB of heap through a long import (its batches
// are short-lived but outlive the young generation). Growing by half over what is live keeps
// the peak nearer what is used: a million-row import peaked at 303 MB instead of 484, and took
// as long (its unchanged re-import 29 s instead of 26, the extra collections).
v8.setFlagsFromString('--heap-growing-percent=50');

function fail(message: string): never {
  process.stderr.write(`rapport: ${message}\n`);
  process.exit(1);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

async function run(http: boolean, worker: boolean): Promise<void> {
  const cfg = config();
  const node = await startNode(cfg, { http, worker }).catch((err) => {
    if (err instanceof MigrationError) fail(err.message);
    throw err;
  });
  const where = cfg.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${cfg.dataDir}`;
  node.app.log.info(
    { url: node.url, database: where, worker },
    `Rapport ${RAPPORT_VERSION} is up${node.url ? ` at ${cfg.publicUrl}` : ''}`,
  );
  const shutdown = async (signal: string) => {
    node.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    // A client that stopped reading (a stalled download) must not hold the shutdown: responses
    // still in flight get five seconds, then their connections are closed.
    setTimeout(() => node.app.server.closeAllConnections(), 5_000).unref();
    await node.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

const program = new Command()
  .name('rapport')
  .description('Rapport, the open-source CRM. Configuration comes from environment variables (see docs/configuration.md).')
  .version(RAPPORT_VERSION);

program
  .command('serve')
  .description('Run the HTTP API and, unless --no-worker, the job worker (the default for npm start)')
  .option('--no-worker', 'serve HTTP only; run `rapport worker` elsewhere for background jobs')
  .action(async (opts: { worker: boolean }) => run(true, opts.worker));

program
  .command('worker')
  .description('Run background jobs only (outbox delivery, reminders, imports), no HTTP')
  .action(async () => run(false, true));

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const db = await openDatabase(config());
    try {
      const ran = await migrate(db);
      process.stdout.write(ran.length ? `Applied ${ran.join(', ')}\n` : 'The database is up to date\n');
    } catch (err) {
      if (err instanceof MigrationError) fail(err.message);
      throw err;
    } finally {
      await db.close();
    }
  });

program
  .command('backup')
  .description('Write the embedded database to a tar file (for PostgreSQL, use pg_dump)')
  .argument('<file>', 'where to write the backup')
  .action(async (file: string) => {
    const cfg = config();
    if (cfg.databaseUrl) fail('backup copies the embedded database; with DATABASE_URL use pg_dump');
    const db = (await openDatabase(cfg)) as PgliteDatabase;
    try {
      writeFileSync(file, Buffer.from(await db.dump()));
      process.stdout.write(`Backed up ${cfg.dataDir} to ${file}\n`);
    } finally {
      await db.close();
    }
  });

program
  .command('restore')
  .description('Restore the embedded database from a backup into an empty RAPPORT_DATA_DIR')
  .argument('<file>', 'a file written by rapport backup')
  .action(async (file: string) => {
    const cfg = config();
    if (cfg.databaseUrl) fail('restore fills the embedded database; with DATABASE_URL use pg_restore');
    if (existsSync(cfg.dataDir) && readdirSync(cfg.dataDir).length > 0) {
      fail(`${cfg.dataDir} is not empty; move it away or set RAPPORT_DATA_DIR to an empty folder`);
    }
    const data = readFileSync(file);
    const db = await PgliteDatabase.open({
      dataDir: cfg.dataDir,
      loadDataDir: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      workMem: cfg.workMem,
    });
    await db.close();
    process.stdout.write(`Restored ${file} into ${cfg.dataDir}\n`);
  });

const connection = (cmd: Command) =>
  cmd
    .option('--url <url>', 'the Rapport to talk to (default: RAPPORT_URL, else http://localhost:3000)')
    .option('--api-key <key>', 'an API key of the workspace (default: RAPPORT_API_KEY)');

/** Runs a CLI action; a CliError is one line on stderr and exit code 1. */
const remoteAction =
  <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof CliError) fail(err.message);
      throw err;
    }
  };

connection(
  program
    .command('export')
    .description('Export a list as CSV, or the whole workspace as a backup zip, from a running Rapport')
    .argument('<what>', 'contacts, companies, deals, activities, tasks, or workspace')
    .option('--view <id>', 'a saved view: its filters, order and columns')
    .option('--filter <json>', 'filter groups as JSON (as POST /<records>/search), or a list of filters')
    .option('--sort <field>', 'sort by a field; prefix with - for descending')
    .option('--columns <keys>', 'comma-separated field keys, custom fields as custom.<key>')
    .option('--out <file>', 'write to this file instead of stdout'),
).action(
  remoteAction(async (what: string, opts: ListExportOptions) => {
    if (what === 'workspace') await runWorkspaceExport(opts);
    else await runListExport(what, opts);
  }),
);

connection(
  program
    .command('import')
    .description('Import a CSV file of contacts, companies, deals or activities into a running Rapport, with progress')
    .argument('<object>', 'contacts, companies, deals or activities; or workspace, to restore a backup zip')
    .argument('<file>', 'the CSV file (any common encoding and delimiter), or the backup zip')
    .option('--upsert <key>', 'match existing records on email, domain, external_id, or none (always create)')
    .option('--template <id>', 'map columns with a saved import template')
    .option('--date-format <format>', 'auto, YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY or DD.MM.YYYY')
    .option('--dry-run', 'show what would happen, write nothing')
    .option('--errors <file>', 'write the bad rows, with the reason for each, to this CSV file'),
).action(
  remoteAction(async (object: string, file: string, opts: ImportOptions) => {
    // `rapport import workspace FILE.zip` restores a backup (rapport export workspace) into the key's empty workspace.
    if (object === 'workspace') process.stdout.write(`${await runWorkspaceImport(file, opts)}\n`);
    else process.stdout.write(`${await runImportCommand(object, file, opts)}\n`);
  }),
);

program.parseAsync(process.argv).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
