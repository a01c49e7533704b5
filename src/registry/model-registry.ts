import { invalidArgument, notFound } from '../core/errors.js';
import type {
  ModelVersionRecord,
  Page,
  RegisteredModelRecord,
  RegistryRepository,
  TagRecord,
} from '../store/registry.js';
import { resolveModelReference } from './references.js';
import { parseModelFilter, parseVersionFilter } from './search-filter.js';
import {
  decodePageToken,
  encodePageToken,
  MODEL_SEARCH,
  maxResults,
  parseModelOrder,
  parseVersionOrder,
  VERSION_SEARCH,
} from './search-paging.js';
import { type RunLookup, SourceResolver } from './sources.js';
import {
  canonicalStage,
  checkLength,
  LIMITS,
  parseVersion,
  validateAlias,
  validateModelName,
  validateRunId,
  validateTag,
} from './validation.js';

export interface SearchRequest {
  filter?: string | undefined;
  maxResults?: number | undefined;
  orderBy?: readonly string[] | undefined;
  pageToken?: string | undefined;
}

export interface SearchResult<T> {
  items: T[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export interface NewVersionRequest {
  name: string;
  source: string;
  runId: string;
  runLink: string;
  description: string;
  tags: TagRecord[];
  userId: string | null;
}

/** Version numbers arrive as strings (the proto's type) or numbers; both are accepted everywhere. */
export type VersionInput = string | number;

/**
 * The model registry's service: validates what callers send (MLflow's rules), resolves sources inside the artifact
 * store, parses search filters, and reports missing things as NOT_FOUND in MLflow's words. The HTTP routes and
 * the CLI both go through it; the repository below stores what it is given.
 */
export class ModelRegistry {
  private readonly sources: SourceResolver;

  constructor(
    readonly repository: RegistryRepository,
    runs?: RunLookup,
  ) {
    this.sources = new SourceResolver(repository, runs);
  }

  createModel(name: string, description: string, tags: readonly TagRecord[]): Promise<RegisteredModelRecord> {
    validateModelName(name);
    checkLength('Registered model description', description, LIMITS.description);
    return this.repository.createModel({
      name,
      description,
      tags: tags.map((t) => validateTag(t, 'Registered model')),
    });
  }

  async getModel(name: string): Promise<RegisteredModelRecord> {
    const model = await this.repository.getModel(validateModelName(name));
    if (!model) throw notFound(`Registered Model with name=${name} not found`, { name });
    return model;
  }

  renameModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    return this.repository.renameModel(validateModelName(name), validateModelName(newName, 'new_name'));
  }

  updateModel(name: string, description: string): Promise<RegisteredModelRecord> {
    checkLength('Registered model description', description, LIMITS.description);
    return this.repository.updateModel(validateModelName(name), description);
  }

  deleteModel(name: string): Promise<void> {
    return this.repository.deleteModel(validateModelName(name));
  }

  async searchModels(request: SearchRequest): Promise<SearchResult<RegisteredModelRecord>> {
    const page = await this.repository.searchModels({
      filters: parseModelFilter(request.filter),
      orderBy: parseModelOrder(request.orderBy ?? []),
      offset: decodePageToken(request.pageToken),
      limit: maxResults(request.maxResults, MODEL_SEARCH),
    });
    return withToken(page);
  }

  setModelTag(name: string, tag: TagRecord): Promise<void> {
    return this.repository.setModelTag(validateModelName(name), validateTag(tag, 'Registered model'));
  }

  deleteModelTag(name: string, key: string): Promise<void> {
    validateTag({ key, value: '' }, 'Registered model');
    return this.repository.deleteModelTag(validateModelName(name), key);
  }

  latestVersions(name: string, stages: readonly string[]): Promise<ModelVersionRecord[]> {
    return this.repository.latestVersions(validateModelName(name), stages.map(canonicalStage));
  }

  async createVersion(request: NewVersionRequest): Promise<ModelVersionRecord> {
    validateModelName(request.name);
    if (request.runId) validateRunId(request.runId);
    checkLength('Model version run_link', request.runLink, LIMITS.runLink);
    checkLength('Model version description', request.description, LIMITS.description);
    const tags = request.tags.map((t) => validateTag(t, 'Model version'));
    const resolved = await this.sources.resolve(request.source, request.runId || null);
    return this.repository.createVersion({
      name: request.name,
      source: request.source,
      storageLocation: resolved.storageLocation,
      // MLflow keeps what the client sent ('' when it sent nothing); a run named by runs:/ fills an empty run_id.
      runId: request.runId || resolved.runId || '',
      runLink: request.runLink,
      description: request.description,
      userId: request.userId,
      tags,
    });
  }

  async getVersion(name: string, version: VersionInput): Promise<ModelVersionRecord> {
    const number = parseVersion(version);
    const found = await this.repository.getVersion(validateModelName(name), number);
    if (!found) throw notFound(`Model Version (name=${name}, version=${number}) not found`, { name, version: number });
    return found;
  }

  updateVersion(name: string, version: VersionInput, description: string | null): Promise<ModelVersionRecord> {
    checkLength('Model version description', description, LIMITS.description);
    return this.repository.updateVersion(validateModelName(name), parseVersion(version), description);
  }

  transitionStage(name: string, version: VersionInput, stage: string, archiveExisting: boolean) {
    const canonical = canonicalStage(stage);
    if (archiveExisting && canonical !== 'Staging' && canonical !== 'Production') throw notActive(stage);
    return this.repository.transitionStage(validateModelName(name), parseVersion(version), canonical, archiveExisting);
  }

  deleteVersion(name: string, version: VersionInput): Promise<void> {
    return this.repository.deleteVersion(validateModelName(name), parseVersion(version));
  }

  async searchVersions(request: SearchRequest): Promise<SearchResult<ModelVersionRecord>> {
    const page = await this.repository.searchVersions({
      filters: parseVersionFilter(request.filter),
      orderBy: parseVersionOrder(request.orderBy ?? []),
      offset: decodePageToken(request.pageToken),
      limit: maxResults(request.maxResults, VERSION_SEARCH),
    });
    return withToken(page);
  }

  setVersionTag(name: string, version: VersionInput, tag: TagRecord): Promise<void> {
    validateModelName(name);
    return this.repository.setVersionTag(name, parseVersion(version), validateTag(tag, 'Model version'));
  }

  deleteVersionTag(name: string, version: VersionInput, key: string): Promise<void> {
    validateTag({ key, value: '' }, 'Model version');
    return this.repository.deleteVersionTag(validateModelName(name), parseVersion(version), key);
  }

  /** Where a version's artifacts are: always an `mlflow-artifacts:/` URI inside the store. */
  async downloadUri(name: string, version: VersionInput): Promise<string> {
    return (await this.getVersion(name, version)).storageLocation;
  }

  setAlias(name: string, alias: string, version: VersionInput): Promise<void> {
    validateModelName(name);
    return this.repository.setAlias(name, validateAlias(alias), parseVersion(version));
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    return this.repository.deleteAlias(validateModelName(name), validateAlias(alias));
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord> {
    validateModelName(name);
    const found = await this.repository.getVersionByAlias(name, validateAlias(alias));
    if (!found) throw notFound(`Registered model alias ${alias} not found.`, { name, alias });
    return found;
  }

  /** `NAME@ALIAS`, `NAME/VERSION`, `NAME/latest` or `NAME/<stage>` → the version (for lineage). */
  resolve(reference: string): Promise<ModelVersionRecord> {
    return resolveModelReference(this.repository, reference);
  }
}

function withToken<T>(page: Page<T>): SearchResult<T> {
  return page.nextOffset === null
    ? { items: page.items }
    : { items: page.items, nextPageToken: encodePageToken(page.nextOffset) };
}

function notActive(stage: string) {
  return invalidArgument(
    `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`,
  );
}
