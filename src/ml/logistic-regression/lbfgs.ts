/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithm 7.4/7.5) with a backtracking line
 * search on the Armijo condition. Deterministic: the same objective and start give the same iterates.
 */

/** Returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when the largest gradient component is at most this. */
  gradientTolerance: number;
  /** Stop when an iteration decreases f by at most this relative amount. */
  relativeDecreaseTolerance?: number;
  /** How many (s, y) pairs approximate the inverse Hessian. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 50;

export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = start.length;
  const memory = options.memory ?? 10;
  const relativeTolerance = options.relativeDecreaseTolerance ?? 1e-12;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(memory);

  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (maxAbs(gradient) <= options.gradientTolerance) return { x, value, iterations: iteration, converged: true };

    // Two-loop recursion: direction = −H·∇f, H scaled by sᵀy / yᵀy of the newest pair.
    for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
    for (let j = pairs.length - 1; j >= 0; j--) {
      const { s, y, rho } = pairs[j]!;
      alpha[j] = rho * dot(s, direction);
      axpy(-alpha[j]!, y, direction);
    }
    const newest = pairs.at(-1);
    const gamma = newest ? dot(newest.s, newest.y) / dot(newest.y, newest.y) : 1 / Math.max(1, norm(gradient));
    for (let i = 0; i < n; i++) direction[i]! *= gamma;
    for (let j = 0; j < pairs.length; j++) {
      const { s, y, rho } = pairs[j]!;
      const beta = rho * dot(y, direction);
      axpy(alpha[j]! - beta, s, direction);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      pairs.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]! / Math.max(1, norm(gradient));
      slope = dot(gradient, direction);
    }

    const next = new Float64Array(n);
    const nextGradient = new Float64Array(n);
    let step = 1;
    let nextValue = Number.POSITIVE_INFINITY;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++, step /= 2) {
      for (let i = 0; i < n; i++) next[i] = x[i]! + step * direction[i]!;
      nextValue = objective(next, nextGradient);
      if (nextValue <= value + ARMIJO * step * slope) break;
    }
    if (!(nextValue <= value)) return { x, value, iterations: iteration, converged: false }; // no progress possible

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = next[i]! - x[i]!;
      y[i] = nextGradient[i]! - gradient[i]!;
    }
    const curvature = dot(s, y);
    if (curvature > 1e-12) {
      pairs.push({ s, y, rho: 1 / curvature });
      if (pairs.length > memory) pairs.shift();
    }
    const decrease = value - nextValue;
    x = next;
    gradient = nextGradient;
    value = nextValue;
    if (decrease <= relativeTolerance * Math.max(1, Math.abs(value)))
      return { x, value, iterations: iteration + 1, converged: true };
  }
  return { x, value, iterations: options.maxIterations, converged: maxAbs(gradient) <= options.gradientTolerance };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}
