/** Milliseconds since the Unix epoch: the one time representation stored in metadata. */
export type EpochMillis = number;

export function nowMillis(): EpochMillis {
  return Date.now();
}

export function isoTime(ms: EpochMillis): string {
  return new Date(ms).toISOString();
}

/**
 * The longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days): Node fires a longer one after 1 ms.
 * A deadline beyond it is, for any request, no deadline.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
