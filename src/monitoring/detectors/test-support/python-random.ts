// CPython's `random.Random(seed)` (MT19937 seeded by init_by_array with the seed's 32-bit words), enough of it to
// replay the streams of river's own documentation and tests: random(), choices(population, k) and
// choices(population, k, weights). Used only by tests, to compare with river's published detection indices.
const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** random.Random(seed) for a non-negative integer seed below 2^53. */
  constructor(seed: number) {
    const key: number[] = [];
    let s = seed;
    do {
      key.push(s % 2 ** 32);
      s = Math.floor(s / 2 ** 32);
    } while (s > 0);
    this.initByArray(key);
  }

  /** A uniform double in [0, 1) with 53 random bits: (a·2^26 + b) / 2^53, a = word >>> 5, b = word >>> 6. */
  random(): number {
    const a = this.nextWord() >>> 5;
    const b = this.nextWord() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random.choices(population, k=k): population[floor(random() · n)] k times. */
  choices<T>(population: readonly T[], k: number): T[] {
    const out: T[] = [];
    for (let i = 0; i < k; i++) out.push(population[Math.floor(this.random() * population.length)]!);
    return out;
  }

  /** random.choices(population, weights, k=k): bisect_right(cumulative weights, random() · total). */
  weightedChoices<T>(population: readonly T[], weights: readonly number[], k: number): T[] {
    const cumulative: number[] = [];
    let acc = 0;
    for (const w of weights) {
      acc += w;
      cumulative.push(acc);
    }
    const total = cumulative[cumulative.length - 1]!;
    const out: T[] = [];
    for (let i = 0; i < k; i++) {
      const x = this.random() * total;
      let lo = 0;
      let hi = population.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x < cumulative[mid]!) hi = mid;
        else lo = mid + 1;
      }
      out.push(population[lo]!);
    }
    return out;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private nextWord(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[(kk + 1) % N]! & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
