#!/usr/bin/env node
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { MigrationError, migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { PgliteDatabase } from './db/pglite-client.ts';
import { RAPPORT_VERSION } from './modules/health/health.routes.ts';
import { startNode } from './server.ts';

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

program.parseAsync(process.argv).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
