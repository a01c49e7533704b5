/**
 * Checks of trainer options, with messages that name the option, its allowed range and the value given.
 */
import { invalidArgument } from '../core/errors.js';

export interface NumberRule {
  /** Smallest allowed value (inclusive unless `exclusiveMin`). */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  integer?: boolean;
}

/** `value` if given and valid, `fallback` if undefined; an INVALID_ARGUMENT naming `name` otherwise. */
export function numberOption(name: string, value: unknown, fallback: number, rule: NumberRule): number {
  if (value === undefined) return fallback;
  const range = describeRule(rule);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidArgument(`option ${name} must be a finite number ${range}, got ${String(value)}`);
  if (rule.integer && !Number.isInteger(value))
    throw invalidArgument(`option ${name} must be an integer ${range}, got ${value}`);
  const belowMin = rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min);
  if (belowMin || (rule.max !== undefined && value > rule.max))
    throw invalidArgument(`option ${name} must be ${range}, got ${value}`);
  return value;
}

function describeRule(rule: NumberRule): string {
  const low = rule.min === undefined ? '' : `${rule.exclusiveMin ? '>' : '≥'} ${rule.min}`;
  const high = rule.max === undefined ? '' : `≤ ${rule.max}`;
  return [low, high].filter(Boolean).join(' and ') || 'of any size';
}
