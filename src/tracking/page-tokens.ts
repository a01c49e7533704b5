import { invalidArgument } from '../core/errors.js';
import type { HistoryCursor } from '../store/tracking.js';

/**
 * Page tokens, opaque to clients. Search pages use MLflow's own format, base64 of `{"offset": N}`; metric history
 * pages carry the position after the last value sent (step, timestamp, value), so each page is an index range
 * read however deep into a long history it starts.
 */

function decodeJson(token: string): unknown {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) {
    throw invalidArgument('Invalid page token, could not base64-decode');
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  try {
    return JSON.parse(decoded);
  } catch {
    throw invalidArgument(`Invalid page token, decoded value=${decoded}`);
  }
}

export function encodeOffsetToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`).toString('base64');
}

/** The offset a token names; 0 when there is no token. */
export function decodeOffsetToken(token: string | undefined): number {
  if (!token) return 0;
  const parsed = decodeJson(token);
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 1) {
    throw invalidArgument(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return offset;
}

/** Non-finite values as the strings protobuf JSON uses, so the token stays JSON. */
const valueToJson = (v: number) => (Number.isFinite(v) ? v : String(v));

export function encodeHistoryToken(cursor: HistoryCursor): string {
  const json = JSON.stringify({ step: cursor.step, timestamp: cursor.timestamp, value: valueToJson(cursor.value) });
  return Buffer.from(json).toString('base64');
}

export function decodeHistoryToken(token: string | undefined): HistoryCursor | undefined {
  if (!token) return undefined;
  const parsed = decodeJson(token) as Record<string, unknown> | null;
  const step = parsed?.step;
  const timestamp = parsed?.timestamp;
  const raw = parsed?.value;
  const value =
    raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity'
      ? Number(raw)
      : typeof raw === 'number'
        ? raw
        : undefined;
  if (!Number.isSafeInteger(step) || !Number.isSafeInteger(timestamp) || value === undefined) {
    throw invalidArgument(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return { step: step as number, timestamp: timestamp as number, value };
}
