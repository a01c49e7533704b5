import { Workflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow';
import type { ArgoArguments, ArgoDagTask, ArgoTemplate, ArgoWorkflow } from '../manifest.js';

/**
 * Problems in a compiled workflow: first the published Argo schema (structure), then what the schema cannot
 * see — every template, task, dependency and input a reference names exists, a task only reads tasks it
 * (transitively) depends on, and every call passes exactly the inputs the called template declares.
 */
export function lintWorkflow(workflow: ArgoWorkflow): string[] {
  try {
    new Workflow(workflow as never).validate();
  } catch (error) {
    return [`schema: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const templates = new Map(workflow.spec.templates.map((t) => [t.name, t]));
  if (templates.size !== workflow.spec.templates.length) problems.push('template names are not unique');
  const call = (where: string, name: string, args: ArgoArguments | undefined) => {
    const template = templates.get(name);
    if (!template) return void problems.push(`${where}: no template '${name}'`);
    const declared = (kind: 'parameters' | 'artifacts') => (template.inputs?.[kind] ?? []).map((p) => p.name).sort();
    const given = (kind: 'parameters' | 'artifacts') => (args?.[kind] ?? []).map((p) => p.name).sort();
    for (const kind of ['parameters', 'artifacts'] as const) {
      if (JSON.stringify(declared(kind)) !== JSON.stringify(given(kind))) {
        problems.push(`${where}: passes ${kind} [${given(kind)}] to '${name}', which declares [${declared(kind)}]`);
      }
    }
  };
  call('entrypoint', workflow.spec.entrypoint, workflow.spec.arguments);
  if (workflow.spec.hooks) call('exit hook', workflow.spec.hooks.exit.template, workflow.spec.hooks.exit.arguments);
  for (const template of workflow.spec.templates) {
    checkInputs(template, problems);
    if (template.dag) checkDag(template, template.dag.tasks, call, problems);
  }
  return problems;
}

function checkDag(
  template: ArgoTemplate,
  tasks: ArgoDagTask[],
  call: (where: string, name: string, args: ArgoArguments | undefined) => void,
  problems: string[],
): void {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const upstream = (task: ArgoDagTask, seen = new Set<string>()): Set<string> => {
    for (const dep of task.dependencies ?? []) {
      if (!seen.has(dep) && byName.has(dep)) upstream(byName.get(dep)!, seen.add(dep));
    }
    return seen;
  };
  for (const task of tasks) {
    const where = `template '${template.name}' task '${task.name}'`;
    call(where, task.template, task.arguments);
    if (task.hooks) call(`${where} exit hook`, task.hooks.exit.template, task.hooks.exit.arguments);
    for (const dep of task.dependencies ?? [])
      if (!byName.has(dep)) problems.push(`${where}: unknown dependency ${dep}`);
    const before = upstream(task);
    const text = JSON.stringify([task.arguments, task.when, task.withParam]);
    for (const read of readTasks(text)) {
      if (!before.has(read)) problems.push(`${where}: reads task '${read}' without depending on it`);
    }
  }
  const outputs = JSON.stringify(template.outputs ?? {});
  for (const read of readTasks(outputs))
    if (!byName.has(read)) problems.push(`template '${template.name}': outputs read unknown task '${read}'`);
}

/** Every `{{inputs.parameters.x}}` or `inputs.parameters['x']` a template uses must be one it declares. */
function checkInputs(template: ArgoTemplate, problems: string[]): void {
  const body = JSON.stringify({ ...template, inputs: undefined });
  for (const kind of ['parameters', 'artifacts'] as const) {
    const declared = new Set((template.inputs?.[kind] ?? []).map((p) => p.name));
    const pattern = new RegExp(`inputs\\.${kind}(?:\\.([A-Za-z0-9_-]+)|\\[\\\\?'([A-Za-z0-9_-]+)\\\\?'\\])`, 'g');
    for (const match of body.matchAll(pattern)) {
      const name = match[1] ?? match[2]!;
      if (!declared.has(name)) problems.push(`template '${template.name}': uses undeclared input ${kind}.${name}`);
    }
  }
}

function readTasks(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/tasks(?:\.([a-z0-9-]+)|\[\\?'([a-z0-9-]+)\\?'\])\./g))
    names.add(match[1] ?? match[2]!);
  return names;
}
