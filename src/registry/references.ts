import { invalidArgument, notFound } from '../core/errors.js';
import type { ModelVersionRecord, RegistryRepository, Stage } from '../store/registry.js';
import { STAGES } from '../store/registry.js';
import { canonicalStage, parseVersion, validateAlias, validateModelName } from './validation.js';

/**
 * References to one model version, as `osprey models lineage`, `models:/` sources and MLflow clients write them:
 * `NAME@ALIAS`, `NAME/VERSION`, `NAME/latest` (the highest version), `NAME/<stage>` (the highest in that stage),
 * each optionally prefixed by `models:/`. Model names hold no `/` and aliases no `@`, so the split is unambiguous.
 */
export type ModelReference =
  | { name: string; alias: string }
  | { name: string; version: number }
  | { name: string; latest: true }
  | { name: string; stage: Stage };

export function parseModelReference(reference: string): ModelReference {
  const body = reference.startsWith('models:/') ? reference.slice('models:/'.length) : reference;
  const at = body.lastIndexOf('@');
  const slash = body.lastIndexOf('/');
  if (at > 0 && slash < 0)
    return { name: validateModelName(body.slice(0, at)), alias: validateAlias(body.slice(at + 1)) };
  if (slash > 0) {
    const name = validateModelName(body.slice(0, slash));
    const rest = body.slice(slash + 1);
    if (/^\d+$/.test(rest)) return { name, version: parseVersion(rest) };
    if (rest.toLowerCase() === 'latest') return { name, latest: true };
    if (STAGES.some((s) => s.toLowerCase() === rest.toLowerCase())) return { name, stage: canonicalStage(rest) };
  }
  throw invalidArgument(
    `Invalid model reference ${JSON.stringify(reference)}: use NAME@ALIAS, NAME/VERSION, NAME/latest or NAME/<stage>`,
    { reference },
  );
}

/**
 * The model version a reference names, with its run id and source, so lineage can go on to the run and its
 * dataset inputs. NOT_FOUND when the model, version or alias does not exist.
 */
export async function resolveModelReference(
  registry: RegistryRepository,
  reference: string | ModelReference,
): Promise<ModelVersionRecord> {
  const ref = typeof reference === 'string' ? parseModelReference(reference) : reference;
  let found: ModelVersionRecord | undefined;
  if ('alias' in ref) found = await registry.getVersionByAlias(ref.name, ref.alias);
  else if ('version' in ref) found = await registry.getVersion(ref.name, ref.version);
  else if ('stage' in ref) found = (await registry.latestVersions(ref.name, [ref.stage]))[0];
  else {
    const page = await registry.searchVersions({
      filters: [{ field: 'name', op: '=', value: ref.name }],
      orderBy: [{ field: 'version', ascending: false }],
      offset: 0,
      limit: 1,
    });
    found = page.items[0];
  }
  if (!found) throw notFound(`${describe(ref)} not found`, { reference: describe(ref) });
  return found;
}

function describe(ref: ModelReference): string {
  if ('alias' in ref) return `Registered model alias ${ref.alias} of model ${ref.name}`;
  if ('version' in ref) return `Model Version (name=${ref.name}, version=${ref.version})`;
  if ('stage' in ref) return `A version of model ${ref.name} in stage ${ref.stage}`;
  return `A version of model ${ref.name}`;
}
