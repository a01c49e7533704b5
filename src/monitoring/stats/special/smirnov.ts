import { logBinomial, logGamma } from './gamma.js';

/**
 * The one-sided Kolmogorov–Smirnov (Smirnov) survival function P(D⁺ₙ ≥ x) for a sample of n
 * (scipy.special.smirnov), by the Smirnov / Birnbaum–Tingey sum
 *
 *     P(D⁺ₙ ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v},
 *
 * whose terms are all positive; each is evaluated in logarithms, with n·x split exactly into integer and
 * fractional parts so that 1 − x − v/n carries no cancellation. Relative accuracy ~n·1e-16 (SciPy evaluates the
 * same sum in double-double). Special cases as in SciPy: n = 1, x ≤ 1/n, x ≥ 1 − 1/n, the underflow region
 * −2nx² < −708.4, and for n > 10⁶ the approximation exp(−(6nx + 1)²/(18n)).
 */

const MIN_LOG = -708.3964185322641;
const EPS = 2.220446049250313e-16;
const SPLITTER = 134217729;

/** n·x as an integer part and a fraction in [0, 1), exactly (Dekker's product). */
function splitProduct(n: number, x: number): { floor: number; frac: number } {
  const hi = n * x;
  const cn = SPLITTER * n;
  const nHi = cn - (cn - n);
  const nLo = n - nHi;
  const cx = SPLITTER * x;
  const xHi = cx - (cx - x);
  const xLo = x - xHi;
  const lo = nHi * xHi - hi + nHi * xLo + nLo * xHi + nLo * xLo;
  let floor = Math.floor(hi);
  let frac = hi - floor + lo;
  if (frac < 0) {
    floor -= 1;
    frac += 1;
  } else if (frac >= 1) {
    floor += 1;
    frac -= 1;
  }
  return { floor, frac };
}

/** Largest n given a ln Γ table (1.6 MB); beyond it ln C(n, v) is computed term by term. */
const TABLE_MAX_N = 200_000;

/**
 * ln Γ(k) for k = 1 … n + 1 (index k), the values of `logGamma` (so sums using them do not change by a bit); the
 * table of the last n asked for is kept, as a drift report asks for the same n column after column.
 */
let cachedTable: Float64Array = new Float64Array(0);
function logGammaTable(n: number): Float64Array | null {
  if (n > TABLE_MAX_N) return null;
  if (cachedTable.length !== n + 2) {
    const table = new Float64Array(n + 2);
    for (let k = 1; k <= n + 1; k++) table[k] = logGamma(k);
    cachedTable = table;
  }
  return cachedTable;
}

/** P(D⁺ₙ ≥ x), the one-sided Kolmogorov–Smirnov survival function (scipy.special.smirnov). */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: nxFloor, frac: alpha } = splitProduct(n, x);
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    // x ≤ 1/n: the CDF is x(1 + x)^(n−1).
    return 1 - x * (1 + x) ** (n - 1);
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // Lower sum over v = 0 … n − ⌊nx⌋ − 1 (with nx integral the last, zero, term is left out).
  const lnGamma = logGammaTable(n);
  const sum = lnGamma ? lowerSum(n, nxFloor, alpha, lnGamma) : lowerSumUntabled(n, nxFloor, alpha);
  return Math.min(1, Math.max(0, x * sum));
}

/**
 * Σ_{v=0}^{n−⌊nx⌋−1} C(n, v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v}, each term in logarithms, stopping once the terms
 * left cannot move the sum; ln C(n, v) = ln Γ(n + 1) − ln Γ(v + 1) − ln Γ(n − v + 1) from the table of ln Γ.
 */
function lowerSum(n: number, nxFloor: number, alpha: number, lnGamma: Float64Array): number {
  const last = n - nxFloor - 1;
  const logN = Math.log(n);
  const lnGammaTop = lnGamma[n + 1]!;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const upper = v + nxFloor + alpha; // n(x + v/n)
    const lower = n - v - nxFloor - alpha; // n(1 − x − v/n)
    const logC = lnGammaTop - lnGamma[v + 1]! - lnGamma[n - v + 1]!;
    const logTerm = logC + (v - 1) * (Math.log(upper) - logN) + (n - v) * (Math.log(lower) - logN);
    const term = Math.exp(logTerm);
    sum += term;
    if (term !== 0 && 4 * (last - v) * term < EPS * sum) break;
  }
  return sum;
}

/** {@link lowerSum} with ln C(n, v) computed term by term (n too large for a table). */
function lowerSumUntabled(n: number, nxFloor: number, alpha: number): number {
  const last = n - nxFloor - 1;
  const logN = Math.log(n);
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const upper = v + nxFloor + alpha;
    const lower = n - v - nxFloor - alpha;
    const logTerm = logBinomial(n, v) + (v - 1) * (Math.log(upper) - logN) + (n - v) * (Math.log(lower) - logN);
    const term = Math.exp(logTerm);
    sum += term;
    if (term !== 0 && 4 * (last - v) * term < EPS * sum) break;
  }
  return sum;
}
