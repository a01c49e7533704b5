import { invalidArgument } from '../../core/errors.js';

/**
 * A window of rows. For windows by count, [start, end) are row positions; for windows by time, epoch milliseconds.
 */
export interface Window<T> {
  index: number;
  start: number;
  end: number;
  rows: T[];
}

/**
 * Consecutive windows of `size` rows, in the given order: rows [0, size), [size, 2·size), … The last, shorter window
 * is kept unless `dropPartial` (a window of 3 rows gives noisy metrics; drop it or read its `rows.length`).
 */
export function windowsByCount<T>(
  rows: readonly T[],
  size: number,
  options: { dropPartial?: boolean } = {},
): Window<T>[] {
  if (!Number.isInteger(size) || size < 1) throw invalidArgument(`window size must be a positive integer, got ${size}`);
  const windows: Window<T>[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const end = Math.min(start + size, rows.length);
    if (end - start < size && options.dropPartial === true) break;
    windows.push({ index: windows.length, start, end, rows: rows.slice(start, end) });
  }
  return windows;
}

/**
 * Windows of `widthMs` milliseconds aligned on `originMs` (default 0, the Unix epoch, so daily windows are UTC days):
 * a row at time t belongs to [origin + k·width, origin + (k + 1)·width) with k = ⌊(t − origin)/width⌋. Only non-empty
 * windows are returned, in time order; rows keep their input order within a window. `index` is k.
 */
export function windowsByTime<T extends { timestamp: number }>(
  rows: readonly T[],
  widthMs: number,
  originMs = 0,
): Window<T>[] {
  if (!(widthMs > 0 && Number.isFinite(widthMs))) throw invalidArgument(`window width must be > 0 ms, got ${widthMs}`);
  if (!Number.isFinite(originMs)) throw invalidArgument(`window origin must be a finite time, got ${originMs}`);
  const byIndex = new Map<number, T[]>();
  rows.forEach((row, i) => {
    if (typeof row.timestamp !== 'number' || !Number.isFinite(row.timestamp)) {
      throw invalidArgument(`row ${i}: timestamp is ${String(row.timestamp)}; use epoch ms`);
    }
    const k = Math.floor((row.timestamp - originMs) / widthMs);
    const bucket = byIndex.get(k);
    if (bucket) bucket.push(row);
    else byIndex.set(k, [row]);
  });
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, windowRows]) => ({
      index: k,
      start: originMs + k * widthMs,
      end: originMs + (k + 1) * widthMs,
      rows: windowRows,
    }));
}
