/**
 * Row types of the registry tables (migration 0003). Models have a surrogate id so a rename touches one row; the
 * other tables key on (model_id, …). `last_version` is the highest number the model ever gave a version: the next
 * one is last_version + 1, so numbers are never reused.
 */
export interface RegisteredModelsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  last_version: number;
}

export interface ModelVersionsTable {
  model_id: string;
  version: number;
  created_at: number;
  updated_at: number;
  user_id: string | null;
  stage: string;
  description: string | null;
  source: string;
  storage_location: string;
  run_id: string | null;
  run_link: string | null;
  status: string;
}

export interface RegisteredModelTagsTable {
  model_id: string;
  key: string;
  value: string;
}

export interface ModelVersionTagsTable {
  model_id: string;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  model_id: string;
  alias: string;
  version: number;
}

export interface RegistryTables {
  registered_models: RegisteredModelsTable;
  model_versions: ModelVersionsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
}
