/** Milliseconds since the Unix epoch: the one time representation stored in metadata. */
export type EpochMillis = number;

export function nowMillis(): EpochMillis {
  return Date.now();
}

export function isoTime(ms: EpochMillis): string {
  return new Date(ms).toISOString();
}
