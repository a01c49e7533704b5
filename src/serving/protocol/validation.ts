/**
 * Checks a decoded inference request against the model's signature before anything reaches the runtime.
 * Every failure is an INVALID_ARGUMENT OspreyError whose message names the tensor and the problem, and whose
 * details carry `{ tensor, problem }` for machine output.
 *
 * - inputs: no unknown name, none given twice, none missing; the signature's datatype; the signature's rank
 *   and every fixed dimension (-1 matches any size; a signature shape of null accepts any shape);
 * - floating-point inputs: no NaN or ±Infinity unless the policy allows them (most tabular models answer
 *   garbage for NaN rather than failing, so the default refuses it);
 * - requested outputs: no unknown name, none asked for twice.
 */
import { OspreyError } from '../../core/errors.js';
import { fromFloat16Bits } from '../float16.js';
import type { ModelSignature, TensorSpec } from '../runtime.js';
import { formatShape, isFloatDatatype, type Tensor } from '../tensor.js';
import type { InferenceRequest } from './types.js';

export interface ValidationPolicy {
  /** Accept NaN and ±Infinity in FP16/FP32/FP64 inputs. Default false. */
  readonly allowNonFinite?: boolean;
}

export type ValidationProblem =
  | 'unknown-input'
  | 'duplicate-input'
  | 'missing-input'
  | 'datatype'
  | 'rank'
  | 'dimension'
  | 'non-finite'
  | 'unknown-output'
  | 'duplicate-output';

export interface ValidatedRequest {
  /** The inputs by name, ready for LoadedModel.infer. */
  readonly inputs: Map<string, Tensor>;
  /** The outputs to compute, in the order requested; empty means all. */
  readonly outputNames: string[];
}

export function validateInferenceRequest(
  request: InferenceRequest,
  signature: ModelSignature,
  policy: ValidationPolicy = {},
): ValidatedRequest {
  const { specs, outputNames } = lookupsOf(signature);
  const inputs = new Map<string, Tensor>();
  for (const input of request.inputs) {
    const spec = specs.get(input.name);
    if (!spec)
      throw problem(
        input.name,
        'unknown-input',
        `unknown input '${input.name}': the model's inputs are ${names(signature.inputs)}`,
      );
    if (inputs.has(input.name)) throw problem(input.name, 'duplicate-input', `input '${input.name}' is given twice`);
    checkInput(input, spec, policy);
    inputs.set(input.name, input);
  }
  const missing = inputs.size === specs.size ? [] : signature.inputs.filter((spec) => !inputs.has(spec.name));
  if (missing.length > 0)
    throw problem(
      missing[0]!.name,
      'missing-input',
      `missing input${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s.name}' (${s.datatype} ${formatShape(s.shape)})`).join(', ')}`,
    );

  const requested: string[] = [];
  for (const output of request.outputs) {
    if (!outputNames.has(output.name))
      throw problem(
        output.name,
        'unknown-output',
        `unknown output '${output.name}' requested: the model's outputs are ${names(signature.outputs)}`,
      );
    if (requested.includes(output.name))
      throw problem(output.name, 'duplicate-output', `output '${output.name}' is requested twice`);
    requested.push(output.name);
  }
  return { inputs, outputNames: requested };
}

interface SignatureLookups {
  readonly specs: ReadonlyMap<string, TensorSpec>;
  readonly outputNames: ReadonlySet<string>;
}

/** The signature's inputs by name and its output names, made once per signature (every request reads them). */
const LOOKUPS = new WeakMap<ModelSignature, SignatureLookups>();

function lookupsOf(signature: ModelSignature): SignatureLookups {
  let lookups = LOOKUPS.get(signature);
  if (lookups === undefined) {
    lookups = {
      specs: new Map(signature.inputs.map((spec) => [spec.name, spec])),
      outputNames: new Set(signature.outputs.map((spec) => spec.name)),
    };
    LOOKUPS.set(signature, lookups);
  }
  return lookups;
}

function checkInput(input: Tensor & { name: string }, spec: TensorSpec, policy: ValidationPolicy): void {
  const { name } = input;
  if (input.datatype !== spec.datatype)
    throw problem(
      name,
      'datatype',
      `input '${name}' has datatype ${input.datatype} but the model expects ${spec.datatype}`,
    );
  if (spec.shape !== null) {
    if (input.shape.length !== spec.shape.length)
      throw problem(
        name,
        'rank',
        `input '${name}' has shape ${formatShape(input.shape)} of rank ${input.shape.length}, but ${expectedShape(spec.shape)}`,
      );
    for (let axis = 0; axis < spec.shape.length; axis++) {
      const dim = spec.shape[axis]!;
      if (dim >= 0 && input.shape[axis] !== dim)
        throw problem(
          name,
          'dimension',
          `input '${name}' has shape ${formatShape(input.shape)}: dimension ${axis} is ${input.shape[axis]}, but ${expectedShape(spec.shape)}`,
        );
    }
  }
  if (!policy.allowNonFinite && isFloatDatatype(input.datatype)) {
    const index = firstNonFinite(input);
    if (index >= 0)
      throw problem(
        name,
        'non-finite',
        `input '${name}' element ${index} is ${elementValue(input, index)}; NaN and infinite values are not accepted`,
      );
  }
}

function firstNonFinite(input: Tensor): number {
  if (input.datatype === 'FP16') return (input.data as Uint16Array).findIndex((bits) => (bits & 0x7c00) === 0x7c00);
  const data = input.data as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

function elementValue(input: Tensor, index: number): string {
  const value =
    input.datatype === 'FP16' ? fromFloat16Bits((input.data as Uint16Array)[index]!) : Number(input.data[index]);
  return String(value);
}

const expectedShape = (shape: readonly number[]) => `the model expects ${formatShape(shape)} (-1: any size)`;

const names = (specs: readonly TensorSpec[]) => specs.map((s) => `'${s.name}'`).join(', ') || '(none)';

function problem(tensor: string, kind: ValidationProblem, message: string): OspreyError {
  return new OspreyError('INVALID_ARGUMENT', message, { details: { tensor, problem: kind } });
}
