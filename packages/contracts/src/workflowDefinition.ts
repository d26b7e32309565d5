import { z } from 'zod';
import { connectInputSchema } from './sdkIntegration';

/**
 * A workflow definition: the JSON the admin API accepts and what `defineWorkflow()` returns
 * (docs/workflows.md). This schema checks the shape only; `validateWorkflow()` in @switchboard/engine
 * checks the rest (references between steps, cycles, template references in scope).
 *
 * The steps form a graph through explicit ids: `next` (the step after this one; absent = this path
 * ends), `onTrue`/`onFalse` on a conditional, and a fan-out's own `steps` list, run once per item.
 * A step may only point at a step of the same list. Nothing is defaulted here, so the stored
 * definition is exactly what the project wrote; the engine applies the defaults.
 */

/** Step ids appear in templates (`{{steps.<id>.output}}`), so they are identifier-like. */
export const workflowStepIdSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'a step id starts with a letter and has at most 64 letters, digits, _ or - (e.g. "createContact")',
  );

/**
 * Any JSON value in which strings may hold `{{ path }}` placeholders. A string that is exactly one
 * placeholder takes the referenced value's type; other strings are interpolated.
 */
export const templateValueSchema = z.json();
export type TemplateValue = z.infer<typeof templateValueSchema>;

/** A string that may hold placeholders and always renders to a string (URLs, paths, header values). */
const templateText = z.string().max(8000);
const templateTextMap = z.record(z.string().min(1).max(200), templateText);

export const workflowHttpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
const httpMethodSchema = z.enum(workflowHttpMethods);

export const conditionOperators = [
  'equals',
  'notEquals',
  'contains',
  'gt',
  'lt',
  'exists',
  'notExists',
] as const;
export type ConditionOperator = (typeof conditionOperators)[number];

/**
 * A condition: a comparison, or `all` (every one holds) / `any` (at least one holds) of conditions.
 * `exists`/`notExists` take no `right`.
 */
export type Condition =
  | { left: TemplateValue; op: ConditionOperator; right?: TemplateValue | undefined }
  | { all: Condition[] }
  | { any: Condition[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({
      left: templateValueSchema,
      op: z.enum(conditionOperators),
      right: templateValueSchema.optional(),
    }),
    z.strictObject({ all: z.array(conditionSchema).min(1).max(20) }),
    z.strictObject({ any: z.array(conditionSchema).min(1).max(20) }),
  ]),
);

const stepBase = {
  id: workflowStepIdSchema,
  /** Shown in task history; free text. */
  description: z.string().max(500).optional(),
};
const next = { next: workflowStepIdSchema.optional() };
/** Only steps that talk to the outside world (request, integration, function) retry. */
const failureHandling = {
  /** Extra attempts after a retryable failure, with exponential back-off (about 10 s, 20 s, 40 s, …). */
  retries: z.number().int().min(0).max(5).optional(),
  /** On final failure record `{ error }` as this step's output and go on with `next`. */
  continueOnFailure: z.boolean().optional(),
};

/** A plain HTTP request. `body`: a string is sent as is, anything else as JSON. */
export const requestStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('request'),
  method: httpMethodSchema,
  url: templateText,
  query: templateTextMap.optional(),
  headers: templateTextMap.optional(),
  body: templateValueSchema.optional(),
  ...next,
  ...failureHandling,
});

/** A request to the workflow's integration through the proxy path (the user's credential, its retries). */
export const integrationStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('integration'),
  method: httpMethodSchema,
  /** Relative to the integration's API base URL, e.g. "/contacts". */
  path: templateText,
  query: templateTextMap.optional(),
  headers: templateTextMap.optional(),
  body: templateValueSchema.optional(),
  ...next,
  ...failureHandling,
});

/**
 * JavaScript run in an isolated worker, bounded in time and memory. `code` is a function expression
 * (`(input) => …`, `async function (input) { … }`) or a function body that uses `input` and `return`s.
 * `input` is templated; the output is the returned value, JSON-serialised.
 */
export const functionStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('function'),
  code: z.string().min(1).max(100_000),
  input: templateValueSchema.optional(),
  ...next,
  ...failureHandling,
});

/** Goes to `onTrue` or `onFalse` (absent = that path ends). Output: `{ result: boolean }`. */
export const conditionalStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('conditional'),
  condition: conditionSchema,
  onTrue: workflowStepIdSchema.optional(),
  onFalse: workflowStepIdSchema.optional(),
});

/** Longest delay: 30 days. */
export const maxDelaySeconds = 30 * 24 * 3600;

/** A durable wait: `seconds` from when the step runs, or `until` a timestamp (ISO 8601 or epoch ms). */
export const delayStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('delay'),
    seconds: z.union([z.number().int().min(1).max(maxDelaySeconds), templateText]).optional(),
    until: templateText.optional(),
    ...next,
  })
  .refine((step) => (step.seconds === undefined) !== (step.until === undefined), {
    message: 'a delay needs exactly one of `seconds` or `until`',
  });

/** Answers a Request-triggered workflow's caller; the workflow goes on with `next`. */
export const responseStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('response'),
  status: z.number().int().min(200).max(599).optional(),
  headers: templateTextMap.optional(),
  body: templateValueSchema.optional(),
  ...next,
});

/** Steps that may run inside a fan-out (no nested fan-out, no response). */
export const fanoutBodyStepSchema = z.discriminatedUnion(
  'type',
  [requestStepSchema, integrationStepSchema, functionStepSchema, conditionalStepSchema, delayStepSchema],
  {
    error:
      'a step inside a fan-out needs a "type" of request, integration, function, conditional or delay (no nested fan-out, no response)',
  },
);
export type FanoutBodyStep = z.infer<typeof fanoutBodyStepSchema>;

export const maxFanoutConcurrency = 50;

/**
 * Runs its own `steps` once per element of `items` (a template that renders to an array), at most
 * `concurrency` items at a time (default 5). Inside, `{{item}}` and `{{index}}` are the element and
 * its position. Output: an array with, per item, the output of the last step that ran for it.
 */
export const fanoutStepSchema = z.strictObject({
  ...stepBase,
  type: z.literal('fanout'),
  items: templateValueSchema,
  concurrency: z.number().int().min(1).max(maxFanoutConcurrency).optional(),
  steps: z.array(fanoutBodyStepSchema).min(1).max(50),
  /** First step of `steps`; default: the first in the list. */
  entry: workflowStepIdSchema.optional(),
  ...next,
  continueOnFailure: z.boolean().optional(),
});

export const workflowStepSchema = z.discriminatedUnion(
  'type',
  [
    requestStepSchema,
    integrationStepSchema,
    functionStepSchema,
    conditionalStepSchema,
    fanoutStepSchema,
    delayStepSchema,
    responseStepSchema,
  ],
  {
    error: 'a step needs a "type" of request, integration, function, conditional, fanout, delay or response',
  },
);
export type WorkflowStep = z.infer<typeof workflowStepSchema>;
export type WorkflowStepType = WorkflowStep['type'];
export type RequestStep = z.infer<typeof requestStepSchema>;
export type IntegrationStep = z.infer<typeof integrationStepSchema>;
export type FunctionStep = z.infer<typeof functionStepSchema>;
export type ConditionalStep = z.infer<typeof conditionalStepSchema>;
export type FanoutStep = z.infer<typeof fanoutStepSchema>;
export type DelayStep = z.infer<typeof delayStepSchema>;
export type ResponseStep = z.infer<typeof responseStepSchema>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** One trigger per workflow. */
export const workflowTriggerSchema = z.discriminatedUnion(
  'type',
  [
    /** An App Event sent with `paragon.event(name, payload)`; `{{trigger}}` is the payload. */
    z.strictObject({ type: z.literal('appEvent'), event: z.string().trim().min(1).max(200) }),
    /** `paragon.workflow(id, { body, query, headers })`; `{{trigger.body}}`, `.query`, `.headers`. */
    z.strictObject({ type: z.literal('request') }),
    /**
     * Runs for every user who enabled the workflow: `cron` (5 fields, or 6 with seconds first) or
     * `everySeconds`. `timezone` (IANA) is the default; a user's `meta.timezone` wins.
     */
    z
      .strictObject({
        type: z.literal('schedule'),
        cron: z.string().trim().min(9).max(200).optional(),
        everySeconds: z
          .number()
          .int()
          .min(60, 'the shortest interval is 60 seconds')
          .max(31 * 24 * 3600)
          .optional(),
        timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. "Europe/Paris")').optional(),
      })
      .refine((trigger) => (trigger.cron === undefined) !== (trigger.everySeconds === undefined), {
        message: 'a schedule needs exactly one of `cron` or `everySeconds`',
      }),
    /** Runs once when a user enables the integration. */
    z.strictObject({ type: z.literal('integrationEnabled') }),
  ],
  { error: 'a trigger needs a "type" of appEvent, request, schedule or integrationEnabled' },
);
export type WorkflowTrigger = z.infer<typeof workflowTriggerSchema>;
export type WorkflowTriggerType = WorkflowTrigger['type'];

export const workflowDefinitionSchema = z
  .strictObject({
    /** The workflow this is a new version of; absent on a workflow's first deploy. */
    id: z.uuid().optional(),
    /** Catalog type of the integration the workflow belongs to, e.g. "salesforce". */
    integration: z.string().min(1).max(100),
    description: z.string().trim().min(1).max(500),
    /** Workflow-level User Settings (`{{settings.<id>}}`), shown when the user enables the workflow. */
    inputs: z.array(connectInputSchema).max(100).optional(),
    trigger: workflowTriggerSchema,
    steps: z.array(workflowStepSchema).min(1).max(200),
    /** First step; default: the first in `steps`. */
    entry: workflowStepIdSchema.optional(),
  })
  .meta({ id: 'WorkflowDefinition' });
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
