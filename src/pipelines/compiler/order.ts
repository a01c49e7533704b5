import { invalidArgument } from '../../core/errors.js';
import type { Frame, NodeImpl, Scope } from '../dsl/graph.js';
import type { TaskSpec } from '../spec/types.js';
import { taskReferences } from '../spec/walk.js';
import { at } from './bindings.js';

/**
 * The `.after(...)` edges of a frame, lifted to the scope where both ends are siblings: `x.after(y)` with x
 * inside a loop and y outside makes the loop wait for y. Returns, per waiting node, the nodes it waits for.
 */
export function afterEdges(frame: Frame, nodes: readonly NodeImpl[]): Map<NodeImpl, Set<NodeImpl>> {
  const edges = new Map<NodeImpl, Set<NodeImpl>>();
  for (const node of nodes) {
    for (const other of node.afterNodes) {
      const common = commonScope(node.scope, other.scope);
      const where = at(frame, `task '${node.name}'`);
      if (!common) {
        throw invalidArgument(
          `${where}: .after('${other.name}') crosses the exit handler, which already runs after everything else`,
        );
      }
      const waiting = ancestorIn(node, common);
      const awaited = ancestorIn(other, common);
      if (waiting === awaited) {
        throw invalidArgument(`${where}: .after('${other.name}') cannot hold: one of them contains the other`);
      }
      if (!edges.has(waiting)) edges.set(waiting, new Set());
      edges.get(waiting)!.add(awaited);
    }
  }
  return edges;
}

function commonScope(a: Scope, b: Scope): Scope | null {
  for (let s: Scope | null = a; s; s = s.parent) if (s.encloses(b)) return s;
  return null;
}

/** The node of `scope` that is `node` or contains it. */
function ancestorIn(node: NodeImpl, scope: Scope): NodeImpl {
  let n = node;
  while (n.scope !== scope) n = n.scope.owner!;
  return n;
}

/**
 * Fills in each task's `dependsOn` (siblings whose outputs it or its nested tasks use, plus lifted `.after`
 * edges) and returns the tasks in a topological order: creation order wherever dependencies allow.
 */
export function orderTasks(
  frame: Frame,
  nodes: readonly NodeImpl[],
  tasks: TaskSpec[],
  edges: Map<NodeImpl, Set<NodeImpl>>,
): TaskSpec[] {
  const names = new Set(tasks.map((t) => t.name));
  tasks.forEach((task, index) => {
    const deps = new Set([...taskReferences(task)].filter((n) => names.has(n) && n !== task.name));
    for (const awaited of edges.get(nodes[index]!) ?? []) deps.add(awaited.name);
    task.dependsOn = tasks.filter((t) => deps.has(t.name)).map((t) => t.name);
  });
  const done = new Set<string>();
  const ordered: TaskSpec[] = [];
  while (ordered.length < tasks.length) {
    const next = tasks.find((t) => !done.has(t.name) && t.dependsOn.every((d) => done.has(d)));
    if (!next)
      throw cycleError(
        frame,
        tasks.filter((t) => !done.has(t.name)),
      );
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

function cycleError(frame: Frame, stuck: TaskSpec[]) {
  const byName = new Map(stuck.map((t) => [t.name, t]));
  // Walk waiting edges from any stuck task until a name repeats: that loop is the cycle.
  const path: string[] = [];
  let current = stuck[0]!;
  while (!path.includes(current.name)) {
    path.push(current.name);
    current = byName.get(current.dependsOn.find((d) => byName.has(d))!)!;
  }
  const cycle = [...path.slice(path.indexOf(current.name)), current.name];
  return invalidArgument(
    `${at(frame, 'has a dependency cycle')}: ${cycle.join(' → ')} (each waits for the next through its inputs ` +
      'or .after(...))',
    { cycle },
  );
}
