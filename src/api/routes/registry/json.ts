import type { ModelVersionRecord, RegisteredModelRecord, TagRecord } from '../../../store/registry.js';

/**
 * Registry records as MLflow's JSON (model_registry.proto through MLflow's message_to_json): snake_case names,
 * int64 timestamps as JSON numbers, `version` as a string, unset optional fields and empty lists left out.
 */
export interface ModelVersionJson {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status: 'READY';
  tags?: TagRecord[];
  run_link?: string;
  aliases?: string[];
}

export interface RegisteredModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: TagRecord[];
  aliases?: { alias: string; version: string }[];
}

export function modelVersionJson(v: ModelVersionRecord): ModelVersionJson {
  const json: ModelVersionJson = {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    current_stage: v.stage,
    source: v.source,
    status: v.status,
  };
  if (v.userId !== null) json.user_id = v.userId;
  if (v.description !== null) json.description = v.description;
  if (v.runId !== null) json.run_id = v.runId;
  if (v.runLink !== null) json.run_link = v.runLink;
  if (v.tags.length > 0) json.tags = v.tags.map(({ key, value }) => ({ key, value }));
  if (v.aliases.length > 0) json.aliases = [...v.aliases];
  return json;
}

export function registeredModelJson(m: RegisteredModelRecord): RegisteredModelJson {
  const json: RegisteredModelJson = {
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
  };
  if (m.description !== null) json.description = m.description;
  if (m.latestVersions.length > 0) json.latest_versions = m.latestVersions.map(modelVersionJson);
  if (m.tags.length > 0) json.tags = m.tags.map(({ key, value }) => ({ key, value }));
  if (m.aliases.length > 0) json.aliases = m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) }));
  return json;
}
