// Seeded synthetic streams with one known change point, for measuring detection delay and false alarms.
// The generator is xoshiro128** (Blackman & Vigna) with its state filled from the seed by SplitMix32.

/** A small seeded PRNG (xoshiro128**), uniform doubles in [0, 1) with 32 random bits. */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareGaussian: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      // SplitMix32 (Vigna): spreads a small integer seed over the whole state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result / 4294967296;
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): 0 | 1 {
    return this.uniform() < p ? 1 : 0;
  }

  /** Normal(mean, sd) by the Box–Muller transform. */
  gaussian(mean = 0, sd = 1): number {
    if (this.spareGaussian !== null) {
      const z = this.spareGaussian;
      this.spareGaussian = null;
      return mean + sd * z;
    }
    const u = 1 - this.uniform(); // (0, 1]
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Error bits: Bernoulli(before) for indices < changePoint, Bernoulli(after) from changePoint on. */
export function bernoulliStream(seed: number, length: number, changePoint: number, before: number, after: number) {
  const rng = new SeededRandom(seed);
  return Array.from({ length }, (_, i) => rng.bernoulli(i < changePoint ? before : after));
}

/** Normal(meanBefore, sd) for indices < changePoint, Normal(meanAfter, sd) from changePoint on. */
export function gaussianStream(
  seed: number,
  length: number,
  changePoint: number,
  meanBefore: number,
  meanAfter: number,
  sd: number,
) {
  const rng = new SeededRandom(seed);
  return Array.from({ length }, (_, i) => rng.gaussian(i < changePoint ? meanBefore : meanAfter, sd));
}
