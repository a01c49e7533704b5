/**
 * The worker thread of a WorkerThreadRuntime: loads one model with the runtime named in its worker data, answers
 * `loaded` (its signature) or `failed`, then runs inferences one message at a time and sends the outputs back,
 * transferring their buffers. `close` frees the model and answers `closed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedModel, ModelRuntime } from '../../runtime.js';
import {
  type FromWorker,
  packError,
  packTensors,
  type ToWorker,
  transferable,
  unpackTensors,
  type WorkerData,
} from './messages.js';

const port = parentPort!;
const data = workerData as WorkerData;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let model: LoadedModel;
try {
  const module = (await import(data.module)) as Record<string, new () => ModelRuntime>;
  const Runtime = module[data.exportName];
  if (Runtime === undefined) throw new Error(`${data.module} exports no ${data.exportName}`);
  model = await new Runtime().load(data.source, data.options);
  send({ type: 'loaded', signature: model.signature });
} catch (error) {
  send({ type: 'failed', id: undefined, error: packError(error) });
  process.exit(0);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void model.close().finally(() => send({ type: 'closed' }));
    return;
  }
  model.infer(unpackTensors(message.inputs), message.outputNames).then(
    (outputs) => {
      const packed = packTensors(outputs);
      send({ type: 'result', id: message.id, outputs: packed }, transferable(packed));
    },
    (error: unknown) => send({ type: 'failed', id: message.id, error: packError(error) }),
  );
});
