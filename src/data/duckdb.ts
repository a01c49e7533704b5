import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

/** A scratch DuckDB database on disk, bounded in memory, deleted when closed. */
export interface Scratch {
  /** A private directory for files that belong to this scratch session. */
  readonly dir: string;
  /** Rows as plain objects; BIGINT arrives as bigint, so cast what should be numbers to DOUBLE in SQL. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  run(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface ScratchOptions {
  /** Directory for the scratch database and spill files (default: the system temp dir). */
  dir?: string;
  memoryLimit?: string;
  threads?: number;
}

export async function openScratch(options: ScratchOptions = {}): Promise<Scratch> {
  const { DuckDBInstance } = await import('@duckdb/node-api'); // loaded on first use: it is the slowest import
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'osprey-duckdb-'));
  const instance = await DuckDBInstance.create(join(dir, 'scratch.duckdb'), {
    memory_limit: options.memoryLimit ?? '1GB',
    threads: String(options.threads ?? 2),
    temp_directory: join(dir, 'spill'),
    preserve_insertion_order: 'true',
    enable_external_access: 'true',
  });
  const connection: DuckDBConnection = await instance.connect();
  return {
    dir,
    async rows(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    async run(sql) {
      await connection.run(sql);
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier (column names come from user files and may hold anything). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
