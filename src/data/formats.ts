import { invalidArgument } from '../core/errors.js';
import type { DatasetFormat } from '../store/metadata-store.js';

const EXTENSIONS: Record<string, DatasetFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
};

export const FORMATS: readonly DatasetFormat[] = ['csv', 'parquet', 'jsonl'];

/** The format a file name implies (a trailing `.gz` is looked through), or undefined. */
export function formatOfName(name: string): DatasetFormat | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[lower.slice(dot)];
}

export function parseFormat(value: string): DatasetFormat {
  if ((FORMATS as readonly string[]).includes(value)) return value as DatasetFormat;
  throw invalidArgument(`unknown format ${JSON.stringify(value)}: use one of ${FORMATS.join(', ')}`);
}

/** The one format of a set of data files; mixed or unknown formats are an error naming the file. */
export function formatOfFiles(paths: readonly string[], where: string): DatasetFormat {
  let format: DatasetFormat | undefined;
  for (const path of paths) {
    const own = formatOfName(path);
    if (!own)
      throw invalidArgument(
        `${path}: unknown data format (expected .csv, .tsv, .parquet, .jsonl, .ndjson or .json); pass --format to choose`,
        { file: path },
      );
    if (format && own !== format)
      throw invalidArgument(`${where}: mixes ${format} and ${own} files (${path}); a dataset has one format`, {
        file: path,
      });
    format = own;
  }
  if (!format) throw invalidArgument(`${where}: holds no data files`);
  return format;
}
