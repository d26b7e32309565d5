import { z } from 'zod';

/** A deployed, immutable version of a workflow (admin API). */
export const workflowVersionSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.uuid(),
    projectId: z.uuid(),
    version: z.number().int().min(1),
    /** The WorkflowDefinition as deployed (normalised by validation). */
    definition: z.record(z.string(), z.unknown()),
    dateCreated: z.string(),
  })
  .meta({ id: 'WorkflowVersion' });
export type WorkflowVersionView = z.infer<typeof workflowVersionSchema>;

/** POST /v2/projects/:projectId/sdk/events/trigger (the official client's `event(name, payload)`). */
export const triggerAppEventBodySchema = z
  .object({
    name: z.string().trim().min(1).max(500),
    payload: z.record(z.string(), z.unknown()).default({}),
    /** Optional; the `X-Idempotency-Key` header does the same. A repeated key starts nothing new. */
    idempotencyKey: z.string().min(1).max(500).optional(),
  })
  .meta({ id: 'TriggerAppEventBody' });

export const triggerAppEventResponseSchema = z
  .object({
    eventId: z.uuid(),
    /** False when the idempotency key was seen before: the first event's executions are listed. */
    created: z.boolean(),
    executionIds: z.array(z.uuid()),
  })
  .meta({ id: 'TriggerAppEventResponse' });
export type TriggerAppEventResponse = z.infer<typeof triggerAppEventResponseSchema>;

/** A Request trigger that has no answer (yet): what to poll. */
export const requestTriggerPendingSchema = z
  .object({
    message: z.string(),
    dateSubmitted: z.string(),
    projectId: z.uuid(),
    workflowId: z.uuid(),
    executionId: z.uuid(),
  })
  .meta({ id: 'RequestTriggerPending' });
export type RequestTriggerPending = z.infer<typeof requestTriggerPendingSchema>;

export const executionStatusSchema = z.enum(['queued', 'running', 'waiting', 'succeeded', 'failed']);

/** One execution in task history (admin API). */
export const executionSummarySchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    workflowId: z.uuid(),
    workflowVersionId: z.uuid(),
    version: z.number().int().optional(),
    integration: z.string(),
    /** The Connected User's id in the project's app (the User Token's `sub`). */
    userId: z.string(),
    connectedUserId: z.uuid(),
    credentialId: z.uuid().nullable(),
    appEventId: z.uuid().nullable(),
    /** The execution this one replays (POST …/executions/:id/replay); null when it is not a replay. */
    replayOf: z.uuid().nullable(),
    triggerKind: z.string(),
    status: executionStatusSchema,
    error: z
      .object({ stepId: z.string(), item: z.number().int().optional(), message: z.string() })
      .optional(),
    wakeAt: z.string().nullable(),
    /** How many times a worker picked it up (more than one: resumed after a wait or a crash). */
    claims: z.number().int(),
    dateCreated: z.string(),
    dateUpdated: z.string(),
    dateFinished: z.string().nullable(),
  })
  .meta({ id: 'ExecutionSummary' });
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

export const stepExecutionSchema = z
  .object({
    /** `stepId`, or `stepId[item]` inside a fan-out. */
    key: z.string(),
    stepId: z.string(),
    item: z.number().int().optional(),
    /** Its place in the order the execution's steps started (task history lists them so). */
    order: z.number().int().optional(),
    status: z.string(),
    attempt: z.number().int(),
    idempotencyKey: z.string(),
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    error: z.record(z.string(), z.unknown()).optional(),
    logs: z.array(z.string()).optional(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().optional(),
    notBefore: z.string().optional(),
    wakeAt: z.string().optional(),
  })
  .meta({ id: 'StepExecution' });

export const executionDetailSchema = executionSummarySchema
  .extend({
    trigger: z.unknown(),
    response: z.unknown().optional(),
    steps: z.array(stepExecutionSchema),
  })
  .meta({ id: 'ExecutionDetail' });
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;

export const listExecutionsQuerySchema = z.object({
  /** The Connected User's id in your app (the User Token's `sub`). */
  userId: z.string().min(1).max(512).optional(),
  workflowId: z.uuid().optional(),
  /** Integration type, e.g. `salesforce`. */
  integration: z.string().min(1).max(100).optional(),
  status: executionStatusSchema.optional(),
  /** ISO 8601: executions created at or after. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** ISO 8601: executions created before. */
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const executionPageSchema = z
  .object({
    executions: z.array(executionSummarySchema),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ExecutionPage' });
export type ExecutionPage = z.infer<typeof executionPageSchema>;
