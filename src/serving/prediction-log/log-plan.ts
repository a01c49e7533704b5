/**
 * What the prediction log records for one served model version, decided once when the version loads
 * (a bad `logging` configuration fails the load, naming the key): the deployment, the sample rate, the feature
 * name of every input column, and which outputs are the prediction (label) and the scores.
 *
 * - Features: each input contributes the elements of a row. A 2-D input `[rows, n]` gives n features, named by
 *   `feature_names` (the first 2-D input only) or `<input>_<column>` (e.g. `features_0`); a 1-D input `[rows]`
 *   gives one feature named after the input; higher ranks are flattened row-major as `<input>_<index>`.
 * - The label is `label_output`, else the first output whose datatype is not floating point (a class index or
 *   name); the scores are `scores_output`, else the first floating-point output. Without a label output the
 *   prediction is the first output's row (a number when the row has one element) and scores are null.
 * - Request ids: the request's `id` for a one-row request, `<id>:<row>` for each row of a larger one; a
 *   generated id per row when the request has none.
 */
import { TextDecoder } from 'node:util';
import { invalidArgument } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../../store/metadata-store.js';
import type { NewPrediction } from '../../store/monitors.js';
import { fromFloat16Bits } from '../float16.js';
import type { LoggingConfig } from '../model-config.js';
import type { ModelSignature, TensorSpec } from '../runtime.js';
import { isFloatDatatype, type Tensor } from '../tensor.js';

export interface LogPlan {
  readonly deployment: string;
  readonly sampleRate: number;
  /** Whether dimension 0 of every tensor is the batch (otherwise a request is one row). */
  readonly batched: boolean;
  /** Column names of the 2-D input they were configured for. */
  readonly featureNames: ReadonlyMap<string, readonly string[]>;
  readonly labelOutput: string | undefined;
  readonly scoresOutput: string | undefined;
  /** The output that is the prediction when there is no label output. */
  readonly firstOutput: string | undefined;
}

/** The plan for a model version, or undefined when logging is off. INVALID_ARGUMENT for a configuration that cannot apply. */
export function logPlan(
  modelName: string,
  signature: ModelSignature,
  config: LoggingConfig,
  batched: boolean,
): LogPlan | undefined {
  if (!config.enabled || config.sampleRate === 0) return undefined;
  const where = `model '${modelName}' logging`;
  const outputNamed = (key: string, name: string | undefined) => {
    if (name !== undefined && !signature.outputs.some((o) => o.name === name))
      throw invalidArgument(
        `${where}: ${key} '${name}' is not an output of the model (outputs: ${signature.outputs.map((o) => o.name).join(', ')})`,
      );
    return name;
  };
  const labelOutput =
    outputNamed('label_output', config.labelOutput) ??
    signature.outputs.find((o) => !isFloatDatatype(o.datatype))?.name;
  const scoresOutput =
    outputNamed('scores_output', config.scoresOutput) ??
    (labelOutput === undefined ? undefined : signature.outputs.find((o) => isFloatDatatype(o.datatype))?.name);
  const featureNames = new Map<string, readonly string[]>();
  if (config.featureNames !== undefined) {
    const rank = batched ? 2 : 1;
    const input = signature.inputs.find((spec) => spec.shape?.length === rank);
    if (input === undefined)
      throw invalidArgument(`${where}: feature_names needs a 2-D input [rows, columns], and the model has none`);
    const columns = columnCount(input, batched);
    if (columns !== undefined && columns !== config.featureNames.length)
      throw invalidArgument(
        `${where}: feature_names has ${config.featureNames.length} names but input '${input.name}' has ${columns} columns`,
      );
    featureNames.set(input.name, config.featureNames);
  }
  return {
    deployment: config.deployment ?? modelName,
    sampleRate: config.sampleRate,
    batched,
    featureNames,
    labelOutput,
    scoresOutput,
    firstOutput: signature.outputs[0]?.name,
  };
}

function columnCount(spec: TensorSpec, batched: boolean): number | undefined {
  const dim = spec.shape?.[batched ? 1 : 0];
  return dim === undefined || dim < 0 ? undefined : dim;
}

/** One logged request, as the server hands it over (the tensors are only read). */
export interface LoggedRequest {
  readonly plan: LogPlan;
  readonly modelName: string;
  readonly modelVersion: string;
  /** The request's own id, when it has one. */
  readonly requestId: string | undefined;
  readonly at: number;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly outputs: ReadonlyMap<string, Tensor>;
}

/** The rows a request brings to the log. */
export function loggedRows(plan: LogPlan, inputs: ReadonlyMap<string, Tensor>): number {
  if (!plan.batched) return 1;
  for (const tensor of inputs.values()) return tensor.shape[0] ?? 1;
  return 1;
}

/** The prediction log records of one request, a record per row. `newId` makes an id for a request without one. */
export function predictionRecords(logged: LoggedRequest, newId: () => string): NewPrediction[] {
  const { plan } = logged;
  const rows = loggedRows(plan, logged.inputs);
  const label = plan.labelOutput === undefined ? undefined : logged.outputs.get(plan.labelOutput);
  const scores = plan.scoresOutput === undefined ? undefined : logged.outputs.get(plan.scoresOutput);
  const first = plan.firstOutput === undefined ? undefined : logged.outputs.get(plan.firstOutput);
  const records: NewPrediction[] = [];
  for (let row = 0; row < rows; row++) {
    const features: JsonObject = {};
    for (const [name, tensor] of logged.inputs) addFeatures(features, name, tensor, row, rows, plan);
    const requestId =
      logged.requestId === undefined ? newId() : rows === 1 ? logged.requestId : `${logged.requestId}:${row}`;
    records.push({
      deployment: plan.deployment,
      requestId,
      modelName: logged.modelName,
      modelVersion: logged.modelVersion,
      at: logged.at,
      features,
      prediction:
        label !== undefined ? rowValue(label, row, rows) : first !== undefined ? rowValue(first, row, rows) : null,
      scores: scores === undefined ? null : rowArray(scores, row, rows),
    });
  }
  return records;
}

function addFeatures(features: JsonObject, name: string, tensor: Tensor, row: number, rows: number, plan: LogPlan) {
  const perRow = rows === 0 ? 0 : tensor.data.length / rows;
  const start = row * perRow;
  const featureRank = plan.batched ? tensor.shape.length - 1 : tensor.shape.length;
  if (featureRank === 0) {
    features[name] = element(tensor, start);
    return;
  }
  const names = featureRank === 1 ? plan.featureNames.get(name) : undefined;
  for (let i = 0; i < perRow; i++) features[names?.[i] ?? `${name}_${i}`] = element(tensor, start + i);
}

/** A row of an output: its one element, or its elements as an array. */
function rowValue(tensor: Tensor, row: number, rows: number): JsonValue {
  const perRow = tensor.data.length / rows;
  return perRow === 1 ? element(tensor, row) : rowArray(tensor, row, rows);
}

function rowArray(tensor: Tensor, row: number, rows: number): JsonValue[] {
  const perRow = tensor.data.length / rows;
  const values: JsonValue[] = [];
  for (let i = row * perRow; i < (row + 1) * perRow; i++) values.push(element(tensor, i));
  return values;
}

const utf8 = new TextDecoder('utf-8');

/** One element as JSON: numbers, booleans for BOOL, text for BYTES, 64-bit integers beyond 2^53 as strings. */
function element(tensor: Tensor, index: number): JsonValue {
  switch (tensor.datatype) {
    case 'BOOL':
      return tensor.data[index] === 1;
    case 'BYTES':
      return utf8.decode(tensor.data[index]);
    case 'FP16':
      return finite(fromFloat16Bits(tensor.data[index]!));
    case 'INT64':
    case 'UINT64': {
      const value = tensor.data[index]!;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value.toString();
    }
    case 'FP32':
    case 'FP64':
      return finite(tensor.data[index]!);
    default:
      return tensor.data[index]!;
  }
}

/** NaN and ±Infinity (allowed by a model's NaN policy) have no JSON number: logged as null. */
const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
