// Worker thread of the SQLite store's checkpointer (sqlite-checkpointer.ts): its own connection
// copies the WAL back into the database file, and fsyncs both, on a timer. A PASSIVE checkpoint
// takes no lock a writer or a reader waits on, so the API's commits never wait for it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerInput, CheckpointerMessage } from './sqlite-checkpointer.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-checkpoint-worker runs only as a worker thread');
const input = workerData as CheckpointerInput;

let last = { log: 0, checkpointed: 0 };

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const db = new Database(input.file);
// This connection never writes, but a close of the last connection would checkpoint anyway.
db.pragma('wal_autocheckpoint = 0');

const post = (m: CheckpointerMessage): void => port.postMessage(m);

function checkpoint(): void {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
  if (row === undefined || row.log === 0) return;
  // Until a writer restarts the WAL, every checkpoint reports the same frames: say it once.
  if (row.log === last.log && row.checkpointed === last.checkpointed) return;
  last = { log: row.log, checkpointed: row.checkpointed };
  post({ kind: 'checkpoint', busy: row.busy === 1, log: row.log, checkpointed: row.checkpointed });
}

const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (err) {
    // The store falls back to checkpointing in its own commits (sqlite-checkpointer.ts).
    clearInterval(timer);
    post({ kind: 'failed', message: (err as Error).message });
    if (db.open) db.close();
  }
}, input.everyMs);

port.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  if (db.open) db.close();
  port.close();
});

post({ kind: 'ready' });
