import {
  AppError,
  type ErrorDetail,
  type FanoutStep,
  type WorkflowDefinition,
  workflowDefinitionSchema,
} from '@switchboard/contracts';
import { flattenZodIssues } from './flattenZodIssues';
import { functionFormOf } from './functionSource';
import { parseCron } from './parseCron';
import { type TemplateReference, templateReferences } from './parseTemplate';
import {
  type AnyStep,
  dominators,
  findCycle,
  reachableInOrder,
  type StepGraph,
  stepEdges,
  stepGraph,
} from './stepGraph';

export type ValidateWorkflowOptions = {
  /**
   * The integration's shared User Settings ids. When given, `{{settings.<id>}}` must name one of these
   * or one of the workflow's own `inputs`; when absent, settings names are not checked.
   */
  sharedSettings?: readonly string[];
};

type Path = (string | number)[];
const joinPath = (path: Path) => path.map(String).join('.');

/** What `{{trigger.…}}` holds per trigger type; undefined = any payload (App Events are not typed). */
const triggerKeys: Record<WorkflowDefinition['trigger']['type'], readonly string[] | undefined> = {
  appEvent: undefined,
  request: ['body', 'query', 'headers'],
  schedule: ['scheduledAt'],
  integrationEnabled: ['enabledAt', 'integration', 'credentialId'],
};

/** The templated fields of a step, by name. */
function templateFields(step: AnyStep): { at: Path; value: unknown }[] {
  const fields: Record<string, unknown> = (() => {
    switch (step.type) {
      case 'request':
        return { url: step.url, query: step.query, headers: step.headers, body: step.body };
      case 'integration':
        return { path: step.path, query: step.query, headers: step.headers, body: step.body };
      case 'function':
        return { input: step.input };
      case 'conditional':
        return { condition: step.condition };
      case 'fanout':
        return { items: step.items };
      case 'delay':
        return { seconds: step.seconds, until: step.until };
      case 'response':
        return { headers: step.headers, body: step.body };
    }
  })();
  return Object.entries(fields).flatMap(([name, value]) =>
    value === undefined ? [] : [{ at: [name], value }],
  );
}

/** One list of steps: the workflow's own, or a fan-out's. */
type StepList = {
  steps: readonly AnyStep[];
  /** Where the list sits: `['steps']` or `['steps', 3, 'steps']`. */
  at: Path;
  entry: string | undefined;
  /** Where `entry` sits (its error path). */
  entryAt: Path;
  fanout: FanoutStep | undefined;
};

/** Facts about each list once its graph is known. */
type ListFacts = {
  graph: StepGraph;
  reachable: Set<string>;
  /** Undefined when the list has a cycle (then templates are not checked: fix the cycle first). */
  dominators: Map<string, Set<string>> | undefined;
};

/**
 * Checks what the schema cannot: unique step ids, links to steps of the same list, an existing entry,
 * no cycles, no unreachable steps, response steps only under a request trigger (and never one after
 * another), code that compiles, a valid cron, and every template reference in scope:
 * - `{{steps.<id>.output…}}` only for steps that dominate the referring step: every path from the
 *   entry to it passes through `<id>` (so `<id>` has certainly finished; a step on one branch of a
 *   conditional is not available after the branches join). Inside a fan-out: the fan-out's own
 *   dominators and the dominating steps of the same item; outside, a fan-out's inner steps are not
 *   available (use the fan-out's output).
 * - `{{item}}`/`{{index}}` only inside a fan-out's steps; `{{trigger.…}}` keys by trigger type;
 *   `{{user.id}}`, `{{user.meta.…}}`; `{{settings.<id>}}`.
 * Returns the problems, each with a path into the definition and a message that says how to fix it.
 */
export function findWorkflowProblems(
  definition: WorkflowDefinition,
  options: ValidateWorkflowOptions = {},
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const problem = (path: Path, message: string) => problems.push({ path: joinPath(path), message });

  const lists: StepList[] = [
    {
      steps: definition.steps,
      at: ['steps'],
      entry: definition.entry,
      entryAt: ['entry'],
      fanout: undefined,
    },
  ];
  definition.steps.forEach((step, position) => {
    if (step.type === 'fanout') {
      lists.push({
        steps: step.steps,
        at: ['steps', position, 'steps'],
        entry: step.entry,
        entryAt: ['steps', position, 'entry'],
        fanout: step,
      });
    }
  });

  // Ids are unique across the whole workflow: they key step results and idempotency keys.
  const home = new Map<string, { list: StepList; at: Path }>();
  for (const list of lists) {
    list.steps.forEach((step, position) => {
      const at = [...list.at, position];
      const first = home.get(step.id);
      if (first) {
        problem(
          [...at, 'id'],
          `the step id "${step.id}" is already used at ${joinPath(first.at)}; give each step its own id`,
        );
      } else {
        home.set(step.id, { list, at });
      }
    });
  }
  const describeList = (list: StepList) =>
    list.fanout ? `inside fan-out "${list.fanout.id}"` : "in the workflow's own steps";

  const facts = new Map<StepList, ListFacts>();
  for (const list of lists) {
    const ids = new Set(list.steps.map((step) => step.id));
    const checkTarget = (at: Path, target: string, what: string) => {
      if (ids.has(target)) return;
      const elsewhere = home.get(target);
      problem(
        at,
        elsewhere
          ? `${what} "${target}" is ${describeList(elsewhere.list)}, but this step is ${describeList(list)}; a step can only lead to a step of the same list (a fan-out's steps run per item, then the fan-out's own "next" continues)`
          : `${what} "${target}" is not a step id; the steps here are: ${[...ids].join(', ')}`,
      );
    };
    if (list.entry !== undefined) checkTarget(list.entryAt, list.entry, 'entry');
    list.steps.forEach((step, position) => {
      for (const edge of stepEdges(step)) checkTarget([...list.at, position, edge.via], edge.to, edge.via);
    });

    const graph = stepGraph(
      list.steps,
      list.entry !== undefined && ids.has(list.entry) ? list.entry : undefined,
    );
    const cycle = findCycle(graph);
    if (cycle) {
      problem(
        list.at,
        `these steps form a cycle: ${cycle.join(' → ')}. A workflow runs each step at most once (per fan-out item): remove one of these links; to repeat steps for each element of a list, use a fan-out`,
      );
    }
    const reachable = new Set(reachableInOrder(graph));
    list.steps.forEach((step, position) => {
      const first = home.get(step.id);
      // A duplicate id is reported above; reachability is about the step that owns the id.
      const ownsId = first?.list === list && first.at.at(-1) === position;
      if (ownsId && !reachable.has(step.id)) {
        problem(
          [...list.at, position],
          `step "${step.id}" is never reached: nothing leads to it (entry, next, onTrue, onFalse). Link it from another step or remove it`,
        );
      }
    });
    facts.set(list, { graph, reachable, dominators: cycle ? undefined : dominators(graph) });
  }

  // Response steps answer a Request trigger's caller; the first one to run is the answer.
  const topList = lists[0] as StepList;
  const topFacts = facts.get(topList);
  definition.steps.forEach((step, position) => {
    if (step.type !== 'response') return;
    if (definition.trigger.type !== 'request') {
      problem(
        ['steps', position],
        `response step "${step.id}" only works in a workflow with a request trigger (it is what paragon.workflow() answers); remove it or change the trigger to { "type": "request" }`,
      );
      return;
    }
    const earlier = [...(topFacts?.dominators?.get(step.id) ?? [])].find(
      (id) =>
        id !== step.id && definition.steps.some((other) => other.id === id && other.type === 'response'),
    );
    if (earlier) {
      problem(
        ['steps', position],
        `response step "${step.id}" always runs after response step "${earlier}", which has already answered; remove one of them`,
      );
    }
  });

  for (const list of lists) {
    list.steps.forEach((step, position) => {
      if (step.type !== 'function') return;
      const form = functionFormOf(step.code);
      if ('error' in form) {
        problem(
          [...list.at, position, 'code'],
          `the code does not compile (${form.error}); write a function such as "(input) => ({ total: input.a + input.b })" or a body that returns a value`,
        );
      }
    });
  }

  if (definition.trigger.type === 'schedule' && definition.trigger.cron !== undefined) {
    try {
      parseCron(definition.trigger.cron);
    } catch (error) {
      problem(['trigger', 'cron'], error instanceof Error ? error.message : String(error));
    }
  }

  // Template references, checked against the scope of each reachable step.
  const settingsKnown =
    options.sharedSettings === undefined
      ? undefined
      : new Set([...options.sharedSettings, ...(definition.inputs ?? []).map((input) => input.id)]);
  for (const list of lists) {
    const listFacts = facts.get(list);
    if (!listFacts?.dominators) continue;
    const outer = list.fanout ? facts.get(topList) : undefined;
    if (list.fanout && !outer?.dominators) continue;
    list.steps.forEach((step, position) => {
      if (!listFacts.reachable.has(step.id)) return;
      const available = new Set(
        [...(listFacts.dominators?.get(step.id) ?? [])].filter((id) => id !== step.id),
      );
      if (list.fanout) {
        const fanoutId = list.fanout.id;
        for (const id of outer?.dominators?.get(fanoutId) ?? []) if (id !== fanoutId) available.add(id);
      }
      const fanout = list.fanout;
      const runsAfter = (id: string) =>
        home.get(id)?.list === list
          ? isAfter(listFacts.graph, step.id, id)
          : fanout !== undefined && topFacts !== undefined && isAfter(topFacts.graph, fanout.id, id);
      for (const field of templateFields(step)) {
        for (const reference of templateReferences(field.value, field.at)) {
          const message = referenceProblem(reference, {
            definition,
            step,
            fanout,
            available,
            home: (id) => home.get(id)?.list.fanout?.id,
            runsAfter,
            settingsKnown,
          });
          if (message) problem([...list.at, position, ...reference.at], `${reference.source}: ${message}`);
        }
      }
    });
  }
  return problems;
}

/** Whether `later` can be reached from `earlier` in the graph. */
function isAfter(graph: StepGraph, earlier: string, later: string): boolean {
  const seen = new Set<string>();
  const stack = [...graph.successors(earlier)];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === later) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.successors(id));
  }
  return false;
}

type ReferenceContext = {
  definition: WorkflowDefinition;
  step: AnyStep;
  /** The fan-out whose steps hold `step`. */
  fanout: FanoutStep | undefined;
  /** Step ids whose output is certainly there. */
  available: ReadonlySet<string>;
  /** The fan-out a step id belongs to (undefined: the workflow's own steps or no such step). */
  home: (id: string) => string | undefined;
  runsAfter: (id: string) => boolean;
  settingsKnown: ReadonlySet<string> | undefined;
};

const roots = 'trigger, steps, settings, user, or inside a fan-out item and index';

/** Why a reference cannot be resolved where it is, or undefined when it is fine. */
function referenceProblem(reference: TemplateReference, context: ReferenceContext): string | undefined {
  const { path } = reference;
  if (path === undefined) {
    return `not a placeholder: write a path such as {{trigger.email}} or {{steps.lookup.output.body.id}} (no expressions; compute values in a function step)`;
  }
  const [root, first, second] = path;
  const { step } = context;
  // A fan-out's own `items` are rendered before any item runs, in the workflow's scope.
  const itemScope = context.fanout !== undefined;
  switch (root) {
    case 'trigger': {
      const keys = triggerKeys[context.definition.trigger.type];
      if (first !== undefined && keys !== undefined && !keys.includes(first)) {
        return keys.length > 0
          ? `a ${context.definition.trigger.type} trigger provides ${keys.map((key) => `trigger.${key}`).join(', ')}`
          : `a ${context.definition.trigger.type} trigger provides no data`;
      }
      return undefined;
    }
    case 'steps': {
      if (first === undefined || second !== 'output') {
        return `a step's result is read as {{steps.<id>.output}} or below it, e.g. {{steps.${first ?? 'lookup'}.output.body}}`;
      }
      if (first === step.id) return `a step cannot read its own output`;
      if (context.available.has(first)) return undefined;
      const fanoutOfTarget = context.home(first);
      const exists =
        fanoutOfTarget !== undefined || context.definition.steps.some((other) => other.id === first);
      if (!exists) return `there is no step "${first}"`;
      if (fanoutOfTarget !== undefined && fanoutOfTarget !== context.fanout?.id) {
        return `step "${first}" is inside fan-out "${fanoutOfTarget}" and runs once per item; read the fan-out's output instead ({{steps.${fanoutOfTarget}.output}}: one entry per item)`;
      }
      if (first === context.fanout?.id) {
        return `this step is part of fan-out "${first}", whose output only exists once every item is done; use {{item}}, {{index}} and the outputs of earlier steps of the same item`;
      }
      if (context.runsAfter(first))
        return `step "${first}" runs after step "${step.id}", so its output is not there yet`;
      return `step "${first}" does not run before step "${step.id}" on every path (for example it is on one branch of a conditional); only steps that every path to "${step.id}" passes through can be read. Move this to a step on the same branch after "${first}"`;
    }
    case 'settings':
      if (first === undefined) return `name the setting: {{settings.<id>}}`;
      if (context.settingsKnown && !context.settingsKnown.has(first)) {
        const known = [...context.settingsKnown];
        return `there is no User Setting "${first}"${known.length > 0 ? `; the settings are: ${known.join(', ')}` : '; declare it in the workflow\'s "inputs"'}`;
      }
      return undefined;
    case 'user':
      if (first === 'id' && second === undefined) return undefined;
      if (first === 'meta') return undefined;
      return `the user provides {{user.id}} and {{user.meta.<key>}} (the metadata set with setUserMetadata)`;
    case 'item':
      return itemScope ? undefined : `{{item}} only exists inside a fan-out's steps`;
    case 'index':
      if (!itemScope) return `{{index}} only exists inside a fan-out's steps`;
      return first === undefined ? undefined : `{{index}} is a number; it has no fields`;
    default:
      return `unknown name "${root}": a placeholder starts with ${roots}`;
  }
}

/**
 * Parses and validates a workflow definition (the admin API's JSON, or `defineWorkflow()`'s argument).
 * Returns it when valid; otherwise throws AppError VALIDATION_FAILED (400) whose details list every
 * problem as `{ path, message }`.
 */
export function validateWorkflow(input: unknown, options: ValidateWorkflowOptions = {}): WorkflowDefinition {
  const parsed = workflowDefinitionSchema.safeParse(input);
  const problems = parsed.success
    ? findWorkflowProblems(parsed.data, options)
    : flattenZodIssues(parsed.error.issues);
  const first = problems[0];
  if (!parsed.success || first !== undefined) {
    const summary = first ? `${first.path}: ${first.message}` : 'the definition is not valid';
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
        : '';
    throw new AppError('VALIDATION_FAILED', 400, `Invalid workflow definition: ${summary}${more}`, problems);
  }
  return parsed.data;
}
