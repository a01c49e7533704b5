/**
 * The worker thread of a WorkerWriter: lowers its own CPU priority (threads/background-priority.ts: logging takes
 * the CPU serving leaves idle), opens the metadata store as its StoreOpener says, answers `opened` (or `failed`),
 * then builds and appends the records of each batch it receives, one at a time, and answers each. `close` closes
 * the store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { lowerThreadPriority } from '../threads/background-priority.js';
import { unpackBatch } from './packed-batch.js';
import type { StoreOpener, WriterReply, WriterRequest } from './worker-writer.js';
import { inThreadWriter } from './writers.js';

const port = parentPort!;
const opener = workerData as StoreOpener;
const send = (reply: WriterReply) => port.postMessage(reply);

lowerThreadPriority();
let store: Pick<MetadataStore, 'predictions' | 'close'>;
try {
  const module = (await import(opener.module)) as Record<string, (...args: unknown[]) => Promise<typeof store>>;
  const open = module[opener.exportName];
  if (open === undefined) throw new Error(`${opener.module} exports no ${opener.exportName}`);
  store = await open(...opener.args);
  send({ type: 'opened' });
} catch (error) {
  send({ type: 'failed', id: undefined, message: errorMessage(error) });
  process.exit(0);
}

const writer = inThreadWriter(store.predictions);
let queue = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue.then(async () => {
    if (request.type === 'close') {
      await store.close().catch(() => {});
      send({ type: 'closed' });
      return;
    }
    try {
      await writer.write(unpackBatch(request.batch));
      send({ type: 'written', id: request.id });
    } catch (error) {
      send({ type: 'failed', id: request.id, message: errorMessage(error) });
    }
  });
});
