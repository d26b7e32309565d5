import { z } from 'zod';

const jsonValueSchema = z.json();
export type JsonValue = z.infer<typeof jsonValueSchema>;

/**
 * A step instance's life: `running` (an attempt is under way, or was when a worker stopped: it is
 * run again with the same attempt and idempotency key), `retrying` (waiting for `notBefore`),
 * `waiting` (a delay, until `wakeAt`), then `succeeded` or `failed`; `cancelled` for fan-out items
 * still under way when their fan-out failed.
 */
export const stepRecordStatuses = [
  'running',
  'retrying',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type StepRecordStatus = (typeof stepRecordStatuses)[number];

export const stepErrorSchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  status: z.number().int().optional(),
  body: jsonValueSchema.optional(),
});
/** A StepError as recorded (plain JSON). */
export type RecordedStepError = z.infer<typeof stepErrorSchema>;

/** One step instance: a step, or a fan-out body step for one item (`item` = the item's index). */
export const stepRecordSchema = z.object({
  stepId: z.string(),
  item: z.number().int().min(0).optional(),
  status: z.enum(stepRecordStatuses),
  /** 1 for the first attempt; a retry increments it. A resumed attempt keeps its number. */
  attempt: z.number().int().min(1),
  /** `<executionId>:<stepId>` or `<executionId>:<stepId>:<item>`: the same for every attempt. */
  idempotencyKey: z.string(),
  /** The rendered input the step runs with (the same for every attempt). */
  input: jsonValueSchema.optional(),
  output: jsonValueSchema.optional(),
  /** The last attempt's error (while `retrying`, and once `failed`). */
  error: stepErrorSchema.optional(),
  logs: z.array(z.string()).optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** `retrying`: the next attempt starts at or after this time. */
  notBefore: z.string().optional(),
  /** `waiting`: the delay ends at this time. */
  wakeAt: z.string().optional(),
  /** Its place among the execution's step instances, in the order they started (0, 1, …). */
  order: z.number().int().min(0).optional(),
  /** Fan-out: how many items have been started (items start in order). */
  fanout: z.object({ started: z.number().int().min(0) }).optional(),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;

export const executionStatuses = ['running', 'waiting', 'succeeded', 'failed'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

/**
 * Everything about one execution, as plain JSON: a store persists it after every change and any
 * worker resumes from it (planNext/applyStepResult). Nothing about a run lives only in memory.
 */
export const executionStateSchema = z.object({
  version: z.literal(1),
  executionId: z.string().min(1).max(200),
  /** `waiting`: nothing to run until `wakeAt` (a delay or a retry back-off). */
  status: z.enum(executionStatuses),
  /** Snapshot taken when the execution starts, so every attempt renders the same inputs. */
  context: z.object({
    trigger: jsonValueSchema,
    settings: z.record(z.string(), jsonValueSchema),
    user: z.object({ id: z.string(), meta: z.record(z.string(), jsonValueSchema) }),
  }),
  /** Step instances by key (`stepId`, or `stepId[item]` inside a fan-out), in the order they started. */
  steps: z.record(z.string(), stepRecordSchema),
  /** How many step instances have started (the next one's `order`). */
  started: z.number().int().min(0).optional(),
  /** The first Response step's output: what a Request trigger answers. */
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      body: jsonValueSchema.optional(),
    })
    .optional(),
  /** Why the execution failed. */
  error: z.object({ stepId: z.string(), item: z.number().int().optional(), message: z.string() }).optional(),
  /** When status is `waiting`: the earliest time there will be something to run. */
  wakeAt: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type ExecutionState = z.infer<typeof executionStateSchema>;
export type ExecutionContext = ExecutionState['context'];

export type CreateExecutionStateOptions = {
  executionId: string;
  /** App Event: the payload; Request: `{ body, query, headers }`; Schedule: `{ scheduledAt }`. */
  trigger: JsonValue;
  /** The user's User Settings (shared and this workflow's), by input id. */
  settings?: Record<string, JsonValue>;
  user: { id: string; meta?: Record<string, JsonValue> };
  now: Date;
};

/** A new execution, before its first step. Call planNext() to start it. */
export function createExecutionState(options: CreateExecutionStateOptions): ExecutionState {
  return {
    version: 1,
    executionId: options.executionId,
    status: 'running',
    context: structuredClone({
      trigger: options.trigger,
      settings: options.settings ?? {},
      user: { id: options.user.id, meta: options.user.meta ?? {} },
    }),
    steps: {},
    startedAt: options.now.toISOString(),
  };
}

/** The key of a step instance in `ExecutionState.steps`. */
export function stepInstanceKey(stepId: string, item: number | undefined): string {
  return item === undefined ? stepId : `${stepId}[${item}]`;
}

/**
 * The idempotency key of a step instance: deterministic, so an attempt that a crash cut off is sent
 * again with the same key, and a provider that honours `Idempotency-Key` does the work once.
 */
export function idempotencyKeyOf(executionId: string, stepId: string, item: number | undefined): string {
  return item === undefined ? `${executionId}:${stepId}` : `${executionId}:${stepId}:${item}`;
}
