import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PredictionRecord } from '../../store/monitors.js';
import { computeDrift } from '../drift/engine.js';
import { type DatasetAccess, readDriftTables } from '../drift/read-tables.js';
import type { DriftOptions, DriftReport, DriftTable } from '../drift/types.js';
import { championTrainingData } from './champion-reference.js';
import type { MonitorConfig } from './config.js';

export interface Compared {
  report: DriftReport | null;
  rows: number;
  note: string | null;
}

/** What the reference resolved to, as far as it got. */
export interface Resolved {
  reference: string | null;
  champion: string | null;
}

/** The source or reference could not be read: an operational failure, not a finding about the data. */
export class ReadFailure extends Error {}

/**
 * The drift report of the current window against the reference (null with a note when there is no data, or
 * drift is off); ReadFailure when the reference cannot be resolved or either side cannot be read. Fills in
 * `resolved` as it goes.
 */
export async function compareDrift(
  deps: { store: MetadataStore; openDatasets: () => Promise<DatasetAccess> },
  config: MonitorConfig,
  window: readonly PredictionRecord[] | null,
  resolved: Resolved,
): Promise<Compared> {
  if (config.drift === false || config.reference === undefined)
    return { report: null, rows: window?.length ?? 0, note: 'drift is not watched ("drift": false)' };
  const failed = (what: string, error: unknown) => new ReadFailure(`${what}: ${errorMessage(error)}`);
  if (typeof config.reference !== 'string') {
    const endpoint = config.reference.champion;
    try {
      const data = await championTrainingData(deps.store, endpoint);
      resolved.reference = data.dataset;
      resolved.champion = data.champion.uri;
    } catch (error) {
      throw failed(`cannot resolve its reference, the training data of the champion of ${endpoint}`, error);
    }
  }
  const scratch = await mkdtemp(join(tmpdir(), 'osprey-monitor-'));
  try {
    let current: string;
    if ('deployment' in config.source) {
      const deployment = config.source.deployment;
      if (!window || window.length === 0)
        return { report: null, rows: 0, note: `no predictions logged for ${deployment} in the window` };
      current = join(scratch, 'current.jsonl');
      await writeFile(current, `${window.map((p) => JSON.stringify(p.features)).join('\n')}\n`);
    } else if ('file' in config.source) {
      current = config.source.file;
      if (!existsSync(current)) throw failed(`cannot read its source file ${current}`, 'no such file or directory');
    } else current = config.source.dataset;
    const tables = await readDriftTables(resolved.reference as string, current, deps.openDatasets, {
      scratchDir: scratch,
    }).catch((error: unknown) => {
      throw failed('cannot read its data', error);
    });
    // The exact version read (a dataset name alone reads its newest version).
    resolved.reference = tables.reference.source?.description ?? resolved.reference;
    const columns = new Set(
      config.columns ?? tables.reference.columns.map((c) => c.name).filter((n) => hasColumn(tables.current, n)),
    );
    const only = (table: DriftTable): DriftTable => ({
      ...table,
      columns: table.columns.filter((c) => columns.has(c.name)),
    });
    const { report } = await computeDrift(only(tables.reference), only(tables.current), {
      ...(definedOnly(config.drift) as DriftOptions),
      charts: false,
    });
    return { report, rows: tables.current.rowCount, note: null };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const hasColumn = (table: DriftTable, name: string) => table.columns.some((c) => c.name === name);

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
