/**
 * Where served models come from. A ModelRepository names the models it holds and, for one model, says which
 * versions to serve (by its version policy), with what configuration and from which bytes. The model manager
 * loads what it is given; it does not know whether the bytes come from a directory or from the registry.
 *
 * DirectoryModelRepository is Triton's layout:
 *
 * ```
 * <root>/<model name>/config.json|config.yaml|config.yml   (optional, model-config.ts)
 * <root>/<model name>/<version number>/model.onnx
 * ```
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../core/errors.js';
import { CONFIG_FILE_NAMES, type ModelConfig, readConfigFile, selectVersions } from './model-config.js';
import type { ModelSource } from './runtime.js';

export interface VersionToLoad {
  readonly version: string;
  readonly source: ModelSource;
  /** This version's own configuration, when it differs from the model's (e.g. its feature names). */
  readonly config?: ModelConfig;
}

/** One model as it should be served now. */
export interface ModelToLoad {
  readonly name: string;
  readonly config: ModelConfig;
  /** The versions the policy selects, highest first (never empty). */
  readonly versions: readonly VersionToLoad[];
}

export interface ModelRepository {
  /** A line for logs and `GET /v2` (e.g. the directory). */
  readonly description: string;
  /** The names of the models this repository can load, sorted. */
  names(): Promise<string[]>;
  /** What to load for one model now. NOT_FOUND for a name the repository does not hold. */
  resolve(name: string): Promise<ModelToLoad>;
}

export const MODEL_FILE_NAME = 'model.onnx';

export class DirectoryModelRepository implements ModelRepository {
  readonly description: string;

  constructor(
    private readonly root: string,
    private readonly defaults: ModelConfig,
  ) {
    this.description = `model repository ${root}`;
  }

  async names(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => {
      throw notFound(`no model repository directory at ${this.root}`);
    });
    const names: string[] = [];
    for (const entry of entries)
      if (entry.isDirectory() && (await this.versionNumbers(entry.name)).length > 0) names.push(entry.name);
    return names.sort();
  }

  async resolve(name: string): Promise<ModelToLoad> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
      throw notFound(`no model '${name}' in ${this.description}`, { model: name });
    const available = await this.versionNumbers(name);
    if (available.length === 0)
      throw notFound(
        `no model '${name}' in ${this.description}: expected ${join(this.root, name, '<version>', MODEL_FILE_NAME)}`,
        { model: name },
      );
    const config = await this.config(name);
    const selected = selectVersions(config.versionPolicy, available);
    if (selected.length === 0)
      throw notFound(
        `model '${name}': its version policy selects none of the versions present (${available.join(', ')})`,
        { model: name },
      );
    return {
      name,
      config,
      versions: selected.map((v) => ({
        version: String(v),
        source: { path: join(this.root, name, String(v), MODEL_FILE_NAME) },
      })),
    };
  }

  private async config(name: string): Promise<ModelConfig> {
    for (const file of CONFIG_FILE_NAMES) {
      const path = join(this.root, name, file);
      if (await isFile(path)) return readConfigFile(this.defaults, path);
    }
    return this.defaults;
  }

  /** Version directories (positive integers) that hold a model file. */
  private async versionNumbers(name: string): Promise<number[]> {
    const entries = await readdir(join(this.root, name), { withFileTypes: true }).catch(() => []);
    const versions: number[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !/^[1-9]\d{0,15}$/.test(entry.name)) continue;
      if (await isFile(join(this.root, name, entry.name, MODEL_FILE_NAME))) versions.push(Number(entry.name));
    }
    return versions;
  }
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
