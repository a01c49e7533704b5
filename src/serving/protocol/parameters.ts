/**
 * `$parameters` (Open Inference Protocol, "Parameters"): "zero or more name/value pairs, where the name is
 * the name of the parameter and the value is a $string, $number, or $boolean".
 * The binary tensor data extension's parameters (`binary_data_size`, `binary_data`, `binary_data_output`)
 * are read here too, with their types checked.
 */
import { invalidArgument } from '../../core/errors.js';
import type { Parameters } from './types.js';

export function parseJsonParameters(value: unknown, where: string): Parameters {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgument(`${where}: "parameters" must be an object of name/value pairs`);
  for (const [name, parameter] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof parameter))
      throw invalidArgument(`${where}: parameter "${name}" must be a string, number or boolean`);
  }
  return value as Parameters;
}

/** A boolean parameter; undefined when absent. */
export function booleanParameter(parameters: Parameters, name: string, where: string): boolean | undefined {
  const value = parameters[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalidArgument(`${where}: parameter "${name}" must be true or false, got ${JSON.stringify(String(value))}`);
}

/** A non-negative integer parameter (a byte count); undefined when absent. */
export function sizeParameter(parameters: Parameters, name: string, where: string): number | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  const size = typeof value === 'bigint' ? Number(value) : value;
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) return size;
  throw invalidArgument(
    `${where}: parameter "${name}" must be a non-negative integer, got ${JSON.stringify(String(value))}`,
  );
}
