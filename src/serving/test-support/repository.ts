// A model repository directory in a temporary folder, made of the fixture models.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureModel, fixtureModelPath } from './fixtures.js';

export interface TempRepository {
  readonly root: string;
  /** Adds `<name>/<version>/model.onnx` as a copy of a fixture model. */
  addVersion(name: string, version: number, fixture?: FixtureModel): Promise<void>;
  /** Writes `<name>/<file>` (a config file). */
  writeConfig(name: string, file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempRepository(): Promise<TempRepository> {
  const root = await mkdtemp(join(tmpdir(), 'osprey-repo-'));
  return {
    root,
    async addVersion(name, version, fixture = 'tabular_classifier') {
      await mkdir(join(root, name, String(version)), { recursive: true });
      await copyFile(fixtureModelPath(fixture), join(root, name, String(version), 'model.onnx'));
    },
    async writeConfig(name, file, text) {
      await mkdir(join(root, name), { recursive: true });
      await writeFile(join(root, name, file), text);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
