/**
 * A runtime that runs another runtime's models in worker threads: each `load` starts one worker holding one
 * model instance (so a version's `instance_count` instances are as many threads), and `infer` sends the inputs
 * there and resolves with the outputs. The main thread keeps parsing, validating and batching requests while
 * models compute: batches overlap with request handling, and instances really run in parallel (ONNX Runtime's
 * Node binding runs a session synchronously on the thread that calls it).
 *
 * Inputs are copied to the worker (a request's tensors stay readable for the prediction log); outputs are
 * transferred back, not copied. Errors keep their code. The wrapped runtime is named by module URL and export,
 * since a worker cannot receive a class: `new WorkerThreadRuntime('onnxruntime', onnxModuleUrl, 'OnnxRuntime')`.
 */
import type { Worker } from 'node:worker_threads';
import { OspreyError } from '../../../core/errors.js';
import type { LoadedModel, ModelRuntime, ModelSignature, ModelSource, SessionOptions } from '../../runtime.js';
import type { Tensor } from '../../tensor.js';
import { startWorker } from '../../threads/start-worker.js';
import {
  type FromWorker,
  packTensors,
  type ToWorker,
  unpackError,
  unpackTensors,
  type WorkerData,
} from './messages.js';

export class WorkerThreadRuntime implements ModelRuntime {
  constructor(
    readonly name: string,
    private readonly module: string,
    private readonly exportName: string,
  ) {}

  load(source: ModelSource, options: SessionOptions = {}): Promise<LoadedModel> {
    const data: WorkerData = { module: this.module, exportName: this.exportName, source, options };
    const worker = startWorker(import.meta.url, './runtime-worker', data);
    return new Promise<LoadedModel>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        worker.off('error', onError);
        worker.off('message', onMessage);
        if (message.type === 'loaded') resolve(new WorkerModel(worker, message.signature));
        else {
          void worker.terminate();
          reject(
            message.type === 'failed'
              ? unpackError(message.error)
              : new OspreyError('INTERNAL', 'worker: unexpected message'),
          );
        }
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        void worker.terminate();
        reject(
          new OspreyError('INTERNAL', `the model's worker thread failed to start: ${error.message}`, { cause: error }),
        );
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }
}

interface Call {
  readonly resolve: (outputs: Map<string, Tensor>) => void;
  readonly reject: (error: unknown) => void;
}

class WorkerModel implements LoadedModel {
  private readonly calls = new Map<number, Call>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private failure: OspreyError | undefined;

  constructor(
    private readonly worker: Worker,
    readonly signature: ModelSignature,
  ) {
    worker.unref(); // a worker waiting for work keeps nobody alive; one computing does (see infer)
    worker.on('message', (message: FromWorker) => this.received(message));
    worker.on('error', (error) => this.crashed(`the model's worker thread failed: ${error.message}`));
    worker.on('exit', (code) => this.crashed(`the model's worker thread exited (code ${code})`));
  }

  infer(inputs: ReadonlyMap<string, Tensor>, outputNames: readonly string[] = []): Promise<Map<string, Tensor>> {
    if (this.closing !== undefined)
      return Promise.reject(new OspreyError('UNAVAILABLE', 'the model has been unloaded'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.calls.size === 0) this.worker.ref();
      this.calls.set(id, { resolve, reject });
      const message: ToWorker = { type: 'infer', id, inputs: packTensors(inputs), outputNames: [...outputNames] };
      this.worker.postMessage(message);
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.failure !== undefined) return resolve();
      this.worker.ref();
      const done = () => {
        void this.worker.terminate().then(() => resolve());
      };
      this.worker.once('exit', resolve);
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'closed') done();
      });
      // In-flight inferences are answered before the worker reads the close message (one message at a time).
      this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    });
    return this.closing;
  }

  private received(message: FromWorker): void {
    if (message.type !== 'result' && message.type !== 'failed') return;
    if (message.id === undefined) return;
    const call = this.calls.get(message.id);
    if (call === undefined) return;
    this.calls.delete(message.id);
    if (this.calls.size === 0 && this.closing === undefined) this.worker.unref();
    if (message.type === 'result') call.resolve(unpackTensors(message.outputs));
    else call.reject(unpackError(message.error));
  }

  private crashed(reason: string): void {
    if (this.closing !== undefined && this.calls.size === 0) return;
    this.failure ??= new OspreyError('UNAVAILABLE', reason);
    for (const call of this.calls.values()) call.reject(this.failure);
    this.calls.clear();
  }
}
