import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage, invalidArgument } from '../../core/errors.js';
import { modulesBeingEvaluated } from '../dsl/location.js';
import { pipelineDefinitionOf } from '../dsl/pipeline.js';
import { PIPELINE_SPEC_VERSION, type PipelineDefinition, type PipelineSpec } from '../spec/types.js';
import { verifySpec } from '../spec/verify.js';
import { componentSpec } from './components.js';
import { Discovered, lowerFrame } from './lower.js';

export interface CompileOptions {
  /**
   * The directory that component module paths in the spec are relative to; the executor resolves them from the
   * same directory. Default: the directory of the module that defines the pipeline.
   */
  baseDir?: string;
}

/**
 * Compiles a pipeline into its spec (osprey.pipeline/v1): runs the pipeline bodies to record the graph, checks
 * the wiring (every error names the pipeline, task and field), and resolves each function component to the module
 * and export it is loaded from. The result passes `verifySpec`, the same check the executor applies.
 */
export async function compile(pipeline: unknown, options: CompileOptions = {}): Promise<PipelineSpec> {
  const evaluating = modulesBeingEvaluated(compile); // read before any await, while the callers are on the stack
  const root = pipelineDefinitionOf(pipeline);
  if (!root) throw invalidArgument('compile(...) expects a pipeline made with pipeline({ name, params }, body)');
  const found = new Discovered(root);
  const definition = lowerFrame(root.build(), found);
  const pipelines: Record<string, PipelineDefinition> = {};
  for (const [name, sub] of found.pipelines) pipelines[name] = lowerFrame(sub.build(), found); // grows while read
  const defined = root.definedIn[0];
  const baseDir = resolve(options.baseDir ?? (defined ? dirname(fileURLToPath(defined)) : process.cwd()));
  const components: PipelineSpec['components'] = {};
  for (const [name, component] of found.components) {
    components[name] = await componentSpec(component, baseDir, evaluating);
  }
  const spec: PipelineSpec = { apiVersion: PIPELINE_SPEC_VERSION, ...definition, components, pipelines };
  verifySpec(spec);
  return spec;
}

/** A CommonJS-loaded `.ts` file cannot take part in ES module imports; say how to fix it. */
const COMMONJS_TS =
  /require\(\) ES Module|ERR_REQUIRE_(CYCLE_MODULE|ESM)|Cannot use import statement outside a module|Cannot find module 'osprey'\nRequire stack/;

async function importPipelineModule(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const text = `${(error as { code?: string }).code ?? ''} ${errorMessage(error)}`;
    if (/\.ts$/.test(path) && COMMONJS_TS.test(text))
      throw invalidArgument(
        `cannot load ${path}: a .ts file outside an ES module package is loaded as CommonJS; name it .mts, or add ` +
          'a package.json with "type": "module" next to it',
        { file: path },
      );
    throw error;
  }
}

/**
 * Imports a pipeline module and compiles its default export (or `exportName`). Importing TypeScript needs a
 * loader such as tsx in the running process.
 */
export async function compileFile(
  file: string,
  options: CompileOptions & { exportName?: string } = {},
): Promise<PipelineSpec> {
  const path = resolve(file);
  const namespace = await importPipelineModule(path);
  const exportName = options.exportName ?? 'default';
  const value = namespace[exportName];
  if (!pipelineDefinitionOf(value)) {
    const pipelines = Object.keys(namespace).filter((k) => pipelineDefinitionOf(namespace[k]));
    throw invalidArgument(
      `${file} has no ${exportName === 'default' ? 'default export' : `export '${exportName}'`} that is a pipeline ` +
        `(pipelines it exports: ${pipelines.join(', ') || 'none'})`,
    );
  }
  const { exportName: _name, ...compileOptions } = options;
  return compile(value, compileOptions);
}
