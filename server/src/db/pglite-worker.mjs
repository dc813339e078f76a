// Owns the embedded PGlite instance on its own thread so that long queries never block the
// HTTP thread. Messages are handled strictly one at a time, in arrival order; the main thread
// (pglite-client.ts) holds a lock while a transaction is open, so no other statement can slip
// into it.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const { dataDir, loadDataDir, workMem } = workerData;

// bigint as a number and dates as 'YYYY-MM-DD' strings, the same as the PostgreSQL client.
const parsers = { 20: (v) => Number(v), 1082: (v) => v };

async function open() {
  const options = { extensions: { pg_trgm }, parsers };
  if (loadDataDir) options.loadDataDir = new Blob([loadDataDir]);
  const db = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await db.waitReady;
  await db.exec(`SET work_mem = '${workMem}'`);
  return db;
}

function serializeError(err) {
  return {
    message: err?.message ?? String(err),
    code: err?.code,
    detail: err?.detail,
    constraint: err?.constraint,
  };
}

let db;
let queue = Promise.resolve();

parentPort.on('message', (msg) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg) {
  try {
    if (msg.op === 'open') {
      db = await open();
      parentPort.postMessage({ id: msg.id, ok: true });
    } else if (msg.op === 'query') {
      const res = await db.query(msg.sql, msg.params ?? []);
      parentPort.postMessage({ id: msg.id, ok: true, rows: res.rows, rowCount: res.affectedRows || res.rows.length });
    } else if (msg.op === 'exec') {
      try {
        const results = await db.exec(msg.sql);
        parentPort.postMessage({ id: msg.id, ok: true, rows: results.flatMap((r) => r.rows ?? []) });
      } catch (err) {
        // A failed BEGIN ... COMMIT script leaves the single connection in an aborted
        // transaction; outside a caller-held transaction, roll it back so later statements run.
        if (!msg.inTx) await db.exec('ROLLBACK').catch(() => {});
        throw err;
      }
    } else if (msg.op === 'dump') {
      const file = await db.dumpDataDir('none');
      const buf = await file.arrayBuffer();
      parentPort.postMessage({ id: msg.id, ok: true, data: buf }, [buf]);
    } else if (msg.op === 'close') {
      await db?.close();
      parentPort.postMessage({ id: msg.id, ok: true });
    }
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: serializeError(err) });
  }
}
