/**
 * The ONNX Runtime implementation of the runtime interface (runtime.ts), on `onnxruntime-node`'s CPU
 * execution provider (the binary shipped inside the npm package; nothing is downloaded at install).
 */
import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { errorMessage, invalidArgument, notFound, OspreyError } from '../../../core/errors.js';
import type {
  LoadedModel,
  ModelRuntime,
  ModelSignature,
  ModelSource,
  SessionOptions,
  TensorSpec,
} from '../../runtime.js';
import { allocateData, elementCount, type Tensor } from '../../tensor.js';
import { WorkerThreadRuntime } from '../worker-thread/worker-thread-runtime.js';
import { fromOrtTensor, toOrtTensor } from './datatypes.js';
import { readSignature } from './signature.js';

export class OnnxRuntime implements ModelRuntime {
  readonly name = 'onnxruntime';

  async load(source: ModelSource, options: SessionOptions = {}): Promise<LoadedModel> {
    // On its own thread: this same class, loaded in a worker (runtimes/worker-thread).
    if (options.ownThread === true)
      return new WorkerThreadRuntime(this.name, import.meta.url, 'OnnxRuntime').load(source, {
        ...options,
        ownThread: false,
      });
    const sessionOptions = toOrtSessionOptions(options);
    const where = 'path' in source ? source.path : `(${source.bytes.byteLength} bytes)`;
    if ('path' in source)
      await stat(source.path).catch(() => Promise.reject(notFound(`no model file at ${source.path}`)));
    let session: ort.InferenceSession;
    try {
      session =
        'path' in source
          ? await ort.InferenceSession.create(source.path, sessionOptions)
          : await ort.InferenceSession.create(source.bytes, sessionOptions);
    } catch (cause) {
      throw new OspreyError(
        'INVALID_ARGUMENT',
        `cannot load ONNX model ${where}: ${explainLoadError(errorMessage(cause))}`,
        {
          cause,
        },
      );
    }
    try {
      const signature = await readSignature(session, () =>
        'path' in source ? readFile(source.path) : Promise.resolve(source.bytes),
      );
      const model = new OnnxModel(session, signature);
      if (options.warmUp !== false) await model.warmUp(where);
      return model;
    } catch (error) {
      await session.release();
      throw error;
    }
  }
}

/** ONNX TensorProto.DataType numbers with no protocol datatype, as ONNX Runtime's binding names them in errors. */
const UNSERVABLE_ONNX_TYPES: Record<string, string> = {
  '14': 'COMPLEX64',
  '15': 'COMPLEX128',
  '16': 'BFLOAT16',
  '17': 'FLOAT8E4M3FN',
  '18': 'FLOAT8E4M3FNUZ',
  '19': 'FLOAT8E5M2',
  '20': 'FLOAT8E5M2FNUZ',
  '21': 'UINT4',
  '22': 'INT4',
  '23': 'FLOAT4E2M1',
};

function explainLoadError(message: string): string {
  const type = /Unsupported data type: (\d+)/.exec(message)?.[1];
  const name = type === undefined ? undefined : UNSERVABLE_ONNX_TYPES[type];
  return name
    ? `${message} (an input or output has ONNX element type ${name}, which the inference protocol cannot carry)`
    : message;
}

function toOrtSessionOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  for (const key of ['intraOpThreads', 'interOpThreads'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 1024))
      throw invalidArgument(`${key} must be an integer from 1 to 1024, got ${value}`);
  }
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4, // fatal only: a failed run reaches the caller as an OspreyError, not as a console line
    ...(options.intraOpThreads === undefined ? {} : { intraOpNumThreads: options.intraOpThreads }),
    ...(options.interOpThreads === undefined
      ? {}
      : {
          interOpNumThreads: options.interOpThreads,
          executionMode: options.interOpThreads > 1 ? 'parallel' : 'sequential',
        }),
  };
}

class OnnxModel implements LoadedModel {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Every output, fetched when a request names none (made once: it is most requests). */
  private readonly allOutputs: readonly string[];

  constructor(
    private readonly session: ort.InferenceSession,
    readonly signature: ModelSignature,
  ) {
    this.allOutputs = signature.outputs.map((o) => o.name);
  }

  async infer(inputs: ReadonlyMap<string, Tensor>, outputNames: readonly string[] = []): Promise<Map<string, Tensor>> {
    if (this.closed) throw new OspreyError('UNAVAILABLE', 'the model has been unloaded');
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of inputs) feeds[name] = toOrtTensor(name, tensor);
    const fetches = outputNames.length > 0 ? outputNames : this.allOutputs;
    const run = this.session.run(feeds, fetches as string[]);
    this.inFlight.add(run);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await run;
    } catch (cause) {
      // Inputs passed the signature checks; what ONNX Runtime still refuses depends on the values
      // (an index out of range, batch sizes that differ between inputs…).
      throw new OspreyError('INVALID_ARGUMENT', `inference failed: ${errorMessage(cause)}`, { cause });
    } finally {
      this.inFlight.delete(run);
    }
    const outputs = new Map<string, Tensor>();
    for (const name of fetches) outputs.set(name, fromOrtTensor(name, results[name]!));
    return outputs;
  }

  /** One inference on inputs made from the signature: zeros (empty strings for BYTES), variable dims as 1. */
  async warmUp(where: string): Promise<void> {
    const inputs = new Map(this.signature.inputs.map((spec) => [spec.name, warmUpTensor(spec)]));
    try {
      await this.infer(inputs);
    } catch (cause) {
      throw new OspreyError(
        'INVALID_ARGUMENT',
        `ONNX model ${where} loaded but its warm-up inference (zeros, variable dimensions set to 1) failed: ${errorMessage(cause)} — set warm_up: false in the model's config file if the model cannot run on such inputs`,
        { cause },
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    await this.session.release();
  }
}

function warmUpTensor(spec: TensorSpec): Tensor {
  const shape = spec.shape === null ? [1] : spec.shape.map((dim) => (dim < 0 ? 1 : dim));
  return { datatype: spec.datatype, shape, data: allocateData(spec.datatype, elementCount(shape)) } as Tensor;
}
