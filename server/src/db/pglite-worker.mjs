// Owns the embedded PGlite instance on its own thread so that long queries never block the
// HTTP thread. Messages are handled strictly one at a time, in arrival order; the main thread
// (pglite-client.ts) holds a lock while a transaction is open, so no other statement can slip
// into it.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, protocol } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pgUtils from 'pg/lib/utils.js';

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

function concat(parts, length = parts.reduce((n, p) => n + p.length, 0)) {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether a run of backend messages holds an ErrorResponse ('E'). */
function failed(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 5 <= bytes.length; at += 1 + view.getInt32(at + 1)) if (bytes[at] === 69) return true;
  return false;
}

// Statements kept prepared (`prepare`), by text: the name each was prepared under.
const prepared = new Map();
let statements = 0;

/**
 * One parameterised statement in a single trip into the database: Parse, Bind, Describe, Execute
 * and Sync sent together, the parameters as text of unstated type (the server infers each from
 * the statement), exactly as node-postgres sends them to a PostgreSQL server. PGlite's own
 * `query` takes six trips, the first two to learn the parameter types. A statement to `prepare`
 * is parsed under a name the first time and only bound and executed after, as node-postgres does
 * with a named statement; if that first run fails, the name is not kept (the next run prepares
 * the statement again under a new one).
 *
 * Returns the backend's messages as they came, unparsed: the main thread reads them with
 * node-postgres's own parser and type parsers (pglite-client.ts), which is several times faster
 * than PGlite's message objects and gives the same values as a PostgreSQL server. The bytes are
 * handed over, not copied.
 */
async function runQuery(text, params, prepare) {
  const { serialize } = protocol;
  let name = prepare ? prepared.get(text) : undefined;
  const parsing = !name;
  const parts = [];
  if (prepare && !name) name = `rapport_${++statements}`;
  if (parsing) parts.push(serialize.parse({ name: name ?? '', text }));
  parts.push(
    serialize.bind({ statement: name ?? '', values: params.map((v) => pgUtils.prepareValue(v)) }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  );
  const chunks = [];
  let length = 0;
  // The chunks are views of the database's memory, reused after the call: each is copied.
  await db.execProtocolRawStream(concat(parts), {
    onRawData: (chunk) => {
      chunks.push(chunk.slice());
      length += chunk.length;
    },
  });
  const out = chunks.length === 1 ? chunks[0] : concat(chunks, length);
  if (parsing && name && !failed(out)) prepared.set(text, name);
  return out;
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
      const bytes = await runQuery(msg.sql, msg.params ?? [], msg.prepare === true);
      const data = bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      parentPort.postMessage({ id: msg.id, ok: true, data }, [data]);
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
