// Reads the SciPy oracle fixtures written by scripts/oracles/make_stats_oracles.py and compares numbers with the
// tolerance of issue 5: relative error ≤ 1e-8, or absolute error ≤ 1e-14 where the expected value is below 1e-6.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export interface OracleFile<C> {
  kind: string;
  scipy: string;
  numpy: string;
  cases: C[];
}

/** A stored sample: explicit numbers, or an xorshift32 recipe for the very large ones. */
export type StoredSample = number[] | { gen: 'xorshift32'; seed: number; n: number; mod: number; offset: number };

export function loadOracle<C>(name: string): OracleFile<C> {
  const url = new URL(`../fixtures/${name}.json`, import.meta.url);
  const file = JSON.parse(readFileSync(url, 'utf8')) as OracleFile<C>;
  assert.equal(file.kind, name);
  assert.ok(file.cases.length > 0, `${name}: no cases`);
  return file;
}

/** value_i = (x_i mod mod) + offset with x the xorshift32 sequence from seed (as the Python generator). */
export function sample(stored: StoredSample): Float64Array {
  if (Array.isArray(stored)) return Float64Array.from(stored);
  const out = new Float64Array(stored.n);
  let x = stored.seed >>> 0;
  for (let i = 0; i < stored.n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x % stored.mod) + stored.offset;
  }
  return out;
}

export const REL_TOL = 1e-8;
export const ABS_TOL_SMALL = 1e-14;
export const SMALL = 1e-6;

/** Whether `actual` matches SciPy's `expected` within the tolerance. */
export function close(actual: number, expected: number): boolean {
  if (actual === expected) return true;
  const err = Math.abs(actual - expected);
  if (err <= REL_TOL * Math.abs(expected)) return true;
  return Math.abs(expected) < SMALL && err <= ABS_TOL_SMALL;
}

/** Relative error (for reporting the worst case of a suite). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
}

/** Collects mismatches so a suite reports all of them at once, then asserts there are none. */
export class Comparison {
  readonly failures: string[] = [];
  count = 0;

  /** Worst relative error where SciPy's value is ≥ 1e-6, worst absolute error below. */
  worstRelative = 0;
  worstAbsoluteSmall = 0;

  check(label: string, actual: number, expected: number | null | string): void {
    this.count++;
    const want = expected === 'Infinity' ? Number.POSITIVE_INFINITY : expected;
    if (typeof want !== 'number') {
      this.failures.push(`${label}: expected ${String(expected)} is not a number`);
      return;
    }
    if (actual !== want) {
      if (Math.abs(want) >= SMALL) this.worstRelative = Math.max(this.worstRelative, relativeError(actual, want));
      else this.worstAbsoluteSmall = Math.max(this.worstAbsoluteSmall, Math.abs(actual - want));
    }
    if (!close(actual, want)) {
      this.failures.push(
        `${label}: got ${actual}, SciPy ${want} (rel ${relativeError(actual, want).toExponential(2)})`,
      );
    }
  }

  equal(label: string, actual: unknown, expected: unknown): void {
    this.count++;
    if (actual !== expected) this.failures.push(`${label}: got ${String(actual)}, SciPy ${String(expected)}`);
  }

  summary(): string {
    return `${this.count} comparisons; worst relative error ${this.worstRelative.toExponential(1)} (values ≥ 1e-6), worst absolute error ${this.worstAbsoluteSmall.toExponential(1)} (values < 1e-6)`;
  }

  assertAll(minimum: number): void {
    assert.ok(this.count >= minimum, `only ${this.count} comparisons, expected at least ${minimum}`);
    assert.deepEqual(this.failures.slice(0, 20), [], `${this.failures.length} of ${this.count} comparisons differ`);
  }
}
