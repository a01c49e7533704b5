// Reads the scikit-learn / NannyML oracle fixtures written by fixtures/make_oracles.py and compares numbers with
// the tolerance of this module: relative error ≤ 1e-12 (absolute ≤ 1e-15 where the oracle's value is 0).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const REL_TOL = 1e-12;

export function loadFixture<F extends { kind: string; cases: unknown[] }>(name: string): F {
  const file = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as F;
  assert.equal(file.kind, name);
  assert.ok(file.cases.length > 0, `${name}: no cases`);
  return file;
}

/** Collects every comparison of a suite, then asserts all are within tolerance and reports the worst. */
export class OracleComparison {
  readonly failures: string[] = [];
  count = 0;
  worst = 0;

  check(label: string, actual: number | null, expected: number | null): void {
    this.count++;
    if (expected === null || actual === null) {
      if (expected !== actual) this.failures.push(`${label}: got ${actual}, oracle ${expected}`);
      return;
    }
    const error = Math.abs(actual - expected);
    const relative = expected === 0 ? error : error / Math.abs(expected);
    if (expected !== 0) this.worst = Math.max(this.worst, relative);
    const ok = expected === 0 ? error <= 1e-15 : relative <= REL_TOL;
    if (!ok) this.failures.push(`${label}: got ${actual}, oracle ${expected} (rel ${relative.toExponential(2)})`);
  }

  summary(): string {
    return `${this.count} values compared, worst relative error ${this.worst.toExponential(2)}`;
  }

  assertAll(minimum: number): void {
    assert.deepEqual(this.failures.slice(0, 20), [], `${this.failures.length} mismatches`);
    assert.ok(this.count >= minimum, `only ${this.count} comparisons`);
  }
}
