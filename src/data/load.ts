import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { invalidArgument, isOspreyError } from '../core/errors.js';
import type { DatasetFormat } from '../store/metadata-store.js';
import { type Scratch, sqlString } from './duckdb.js';

/** A data file to read: where its bytes are, and the name to show the user in messages. */
export interface SourceFile {
  localPath: string;
  displayName: string;
  /** The name the file had when added (decides compression, e.g. `.csv.gz`). */
  originalName: string;
}

/** A row that failed to parse: kept in the version's quarantine file, never dropped silently. */
export interface RejectedRow {
  file: string;
  /** 1-based line number in that file. */
  line: number;
  error: string;
  raw: string | null;
}

export interface LoadResult {
  rowCount: number;
  rejected: RejectedRow[];
}

/** The table every loaded dataset lands in. */
export const DATA_TABLE = 'data';

/** Reads the files into the scratch table `data`, collecting unparseable rows instead of failing on them. */
export async function loadInto(scratch: Scratch, format: DatasetFormat, files: SourceFile[]): Promise<LoadResult> {
  try {
    if (format === 'csv') return await loadCsv(scratch, files);
    if (format === 'parquet') {
      await createFrom(scratch, `read_parquet(${pathList(files)}, union_by_name = true)`);
      return { rowCount: await countRows(scratch), rejected: [] };
    }
    return await loadJsonLines(scratch, files);
  } catch (error) {
    throw describeReadError(error, format, files);
  }
}

async function loadCsv(scratch: Scratch, files: SourceFile[]): Promise<LoadResult> {
  const gz = files.some((f) => f.originalName.toLowerCase().endsWith('.gz'));
  const options = [`store_rejects = true`, gz ? `compression = 'gzip'` : ''].filter(Boolean).join(', ');
  await createFrom(scratch, `read_csv(${pathList(files)}, ${options})`);
  const rows = await scratch.rows(`
    SELECT s.file_path AS path, e.line::DOUBLE AS line, any_value(e.csv_line) AS raw,
           string_agg(e.error_message, '; ' ORDER BY e.column_idx) AS error
    FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
    GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line`);
  const byPath = new Map(files.map((f) => [f.localPath, f.displayName]));
  const rejected = rows.map((r) => ({
    file: byPath.get(String(r.path)) ?? String(r.path),
    line: Number(r.line),
    error: String(r.error),
    raw: r.raw === null ? null : String(r.raw),
  }));
  return { rowCount: await countRows(scratch), rejected };
}

/**
 * JSON lines are checked line by line first (a line must hold one JSON object); when some fail, DuckDB reads a copy
 * without them, so the row count and the quarantine always add up to the file's non-blank lines.
 */
async function loadJsonLines(scratch: Scratch, files: SourceFile[]): Promise<LoadResult> {
  const rejected: RejectedRow[] = [];
  const readable: string[] = [];
  for (const [index, file] of files.entries()) {
    const bad = await findBadJsonLines(file);
    if (bad.length === 0) {
      readable.push(file.localPath);
      continue;
    }
    rejected.push(...bad);
    readable.push(await writeWithout(file, new Set(bad.map((b) => b.line)), join(scratch.dir, `clean-${index}.jsonl`)));
  }
  const list = `[${readable.map(sqlString).join(', ')}]`;
  await createFrom(scratch, `read_json(${list}, format = 'newline_delimited', union_by_name = true)`);
  return { rowCount: await countRows(scratch), rejected };
}

async function findBadJsonLines(file: SourceFile): Promise<RejectedRow[]> {
  const bad: RejectedRow[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file.localPath), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let error: string | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) error = 'not a JSON object';
    } catch (e) {
      error = (e as Error).message;
    }
    if (error) bad.push({ file: file.displayName, line, error, raw: text });
  }
  return bad;
}

async function writeWithout(file: SourceFile, skip: Set<number>, target: string): Promise<string> {
  const out = await open(target, 'w');
  try {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file.localPath), crlfDelay: Infinity })) {
      line += 1;
      if (!skip.has(line)) await out.write(`${text}\n`);
    }
  } finally {
    await out.close();
  }
  return target;
}

async function createFrom(scratch: Scratch, tableFunction: string): Promise<void> {
  await scratch.run(`CREATE OR REPLACE TABLE ${DATA_TABLE} AS SELECT * FROM ${tableFunction}`);
}

async function countRows(scratch: Scratch): Promise<number> {
  const [row] = await scratch.rows(`SELECT count(*)::DOUBLE AS n FROM ${DATA_TABLE}`);
  return Number(row?.n ?? 0);
}

const pathList = (files: SourceFile[]) => `[${files.map((f) => sqlString(f.localPath)).join(', ')}]`;

/** DuckDB's message, with stored-object paths replaced by the names the user knows. */
function describeReadError(error: unknown, format: DatasetFormat, files: SourceFile[]): Error {
  if (!(error instanceof Error) || isOspreyError(error)) return error as Error;
  let message = error.message.split('\n')[0] ?? error.message;
  for (const f of files) message = message.replaceAll(f.localPath, f.displayName);
  const names = files.map((f) => f.displayName).join(', ');
  return invalidArgument(`cannot read ${names} as ${format}: ${message}`, { files: names, format });
}
