/** A seeded generator for tests and benchmarks (xorshift32 → uniform in [0, 1), Box–Muller → normal). */
export function seededRandom(seed: number) {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const normal = () => {
    const u = uniform() || Number.MIN_VALUE;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return {
    uniform,
    normal,
    /** n normal values with the given mean and standard deviation. */
    normals(n: number, mean = 0, std = 1): Float64Array {
      return Float64Array.from({ length: n }, () => mean + std * normal());
    },
    /** n draws from the categories with the given weights. */
    categories(n: number, names: string[], weights: number[]): string[] {
      const total = weights.reduce((a, b) => a + b, 0);
      return Array.from({ length: n }, () => {
        let u = uniform() * total;
        for (let i = 0; i < names.length; i++) {
          u -= weights[i]!;
          if (u < 0) return names[i]!;
        }
        return names[names.length - 1]!;
      });
    },
  };
}
