/**
 * The model registry: registered models, their numbered versions, tags, aliases and (deprecated) stages —
 * MLflow's model registry (mlflow/store/model_registry/abstract_store.py), behind one interface. `sql/` implements
 * it; every implementation runs `registry.contract.ts`.
 *
 * Contract, for every method:
 * - Names, keys, aliases, stages and sources are validated by the caller (src/registry); the store stores what it
 *   is given. Filters arrive parsed (`ModelFilter`, `VersionFilter`), never as strings.
 * - A model named in a write that does not exist is NOT_FOUND ("Registered Model with name=X not found"), a version
 *   NOT_FOUND ("Model Version (name=X, version=N) not found"); a create or rename onto a taken name is ALREADY_EXISTS.
 *   Reads of a missing model or version return undefined.
 * - Each method is one transaction: it completes or changes nothing. Safe under concurrent callers in several
 *   processes sharing one database.
 * - Versions are numbered 1, 2, 3… per model. Concurrent creates on one model get distinct consecutive numbers, and
 *   a number is never reused while the model exists (deleting version 3 leaves the next one 4).
 * - Deleting a version deletes its tags and the aliases pointing at it. Deleting a model deletes its versions, tags
 *   and aliases. Renaming a model moves its versions, tags and aliases with it.
 * - `createdAt`/`updatedAt` are epoch millis. A model's `updatedAt` moves on create-version, delete-version,
 *   transition, update and rename; a version's on update, transition and rename. Tags and aliases move no time.
 * - Lists are deterministic: tags by key, aliases by alias, both in code-point order; string ordering in search is
 *   code-point order on every engine.
 */

/** MLflow's stages (deprecated in MLflow, still sent by older clients). */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface TagRecord {
  key: string;
  value: string;
}

export interface AliasRecord {
  alias: string;
  version: number;
}

export interface ModelVersionRecord {
  /** The registered model's name. */
  name: string;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** Who created it (the authenticated principal), or null. */
  userId: string | null;
  stage: Stage;
  description: string | null;
  /** The source URI as the client sent it. */
  source: string;
  /** Where the artifacts are: the source resolved to an `mlflow-artifacts:/…` URI inside the artifact store. */
  storageLocation: string;
  runId: string | null;
  runLink: string | null;
  /** Always READY: a version is usable the moment it is created. */
  status: 'READY';
  tags: TagRecord[];
  /** Aliases pointing at this version, sorted. */
  aliases: string[];
}

export interface RegisteredModelRecord {
  name: string;
  createdAt: number;
  updatedAt: number;
  description: string | null;
  /** For each stage that has versions, its highest-numbered version; ordered by version number. */
  latestVersions: ModelVersionRecord[];
  tags: TagRecord[];
  aliases: AliasRecord[];
}

export interface NewRegisteredModel {
  name: string;
  description: string | null;
  /** Duplicate keys: the last one wins. */
  tags: TagRecord[];
}

export interface NewModelVersion {
  name: string;
  source: string;
  storageLocation: string;
  runId: string | null;
  runLink: string | null;
  description: string | null;
  userId: string | null;
  /** Duplicate keys: the last one wins. */
  tags: TagRecord[];
}

export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type NumericComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * One AND-ed clause of a registered-model search. LIKE is case-sensitive and ILIKE case-insensitive (ASCII letters
 * on SQLite, all letters on PostgreSQL); `%` and `_` are the wildcards. A tag clause needs the tag to exist.
 */
export type ModelFilter =
  | { field: 'name'; op: StringComparator; value: string }
  | { field: 'tag'; key: string; op: StringComparator; value: string };

/** One AND-ed clause of a model-version search; a clause on a null column (a run id never given) never matches. */
export type VersionFilter =
  | { field: 'name' | 'source' | 'runId'; op: StringComparator; value: string }
  | { field: 'runId'; op: 'IN'; values: string[] }
  | { field: 'version'; op: NumericComparator; value: number }
  | { field: 'tag'; key: string; op: StringComparator; value: string };

export interface OrderBy<F extends string> {
  field: F;
  ascending: boolean;
}

export type ModelOrderField = 'name' | 'createdAt' | 'updatedAt';
export type VersionOrderField = 'name' | 'version' | 'createdAt' | 'updatedAt';

export interface SearchQuery<Filter, Field extends string> {
  filters: Filter[];
  /** Applied in order; the store appends the tie-breakers (models: name ascending; versions: name, version desc). */
  orderBy: OrderBy<Field>[];
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** Offset of the next page, or null when this page is the last. */
  nextOffset: number | null;
}

export interface RegistryRepository {
  createModel(input: NewRegisteredModel): Promise<RegisteredModelRecord>;
  getModel(name: string): Promise<RegisteredModelRecord | undefined>;
  /** Renaming to its own name is allowed and only moves times. */
  renameModel(name: string, newName: string): Promise<RegisteredModelRecord>;
  updateModel(name: string, description: string | null): Promise<RegisteredModelRecord>;
  deleteModel(name: string): Promise<void>;
  searchModels(query: SearchQuery<ModelFilter, ModelOrderField>): Promise<Page<RegisteredModelRecord>>;
  /** Inserts or replaces. */
  setModelTag(name: string, tag: TagRecord): Promise<void>;
  /** Deleting a tag that is not there is not an error (the model must exist). */
  deleteModelTag(name: string, key: string): Promise<void>;

  /** Numbers the new version one past the highest number the model ever had; stage None, status READY. */
  createVersion(input: NewModelVersion): Promise<ModelVersionRecord>;
  getVersion(name: string, version: number): Promise<ModelVersionRecord | undefined>;
  updateVersion(name: string, version: number, description: string | null): Promise<ModelVersionRecord>;
  /** With `archiveExisting`, every other version in `stage` moves to Archived in the same transaction. */
  transitionStage(name: string, version: number, stage: Stage, archiveExisting: boolean): Promise<ModelVersionRecord>;
  deleteVersion(name: string, version: number): Promise<void>;
  searchVersions(query: SearchQuery<VersionFilter, VersionOrderField>): Promise<Page<ModelVersionRecord>>;
  /** The highest-numbered version in each of `stages` (all stages when empty), ordered by version number. */
  latestVersions(name: string, stages: readonly Stage[]): Promise<ModelVersionRecord[]>;
  setVersionTag(name: string, version: number, tag: TagRecord): Promise<void>;
  deleteVersionTag(name: string, version: number, key: string): Promise<void>;

  /** Points the alias at the version (moving it if it pointed elsewhere); the version must exist. */
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /** Deleting an alias that is not there is not an error (the model must exist). */
  deleteAlias(name: string, alias: string): Promise<void>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined>;
}
