import type { FanoutBodyStep, WorkflowStep } from '@switchboard/contracts';

export type AnyStep = WorkflowStep | FanoutBodyStep;
export type StepEdgeKind = 'next' | 'onTrue' | 'onFalse';
export type StepEdge = { to: string; via: StepEdgeKind };

/** Where a step may go next. A fan-out's own `steps` are a separate graph, entered per item. */
export function stepEdges(step: AnyStep): StepEdge[] {
  if (step.type === 'conditional') {
    const edges: StepEdge[] = [];
    if (step.onTrue !== undefined) edges.push({ to: step.onTrue, via: 'onTrue' });
    if (step.onFalse !== undefined) edges.push({ to: step.onFalse, via: 'onFalse' });
    return edges;
  }
  return step.next === undefined ? [] : [{ to: step.next, via: 'next' }];
}

/** One list of steps (the workflow's, or a fan-out's) as a graph. Edges to unknown ids are dropped. */
export type StepGraph = {
  ids: string[];
  entry: string;
  successors: (id: string) => string[];
};

export function stepGraph(steps: readonly AnyStep[], entry: string | undefined): StepGraph {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const successors = (id: string) => {
    const step = byId.get(id);
    return step ? stepEdges(step).flatMap((edge) => (byId.has(edge.to) ? [edge.to] : [])) : [];
  };
  return { ids: steps.map((step) => step.id), entry: entry ?? steps[0]?.id ?? '', successors };
}

/** A cycle as a path that returns to its start (`['a', 'b', 'a']`), or undefined. */
export function findCycle(graph: StepGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const to of graph.successors(id)) {
      const seen = state.get(to);
      if (seen === 'visiting') return [...stack.slice(stack.indexOf(to)), to];
      if (seen === undefined) {
        const cycle = visit(to);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  // From the entry first, so the reported cycle is the one a run would hit.
  for (const id of [graph.entry, ...graph.ids]) {
    if (state.has(id) || !graph.ids.includes(id)) continue;
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Reachable ids in reverse post-order (a topological order when the graph has no cycle). */
export function reachableInOrder(graph: StepGraph): string[] {
  const seen = new Set<string>();
  const postOrder: string[] = [];
  const visit = (id: string) => {
    seen.add(id);
    for (const to of graph.successors(id)) if (!seen.has(to)) visit(to);
    postOrder.push(id);
  };
  if (graph.ids.includes(graph.entry)) visit(graph.entry);
  return postOrder.reverse();
}

/**
 * Dominators of every reachable step of an acyclic graph: step D dominates S when every path from the
 * entry to S passes through D (so D has certainly run, and finished, before S starts). Each set
 * includes the step itself. With no cycles, one pass in topological order is exact.
 */
export function dominators(graph: StepGraph): Map<string, Set<string>> {
  const order = reachableInOrder(graph);
  const reachable = new Set(order);
  const predecessors = new Map<string, string[]>(order.map((id) => [id, []]));
  for (const id of order) for (const to of graph.successors(id)) predecessors.get(to)?.push(id);
  const result = new Map<string, Set<string>>();
  for (const id of order) {
    const preds = (predecessors.get(id) ?? []).filter((pred) => reachable.has(pred));
    let common: Set<string> | undefined;
    for (const pred of preds) {
      const set = result.get(pred) ?? new Set<string>();
      common = common === undefined ? new Set(set) : new Set([...common].filter((x) => set.has(x)));
    }
    const own = common ?? new Set<string>();
    own.add(id);
    result.set(id, own);
  }
  return result;
}
