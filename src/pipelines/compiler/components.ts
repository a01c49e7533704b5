import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidArgument } from '../../core/errors.js';
import { type ComponentDefinition, componentDefinitionOf, type FunctionComponentDefinition } from '../dsl/component.js';
import { componentDigest, sourceDigest } from '../spec/digest.js';
import type { ComponentSpec, FunctionImplementation } from '../spec/types.js';

/**
 * The spec entry of a component: interface, implementation and digest. A function component is referenced by
 * the module that exports it and the export name, so the executor can import it again in the step's process;
 * its `sourceDigest` covers the function's code, so a code change changes the digest and the cache key.
 */
export async function componentSpec(
  definition: ComponentDefinition,
  baseDir: string,
  evaluating: ReadonlySet<string>,
): Promise<ComponentSpec> {
  const implementation =
    definition.kind === 'command'
      ? { kind: 'command' as const, image: definition.image, command: definition.command, env: definition.env }
      : await functionImplementation(definition, baseDir, evaluating);
  const entry: Omit<ComponentSpec, 'digest'> = {
    name: definition.name,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    inputs: definition.inputs,
    outputs: definition.outputs,
    implementation,
  };
  return { ...structuredClone(entry), digest: componentDigest(entry) };
}

async function functionImplementation(
  definition: FunctionComponentDefinition,
  baseDir: string,
  evaluating: ReadonlySet<string>,
): Promise<FunctionImplementation> {
  const located = await locateExport(definition, evaluating);
  return {
    kind: 'function',
    module: relative(baseDir, fileURLToPath(located.module)).split(sep).join('/'),
    export: located.exportName,
    sourceDigest: sourceDigest(definition.fn.toString()),
    ...(definition.image === undefined ? {} : { image: definition.image }),
  };
}

/** The module (among those that were running when the component was defined) exporting it, and the name. */
async function locateExport(
  definition: FunctionComponentDefinition,
  evaluating: ReadonlySet<string>,
): Promise<{ module: string; exportName: string }> {
  for (const module of definition.definedIn) {
    if (evaluating.has(module)) {
      throw invalidArgument(
        `compile() was called while ${fileURLToPath(module)} is still being loaded (from its top-level code), ` +
          `and that module defines component '${definition.name}': compile from another module or after it has loaded`,
      );
    }
    const namespace = (await import(module)) as Record<string, unknown>;
    const names = Object.keys(namespace)
      .filter((name) => componentDefinitionOf(namespace[name]) === definition)
      .sort();
    const exportName = names.find((n) => n !== 'default') ?? names[0];
    if (exportName !== undefined) return { module, exportName };
  }
  const where = definition.definedIn[0] ? fileURLToPath(definition.definedIn[0]) : 'its module';
  throw invalidArgument(
    `component '${definition.name}' is not exported from ${where}: each step runs in its own process, which ` +
      `loads the component by its export — add \`export\` to its declaration`,
    { component: definition.name },
  );
}
