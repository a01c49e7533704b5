import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { invalidArgument, notFound } from '../core/errors.js';
import { validateName } from '../core/names.js';
import type {
  DatasetFormat,
  DatasetRecord,
  DatasetVersionRecord,
  JsonObject,
  MetadataStore,
} from '../store/metadata-store.js';
import { type DataFile, hashContent, readManifest, storeContent } from './content.js';
import { openScratch } from './duckdb.js';
import { formatOfFiles } from './formats.js';
import { loadInto, type RejectedRow, type SourceFile } from './load.js';
import { type ColumnSchema, type DatasetProfile, profileTable, readSchema } from './profile.js';
import { formatVersionRef, parseVersionRef } from './refs.js';

export type AddProgress =
  | { phase: 'hash'; done: number; total: number }
  | { phase: 'store'; done: number; total: number }
  | { phase: 'load' }
  | { phase: 'profile'; done: number; total: number };

export interface AddDatasetInput {
  name: string;
  path: string;
  /** Overrides the format implied by file extensions. */
  format?: DatasetFormat;
  description?: string;
  onProgress?: (event: AddProgress) => void;
}

export interface AddDatasetResult {
  version: DatasetVersionRecord;
  /** False when identical content was already a version of this dataset (which is returned, unchanged). */
  created: boolean;
}

export interface DatasetServiceOptions {
  /** Where DuckDB keeps its scratch database and spills (default: the system temp dir). */
  scratchDir?: string;
  memoryLimit?: string;
}

/** Dataset versioning: immutable, content-addressed versions with schema and profile (what DVC and lakeFS do). */
export class DatasetService {
  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly options: DatasetServiceOptions = {},
  ) {}

  async add(input: AddDatasetInput): Promise<AddDatasetResult> {
    const name = validateName('dataset', input.name);
    const progress = input.onProgress;
    const content = await hashContent(input.path, (done, total) => progress?.({ phase: 'hash', done, total }));
    const [existing] = await this.store.datasets.findVersionsByDigest(content.digest, name);
    if (existing) return { version: existing, created: false };

    const format =
      input.format ??
      formatOfFiles(
        content.files.map((f) => f.path),
        input.path,
      );
    await storeContent(this.artifacts, content, (done, total) => progress?.({ phase: 'store', done, total }));
    const sources = await this.sourcesOf(content.files, content.kind === 'file' ? input.path : undefined);
    progress?.({ phase: 'load' });
    const scratch = await openScratch(this.scratchOptions());
    try {
      const loaded = await loadInto(scratch, format, sources);
      const columns = await readSchema(scratch);
      const profile = await profileTable(scratch, columns, loaded.rowCount, (done, total) =>
        progress?.({ phase: 'profile', done, total }),
      );
      const quarantineDigest = loaded.rejected.length > 0 ? await this.storeQuarantine(loaded.rejected) : null;
      return await this.store.datasets.addVersion({
        datasetName: name,
        digest: content.digest,
        kind: content.kind,
        format,
        source: input.path,
        sizeBytes: content.sizeBytes,
        fileCount: content.files.length,
        rowCount: loaded.rowCount,
        rejectedRowCount: loaded.rejected.length,
        quarantineDigest,
        schema: { columns } as unknown as JsonObject,
        profile: profile as unknown as JsonObject,
        description: input.description ?? null,
      });
    } finally {
      await scratch.close();
    }
  }

  list(): Promise<DatasetRecord[]> {
    return this.store.datasets.list();
  }

  async versions(name: string): Promise<DatasetVersionRecord[]> {
    const dataset = await this.store.datasets.get(validateName('dataset', name));
    if (!dataset) throw notFound(`no dataset named ${JSON.stringify(name)}`, { dataset: name });
    return this.store.datasets.listVersions(name);
  }

  /** The version a reference names (see refs.ts); NOT_FOUND or INVALID_ARGUMENT (ambiguous) otherwise. */
  async resolve(refText: string): Promise<DatasetVersionRecord> {
    const ref = parseVersionRef(refText);
    const repo = this.store.datasets;
    if (ref.kind === 'digest') {
      const found = await repo.findVersionsByDigest(ref.digestPrefix, ref.name);
      if (found.length === 1) return found[0]!;
      if (found.length === 0) throw notFound(`no dataset version matches ${refText}`, { ref: refText });
      throw invalidArgument(
        `${refText} is ambiguous: it matches ${found.map((v) => formatVersionRef(v.datasetName, v.version)).join(', ')}`,
        { ref: refText },
      );
    }
    const dataset = await repo.get(ref.name);
    if (!dataset) throw notFound(`no dataset named ${JSON.stringify(ref.name)}`, { ref: refText });
    const number = ref.kind === 'number' ? ref.version : dataset.latestVersion;
    const version = number === null ? undefined : await repo.getVersion(ref.name, number);
    if (!version) {
      const known =
        dataset.latestVersion === null ? 'it has no versions' : `it has versions 1–${dataset.latestVersion}`;
      throw notFound(`${refText}: no such version of dataset ${JSON.stringify(ref.name)} (${known})`, { ref: refText });
    }
    return version;
  }

  /** The rows a version quarantined (failed to parse), in file and line order. */
  async quarantine(version: DatasetVersionRecord): Promise<RejectedRow[]> {
    if (!version.quarantineDigest) return [];
    const text = await readText(await this.artifacts.openBlob(version.quarantineDigest));
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RejectedRow);
  }

  /** The files of a version (one for a file dataset). */
  async files(version: DatasetVersionRecord): Promise<DataFile[]> {
    if (version.kind === 'directory') return readManifest(this.artifacts, version.digest);
    return [{ path: basename(version.source), digest: version.digest, size: version.sizeBytes }];
  }

  private async sourcesOf(files: DataFile[], singleFilePath?: string): Promise<SourceFile[]> {
    return Promise.all(
      files.map(async (f) => ({
        localPath: await this.artifacts.materialize(f.digest),
        displayName: singleFilePath ?? f.path,
        originalName: f.path,
      })),
    );
  }

  private async storeQuarantine(rows: RejectedRow[]): Promise<string> {
    const lines = rows.map((r) => `${JSON.stringify(r)}\n`);
    return (await this.artifacts.putBlob(Readable.from(lines))).digest;
  }

  private scratchOptions() {
    return {
      ...(this.options.scratchDir ? { dir: this.options.scratchDir } : {}),
      ...(this.options.memoryLimit ? { memoryLimit: this.options.memoryLimit } : {}),
    };
  }
}

export function schemaOf(version: DatasetVersionRecord): ColumnSchema[] {
  return (version.schema as unknown as { columns: ColumnSchema[] }).columns;
}

export function profileOf(version: DatasetVersionRecord): DatasetProfile {
  return version.profile as unknown as DatasetProfile;
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
