import { invalidArgument } from '../../core/errors.js';
import type { JsonObject } from '../../store/metadata-store.js';
import { type AnalysisPolicy, DEFAULT_ANALYSIS } from './canary-analysis.js';

/** The allowed values of each analysis setting, with how an error message describes them. */
const RULES: Record<keyof AnalysisPolicy, { ok: (v: number) => boolean; range: string }> = {
  minRequests: { ok: (v) => Number.isInteger(v) && v >= 0, range: 'a whole number ≥ 0' },
  maxErrorRateIncrease: { ok: (v) => v >= 0 && v <= 1, range: 'a share from 0 to 1' },
  maxLatencyRatio: { ok: (v) => v > 0, range: 'a ratio > 0' },
  latencySlackMs: { ok: (v) => v >= 0, range: 'milliseconds ≥ 0' },
  minAgreement: { ok: (v) => v >= 0 && v <= 1, range: 'a share from 0 to 1' },
  maxAccuracyDrop: { ok: (v) => v >= 0 && v <= 1, range: 'a share from 0 to 1' },
  minLabelled: { ok: (v) => Number.isInteger(v) && v >= 0, range: 'a whole number ≥ 0' },
};

/**
 * Checks a deployment's analysis overrides (`deploy(..., { analysis })`, stored as `config.analysis`): a JSON object
 * whose keys are AnalysisPolicy settings, each a number in its range. INVALID_ARGUMENT names the key otherwise.
 */
export function checkAnalysisPolicy(given: unknown): Partial<AnalysisPolicy> {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw invalidArgument(`analysis: give an object of settings (${Object.keys(RULES).join(', ')})`);
  const checked: Partial<AnalysisPolicy> = {};
  for (const [key, value] of Object.entries(given)) {
    const rule = Object.hasOwn(RULES, key) ? RULES[key as keyof AnalysisPolicy] : undefined;
    if (!rule)
      throw invalidArgument(`analysis.${key}: no such setting (use ${Object.keys(RULES).join(', ')})`, { key });
    if (typeof value !== 'number' || !Number.isFinite(value) || !rule.ok(value))
      throw invalidArgument(`analysis.${key}: expected ${rule.range}, got ${JSON.stringify(value)}`, { key });
    checked[key as keyof AnalysisPolicy] = value;
  }
  return checked;
}

/** The analysis policy in force for a deployment: its `config.analysis` overrides over DEFAULT_ANALYSIS. */
export function analysisPolicyOf(config: JsonObject): AnalysisPolicy {
  const given = config.analysis;
  return given && typeof given === 'object' && !Array.isArray(given)
    ? { ...DEFAULT_ANALYSIS, ...checkAnalysisPolicy(given) }
    : { ...DEFAULT_ANALYSIS };
}
