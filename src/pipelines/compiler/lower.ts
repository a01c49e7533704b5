import { invalidArgument } from '../../core/errors.js';
import type { ComponentDefinition, InputInfo } from '../dsl/component.js';
import type { ConditionNode, Frame, LoopNode, NodeImpl, PipelineCallNode, Scope, TaskNode } from '../dsl/graph.js';
import type { PipelineDefinitionDsl } from '../dsl/pipeline.js';
import type { Operand } from '../dsl/refs.js';
import type { Binding, ParamSpec, PipelineDefinition, TaskSpec } from '../spec/types.js';
import { at, toBinding, toPredicate } from './bindings.js';
import { afterEdges, orderTasks } from './order.js';

/** What lowering a pipeline discovers: the components and sub-pipelines it uses, by their unique names. */
export class Discovered {
  readonly components = new Map<string, ComponentDefinition>();
  readonly pipelines = new Map<string, PipelineDefinitionDsl>();

  constructor(readonly root: PipelineDefinitionDsl) {}

  component(definition: ComponentDefinition, user: string): void {
    const known = this.components.get(definition.name);
    if (known && known !== definition) {
      throw invalidArgument(
        `two different components are named '${definition.name}' (the second is used by ${user}): ` +
          'component names must be unique within a pipeline',
      );
    }
    this.components.set(definition.name, definition);
  }

  pipeline(definition: PipelineDefinitionDsl, user: string): void {
    const known = definition.name === this.root.name ? this.root : this.pipelines.get(definition.name);
    if (known && known !== definition) {
      throw invalidArgument(
        `two different pipelines are named '${definition.name}' (the second is used by ${user}): ` +
          'pipeline names must be unique within a pipeline and the pipelines it calls',
      );
    }
    this.pipelines.set(definition.name, definition);
  }
}

/** A pipeline's recorded graph as a spec pipeline definition. */
export function lowerFrame(frame: Frame, found: Discovered): PipelineDefinition {
  const all = allNodes(frame);
  const edges = afterEdges(frame, all);
  const lowerScope = (scope: Scope): TaskSpec[] =>
    orderTasks(
      frame,
      scope.nodes,
      scope.nodes.map((node) => lowerNode(node, lowerScope, found)),
      edges,
    );
  const definition = frame.pipeline;
  if (frame.root.nodes.length === 0) throw invalidArgument(`${at(frame, 'has no tasks')}: call components in its body`);
  return {
    name: definition.name,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    params: mapValues(definition.params, paramSpec),
    outputs: mapValues(frame.outputs, (ref, name) => ({
      type: ref.type,
      from: toBinding(ref, frame.root, `output '${name}'`),
    })),
    tasks: lowerScope(frame.root),
    exitHandler: frame.exit ? lowerScope(frame.exit) : [],
  };
}

function lowerNode(node: NodeImpl, lowerScope: (scope: Scope) => TaskSpec[], found: Discovered): TaskSpec {
  const base = { name: node.name, dependsOn: [] as string[] };
  const bind = (operands: Record<string, Operand>, scope: Scope) =>
    mapValues(operands, (operand, input): Binding => toBinding(operand, scope, `task '${node.name}' input '${input}'`));
  // By kind, not instanceof: the graph may come from another copy of the DSL than the compiler's.
  if (node.kind === 'component') {
    const task = node as TaskNode;
    found.component(task.component, `task '${node.name}' of pipeline '${node.scope.frame.pipeline.name}'`);
    const { retry, timeoutMs, cache } = task.policy;
    return {
      kind: 'component',
      ...base,
      component: task.component.name,
      inputs: bind(task.inputs, node.scope),
      retry: { ...retry },
      timeoutMs,
      cache,
    };
  }
  if (node.kind === 'pipeline') {
    const call = node as PipelineCallNode;
    found.pipeline(call.callee, `task '${node.name}' of pipeline '${node.scope.frame.pipeline.name}'`);
    return { kind: 'pipeline', ...base, pipeline: call.callee.name, inputs: bind(call.inputs, node.scope) };
  }
  if (node.kind === 'condition') {
    const condition = node as ConditionNode;
    const { elseScope, elseResult } = condition;
    const output = (name: string) => `condition '${node.name}' output '${name}'`;
    return {
      kind: 'condition',
      ...base,
      if: toPredicate(condition.condition.tree, node.scope, `condition '${node.name}'`),
      whenTrue: lowerScope(condition.thenScope),
      whenFalse: elseScope ? lowerScope(elseScope) : [],
      outputs:
        elseScope && elseResult
          ? mapValues(condition.thenResult, (ref, name) => ({
              type: ref.type,
              whenTrue: toBinding(ref, condition.thenScope, output(name)),
              whenFalse: toBinding(elseResult[name]!, elseScope, output(name)),
            }))
          : {},
    };
  }
  const loop = node as LoopNode;
  return {
    kind: 'loop',
    ...base,
    items: toBinding(loop.items, node.scope, `loop '${node.name}' items`),
    itemType: loop.itemType,
    parallelism: loop.parallelism,
    tasks: lowerScope(loop.body),
    outputs: mapValues(Object.fromEntries(loop.results), (ref, name) => ({
      type: { list: ref.type },
      from: toBinding(ref, loop.body, `loop '${node.name}' output '${name}'`),
    })),
  };
}

function paramSpec(info: InputInfo): ParamSpec {
  return {
    type: info.type,
    ...(info.default === undefined ? {} : { default: info.default }),
    ...(info.description === undefined ? {} : { description: info.description }),
  };
}

function allNodes(frame: Frame): NodeImpl[] {
  const nodes: NodeImpl[] = [];
  const visit = (scope: Scope): void => {
    for (const node of scope.nodes) {
      nodes.push(node);
      if (node.kind === 'condition') {
        visit((node as ConditionNode).thenScope);
        const elseScope = (node as ConditionNode).elseScope;
        if (elseScope) visit(elseScope);
      }
      if (node.kind === 'loop') visit((node as LoopNode).body);
    }
  };
  visit(frame.root);
  if (frame.exit) visit(frame.exit);
  return nodes;
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value, key)]));
}
