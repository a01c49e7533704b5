import type { DriftMethod, FeatureType, MethodChoice } from './methods.js';
import { appliesTo, autoMethod } from './methods.js';
import type { ColumnChart } from './types.js';

/** What analysing one column gives, before corrections and verdicts (computed in a worker for numbers). */
export interface ColumnOutcome {
  type: FeatureType;
  method: DriftMethod | null;
  statistic: number | null;
  pValue: number | null;
  effectSize: number | null;
  /** Values the method used. */
  nReference: number;
  nCurrent: number;
  notes: string[];
  chart: ColumnChart | null;
  /** Set when the column could not be analysed (e.g. an override that does not fit). */
  error?: string;
}

/** How a method was asked for: the global --method, or an override for this column. */
export interface MethodRequest {
  method: MethodChoice;
  perColumn: boolean;
}

/**
 * The method for a column: auto's choice, the requested method when it applies to the column's type, auto's choice
 * with a note when a global --method does not apply, and an error when a per-column override does not.
 */
export function resolveMethod(
  request: MethodRequest,
  type: FeatureType,
  nReference: number,
  nCurrent: number,
  categories: number,
  notes: string[],
): { method: DriftMethod } | { error: string } {
  const auto = autoMethod(type, nReference, nCurrent, categories);
  if (request.method === 'auto') return { method: auto };
  if (appliesTo(request.method, type)) return { method: request.method };
  if (request.perColumn) {
    return { error: `method ${request.method} does not apply to a ${type} column` };
  }
  notes.push(`${request.method} does not apply to ${type} columns: used ${auto}`);
  return { method: auto };
}

/** The outcome of a column that has no values on one side (or both): no test, a note saying which side is empty. */
export function emptyOutcome(
  type: FeatureType,
  nReference: number,
  nCurrent: number,
  chart: ColumnChart | null,
): ColumnOutcome {
  const sides = [nReference === 0 ? 'reference' : null, nCurrent === 0 ? 'current' : null].filter(Boolean);
  return {
    type,
    method: null,
    statistic: null,
    pValue: null,
    effectSize: null,
    nReference,
    nCurrent,
    notes: [`no values to compare: the ${sides.join(' and ')} ${sides.length > 1 ? 'are' : 'is'} empty (all missing)`],
    chart,
  };
}

/** An outcome that is only an error: the column could not be analysed. */
export function failed(type: FeatureType, error: string): ColumnOutcome {
  return {
    type,
    method: null,
    statistic: null,
    pValue: null,
    effectSize: null,
    nReference: 0,
    nCurrent: 0,
    notes: [],
    chart: null,
    error,
  };
}

/** Runs one column's analysis; if it throws, the message becomes that column's error and the report goes on. */
export function guarded(type: FeatureType, analyse: () => ColumnOutcome): ColumnOutcome {
  try {
    return analyse();
  } catch (error) {
    return failed(type, `could not be analysed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
