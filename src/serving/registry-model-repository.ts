/**
 * Models served from the model registry: `NAME@ALIAS` (follows the alias) or `NAME/VERSION` (pinned). A version's
 * storage location is an `mlflow-artifacts:/<key>` inside the artifact store: the key is the ONNX file itself,
 * or a directory holding `model.onnx` (or exactly one `.onnx` file). The bytes are read from the ArtifactStore.
 *
 * Each model is served under its registered name, with the registry's version number as its version; the server
 * serves one version per reference (the one the alias points at now).
 */
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { invalidArgument, notFound } from '../core/errors.js';
import type { ModelVersionRecord } from '../store/registry.js';
import type { ModelConfig } from './model-config.js';
import { MODEL_FILE_NAME, type ModelRepository, type ModelToLoad } from './model-repository.js';

export type ModelReference =
  | { readonly name: string; readonly alias: string }
  | { readonly name: string; readonly version: number };

/** The registry operations the server needs (ModelRegistry has them). */
export interface RegistryReader {
  getVersion(name: string, version: number): Promise<ModelVersionRecord>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord>;
}

/** Parses `NAME@ALIAS` or `NAME/VERSION`. */
export function parseModelReference(text: string): ModelReference {
  const alias = /^([^@/]+)@([^@/]+)$/.exec(text);
  if (alias) return { name: alias[1]!, alias: alias[2]! };
  const pinned = /^([^@/]+)\/([1-9]\d{0,15})$/.exec(text);
  if (pinned) return { name: pinned[1]!, version: Number(pinned[2]) };
  throw invalidArgument(`--model ${JSON.stringify(text)}: expected NAME@ALIAS (e.g. churn@champion) or NAME/VERSION`);
}

export const formatReference = (ref: ModelReference) =>
  'alias' in ref ? `${ref.name}@${ref.alias}` : `${ref.name}/${ref.version}`;

const ARTIFACTS_SCHEME = 'mlflow-artifacts:/';

export class RegistryModelRepository implements ModelRepository {
  readonly description: string;
  private readonly references = new Map<string, ModelReference>();

  constructor(
    private readonly registry: RegistryReader,
    private readonly artifacts: ArtifactStore,
    references: readonly ModelReference[],
    private readonly config: ModelConfig,
  ) {
    for (const ref of references) {
      const other = this.references.get(ref.name);
      if (other)
        throw invalidArgument(
          `--model ${formatReference(ref)} and ${formatReference(other)} both serve model '${ref.name}': serve each model once`,
        );
      this.references.set(ref.name, ref);
    }
    this.description = `model registry (${references.map(formatReference).join(', ')})`;
  }

  async names(): Promise<string[]> {
    return [...this.references.keys()].sort();
  }

  /** The registry version a served model's reference points at now. */
  async currentVersion(name: string): Promise<ModelVersionRecord> {
    const ref = this.references.get(name);
    if (ref === undefined) throw notFound(`model '${name}' is not one of the --model references`, { model: name });
    return 'alias' in ref
      ? this.registry.getVersionByAlias(ref.name, ref.alias)
      : this.registry.getVersion(ref.name, ref.version);
  }

  /** References that follow an alias (the ones to watch). */
  aliasReferences(): { name: string; alias: string }[] {
    return [...this.references.values()].flatMap((ref) => ('alias' in ref ? [ref] : []));
  }

  async resolve(name: string): Promise<ModelToLoad> {
    const record = await this.currentVersion(name);
    const bytes = await readModelBytes(this.artifacts, record);
    return { name, config: this.config, versions: [{ version: String(record.version), source: { bytes } }] };
  }
}

/**
 * The ONNX bytes of a registry version: its storage location is an `mlflow-artifacts:/<key>` inside the artifact
 * store — the file itself, or a directory holding `model.onnx` (or exactly one `.onnx` file).
 */
export async function readModelBytes(artifacts: ArtifactStore, record: ModelVersionRecord): Promise<Uint8Array> {
  const where = `model '${record.name}' version ${record.version}`;
  if (!record.storageLocation.startsWith(ARTIFACTS_SCHEME))
    throw invalidArgument(`${where}: storage location ${record.storageLocation} is not in the artifact store`);
  const key = record.storageLocation.slice(ARTIFACTS_SCHEME.length).replace(/^\/+|\/+$/g, '');
  const fileKey = (await artifacts.stat(key)) ? key : await onnxFileUnder(artifacts, key, where);
  const stream = await artifacts.get(fileKey);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function onnxFileUnder(artifacts: ArtifactStore, key: string, where: string): Promise<string> {
  const files = (await artifacts.list(key)).filter((e) => !e.isDir && e.path.endsWith('.onnx'));
  const preferred = files.find((e) => e.path.endsWith(`/${MODEL_FILE_NAME}`));
  if (preferred) return preferred.path;
  if (files.length === 1) return files[0]!.path;
  throw notFound(
    files.length === 0
      ? `${where}: no .onnx file at ${ARTIFACTS_SCHEME}${key}`
      : `${where}: several .onnx files under ${ARTIFACTS_SCHEME}${key} and none named ${MODEL_FILE_NAME}`,
  );
}
