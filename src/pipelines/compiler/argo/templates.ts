import { invalidArgument } from '../../../core/errors.js';
import { canonicalJson } from '../../../core/hashing.js';
import type {
  Binding,
  ComponentSpec,
  ComponentTaskSpec,
  LoopTaskSpec,
  PipelineDefinition,
  PipelineSpec,
  TaskSpec,
  ValueType,
} from '../../spec/types.js';
import { formatType, holdsArtifacts, isArtifactType } from '../../spec/value-types.js';
import { type ArgoTargetOptions, containerTemplate } from './containers.js';
import { type ArgoValue, argument, FrameTypes, Level, splitArguments, unsupported } from './levels.js';
import type { ArgoArguments, ArgoDagTask, ArgoParameter, ArgoTemplate } from './manifest.js';
import { ArgoNames } from './names.js';

/** Builds the templates of a workflow from a spec: one per component task policy, one DAG per graph. */
export class TemplateBuilder {
  readonly templates: ArgoTemplate[] = [];
  private readonly names = new ArgoNames();
  private readonly components = new Map<string, string>();
  private readonly pipelines = new Map<string, { template: string; exit: { template: string; level: Level } | null }>();

  constructor(
    readonly spec: PipelineSpec,
    readonly options: ArgoTargetOptions,
  ) {}

  /** The DAG template of a pipeline definition (and of its exit handler), built once. */
  pipeline(definition: PipelineDefinition) {
    const built = this.pipelines.get(definition.name);
    if (built) return built;
    const types = new FrameTypes(this.spec, definition);
    const level = new Level(types, true, `pipeline '${definition.name}'`);
    const template = this.dag(`pipeline-${definition.name}`, level, definition.tasks, definition.name);
    template.outputs = templateOutputs(level, definition.outputs);
    template.inputs = splitArguments(
      Object.entries(definition.params).map(([name, { type }]) => {
        if (holdsArtifacts(type) && !isArtifactType(type)) throw unsupported(level.where, `param '${name}'`);
        return isArtifactType(type) ? { artifact: { name } } : { parameter: { name } };
      }),
    );
    let exit: { template: string; level: Level } | null = null;
    if (definition.exitHandler.length > 0) {
      const exitLevel = new Level(types, false, `pipeline '${definition.name}' exit handler`);
      const exitTemplate = this.dag(
        `${definition.name}-exit`,
        exitLevel,
        definition.exitHandler,
        `${definition.name}-exit`,
      );
      exitTemplate.inputs = levelInputs(exitLevel);
      exit = { template: exitTemplate.name, level: exitLevel };
    }
    const result = { template: template.name, exit };
    this.pipelines.set(definition.name, result);
    return result;
  }

  private dag(wanted: string, level: Level, tasks: TaskSpec[], prefix: string): ArgoTemplate {
    const template: ArgoTemplate = { name: this.names.claim(wanted), dag: { tasks: [] } };
    this.templates.push(template);
    for (const task of tasks) template.dag!.tasks.push(...this.dagTasks(task, level, prefix));
    return template;
  }

  private dagTasks(task: TaskSpec, level: Level, prefix: string): ArgoDagTask[] {
    const dependencies = argoDependencies(task.dependsOn, level);
    const deps = dependencies.length > 0 ? { dependencies } : {};
    const where = `${level.where} task '${task.name}'`;
    const bindAll = (inputs: Record<string, Binding>) =>
      splitArguments(
        Object.entries(inputs).map(([name, binding]) => argument(name, resolveArgument(level, binding, where))),
      );
    switch (task.kind) {
      case 'component': {
        const template = this.component(this.spec.components[task.component]!, task);
        const args = bindAll(task.inputs);
        const name = level.taskNames.claim(task.name);
        level.locals.set(task.name, name);
        return [{ name, template, ...deps, ...nonEmpty(args) }];
      }
      case 'pipeline': {
        const definition = this.spec.pipelines[task.pipeline]!;
        const { template, exit } = this.pipeline(definition);
        const args = bindAll(task.inputs);
        const name = level.taskNames.claim(task.name);
        level.locals.set(task.name, name);
        const hooks = exit
          ? {
              hooks: {
                exit: { template: exit.template, ...nonEmpty(exitArguments(exit.level, level, task.inputs, name)) },
              },
            }
          : {};
        return [{ name, template, ...deps, ...nonEmpty(args), ...hooks }];
      }
      case 'condition': {
        const predicate = level.predicate(task.if);
        const branches: ArgoDagTask[] = [];
        const names: { whenTrue?: string; whenFalse?: string } = {};
        for (const side of ['whenTrue', 'whenFalse'] as const) {
          if (task[side].length === 0) continue;
          const suffix = side === 'whenTrue' ? 'then' : 'else';
          const child = new Level(level.types, false, `${where} ${side}`);
          const template = this.dag(`${prefix}-${task.name}-${suffix}`, child, task[side], prefix);
          const exported = Object.fromEntries(
            Object.entries(task.outputs).map(([name, out]) => [name, { type: out.type, from: out[side] }]),
          );
          template.outputs = templateOutputs(child, exported, (b) => insideBranch(b, task[side]));
          template.inputs = levelInputs(child);
          const name = level.taskNames.claim(`${task.name}-${suffix}`);
          names[side] = name;
          const when = side === 'whenTrue' ? `{{=${predicate}}}` : `{{=!(${predicate})}}`;
          branches.push({ name, template: template.name, ...deps, when, ...nonEmpty(callArguments(child, level)) });
        }
        level.conditions.set(task.name, { spec: task, ...names });
        return branches;
      }
      case 'loop':
        return [this.loop(task, level, prefix, deps)];
    }
  }

  /** A loop: a wrapper DAG (holding the parallelism limit) whose one task runs the body once per item. */
  private loop(task: LoopTaskSpec, level: Level, prefix: string, deps: { dependencies?: string[] }): ArgoDagTask {
    const where = `${level.where} loop '${task.name}'`;
    const bodyLevel = new Level(level.types, false, `${where} body`);
    const body = this.dag(`${prefix}-${task.name}-body`, bodyLevel, task.tasks, prefix);
    const collected: ArgoParameter[] = [];
    body.outputs = {
      parameters: Object.entries(task.outputs).map(([name, out]) => {
        const value = bodyLevel.resolve(out.from);
        if (value.kind !== 'parameter') throw unsupported(where, `collected ${formatType(out.type)} output '${name}'`);
        collected.push({ name, valueFrom: { parameter: `{{tasks.iterate.outputs.parameters.${name}}}` } });
        return { name, valueFrom: { parameter: value.text } };
      }),
    };
    if (collected.length === 0) body.outputs = undefined;
    body.inputs = levelInputs(bodyLevel);
    const wrapperLevel = new Level(level.types, false, where);
    const wrapper: ArgoTemplate = { name: this.names.claim(`${prefix}-${task.name}`) };
    this.templates.push(wrapper);
    const iterate: ArgoDagTask = { name: 'iterate', template: body.name };
    const args = [...bodyLevel.inputs.values()].map(({ name, binding, kind }) =>
      binding.from === 'item' && binding.loop === task.name
        ? { parameter: { name, value: itemReference(binding, where) } }
        : argument(name, wrapperLevel.resolve(binding, kind === 'parameter')),
    );
    Object.assign(iterate, nonEmpty(splitArguments(args)));
    if (task.items.from === 'constant') iterate.withItems = task.items.value as unknown[];
    else {
      const items = wrapperLevel.resolve(task.items);
      if (items.kind !== 'parameter') throw unsupported(where, 'artifact items');
      iterate.withParam = items.text;
    }
    wrapper.dag = { tasks: [iterate] };
    if (task.parallelism !== null) wrapper.parallelism = task.parallelism;
    wrapper.inputs = levelInputs(wrapperLevel);
    if (collected.length > 0) wrapper.outputs = { parameters: collected };
    const name = level.taskNames.claim(task.name);
    level.locals.set(task.name, name);
    return { name, template: wrapper.name, ...deps, ...nonEmpty(callArguments(wrapperLevel, level)) };
  }

  /** The container template of a component task; tasks with the same component and policy share one. */
  private component(component: ComponentSpec, task: ComponentTaskSpec): string {
    const key = canonicalJson({ component: component.name, retry: task.retry, timeoutMs: task.timeoutMs });
    const known = this.components.get(key);
    if (known) return known;
    const template = containerTemplate(this.names.claim(component.name), component, task, this.options);
    this.components.set(key, template.name);
    this.templates.push(template);
    return template.name;
  }
}

function resolveArgument(level: Level, binding: Binding, where: string): ArgoValue {
  const value = level.resolve(binding);
  if (value.kind === 'artifact' || !holdsArtifacts(level.types.typeOf(binding))) return value;
  throw unsupported(where, `a ${formatType(level.types.typeOf(binding))} value`);
}

/** The arguments a caller at `caller` passes for the inputs `child` asked for. */
function callArguments(child: Level, caller: Level): ArgoArguments {
  return splitArguments(
    [...child.inputs.values()].map(({ name, binding, kind }) =>
      argument(name, caller.resolve(binding, kind === 'parameter')),
    ),
  );
}

/** Arguments of a sub-pipeline's exit hook: its params are the call's inputs; its status is the call's. */
function exitArguments(exit: Level, caller: Level, inputs: Record<string, Binding>, task: string): ArgoArguments {
  return splitArguments(
    [...exit.inputs.values()].map(({ name, binding, kind }) => {
      if (binding.from === 'run') {
        const value =
          binding.field === 'status' ? `{{=sprig.lower(tasks['${task}'].status)}}` : '{{workflow.failures}}';
        return { parameter: { name, value } };
      }
      return argument(name, caller.resolve(substituteParam(binding, inputs), kind === 'parameter'));
    }),
  );
}

/** A binding of a callee's param rewritten as the caller's binding for it (paths appended). */
export function substituteParam(binding: Binding, inputs: Record<string, Binding>): Binding {
  if (binding.from !== 'param') return binding;
  const source = inputs[binding.name]!;
  if (!binding.path) return source;
  if (source.from === 'constant' || source.from === 'run') {
    throw invalidArgument(
      `the Argo target cannot read ${binding.path.join('.')} of a constant passed to an exit handler`,
    );
  }
  return { ...source, path: [...(source.path ?? []), ...binding.path], type: binding.type ?? 'json' } as Binding;
}

function itemReference(binding: Extract<Binding, { from: 'item' }>, where: string): string {
  if (!binding.path) return '{{item}}';
  const [key, ...rest] = binding.path;
  if (rest.length > 0 || typeof key !== 'string') throw invalidArgument(`${where}: Argo reads only item.<field>`);
  return `{{item.${key}}}`;
}

function insideBranch(binding: Binding, branch: TaskSpec[]): boolean {
  const names = new Set<string>();
  const visit = (tasks: TaskSpec[]): void => {
    for (const t of tasks) {
      names.add(t.name);
      if (t.kind === 'condition') visit([...t.whenTrue, ...t.whenFalse]);
      if (t.kind === 'loop') visit(t.tasks);
    }
  };
  visit(branch);
  return binding.from === 'task' && names.has(binding.task);
}

/** Outputs of a DAG template: parameters by value, artifacts by `from`, Metrics also as a JSON parameter. */
function templateOutputs(
  level: Level,
  outputs: Record<string, { type: ValueType; from: Binding }>,
  include: (binding: Binding) => boolean = () => true,
): ArgoArguments | undefined {
  const entries = Object.entries(outputs)
    .filter(([, out]) => include(out.from))
    .flatMap(([name, out]) => {
      const value = level.resolve(out.from);
      if (value.kind === 'parameter') return [{ parameter: { name, valueFrom: { parameter: value.text } } }];
      const artifact = argument(name, value);
      if (out.type !== 'Metrics' || out.from.from !== 'task') return [artifact];
      const twin = level.resolve(out.from, true) as Extract<ArgoValue, { kind: 'parameter' }>;
      return [artifact, { parameter: { name, valueFrom: { parameter: twin.text } } }];
    });
  const split = splitArguments(entries);
  return split.parameters || split.artifacts ? split : undefined;
}

function argoDependencies(dependsOn: string[], level: Level): string[] {
  const names = dependsOn.flatMap((dep): string[] => {
    const condition = level.conditions.get(dep);
    if (!condition) return [level.locals.get(dep)!];
    const branches = [condition.whenTrue, condition.whenFalse].filter((n): n is string => n !== undefined);
    return [...branches, ...argoDependencies(condition.spec.dependsOn, level)];
  });
  return [...new Set(names)];
}

function levelInputs(level: Level): ArgoArguments | undefined {
  const split = splitArguments(
    [...level.inputs.values()].map(({ name, kind }) =>
      kind === 'artifact' ? { artifact: { name } } : { parameter: { name } },
    ),
  );
  return split.parameters || split.artifacts ? split : undefined;
}

function nonEmpty(args: ArgoArguments | undefined): { arguments?: ArgoArguments } {
  return args && (args.parameters || args.artifacts) ? { arguments: args } : {};
}
