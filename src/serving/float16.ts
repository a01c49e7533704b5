/**
 * IEEE 754 binary16 ("half", the protocol's FP16) ↔ JavaScript numbers. FP16 tensors are stored as their
 * 16-bit patterns; these conversions serve JSON, which carries FP16 elements as ordinary numbers.
 */

/** The binary16 bit pattern nearest to `value` (round to nearest, ties to even; overflow → ±Infinity). */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return sign | 0x7c00; // 65520 is halfway between 65504 (the largest) and 2^16: ties to even overflow
  if (magnitude < 2 ** -14) return sign | roundHalfEven(magnitude * 2 ** 24); // subnormal: m × 2^-24 (may round up to the smallest normal)
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude)
    exponent -= 1; // log2 can be off by one next to a power of two
  else if (2 ** (exponent + 1) <= magnitude) exponent += 1;
  const significand = roundHalfEven(magnitude * 2 ** (10 - exponent)); // in [1024, 2048]; scaling by 2^k is exact
  return sign | (((exponent + 15) << 10) + (significand - 1024)); // 2048 carries into the exponent, as it should
}

/** Rounds a non-negative number to an integer, ties to even. Exact for the magnitudes used here (< 2^12). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

/** The number a binary16 bit pattern stands for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
