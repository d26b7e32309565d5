import { maxDelaySeconds } from '@switchboard/contracts';
import type { RunFunction } from './createFunctionRunner';
import { evaluateCondition } from './evaluateCondition';
import type { DelayStepInput, HttpStepInput, RenderedCondition, ResponseStepInput } from './renderStepInput';
import {
  httpOutcome,
  type IntegrationRequest,
  idempotencyKeyHeader,
  sendRequestStep,
  thrownOutcome,
} from './runHttpStep';
import type { AnyStep } from './stepGraph';
import type { StepOutcome } from './stepOutcome';

/** What steps need from the outside world; the worker passes real ones, tests local ones. */
export type StepDeps = {
  fetch: typeof globalThis.fetch;
  integrationRequest: IntegrationRequest;
  runFunction: RunFunction;
  now: () => Date;
  /** Per HTTP attempt of a request step. Default 30 s. */
  requestTimeoutMs?: number;
  /** Largest response body a request step reads. Default 5 MB (it is persisted with the execution). */
  maxResponseBytes?: number;
  /**
   * The first retry's back-off before jitter (default retryBaseDelayMs, 10 s; each further retry
   * doubles it). Read by driveExecution when it applies a failed attempt; tests shorten it.
   */
  retryBaseDelayMs?: number;
};

export type StepContext = StepDeps & {
  /** The step instance's idempotency key (ExecutionState: `steps[key].idempotencyKey`). */
  idempotencyKey: string;
  /** The workflow's integration (catalog type). */
  integration: string;
};

/** A delay's end as an ISO timestamp, or why the rendered input is not a valid delay. */
export function delayUntil(input: DelayStepInput, now: Date): { until: string } | { error: string } {
  const latest = now.getTime() + maxDelaySeconds * 1000;
  if ('seconds' in input) {
    const seconds = typeof input.seconds === 'string' ? Number(input.seconds) : input.seconds;
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds < 0 ||
      seconds > maxDelaySeconds
    ) {
      return {
        error: `the delay's seconds rendered to ${JSON.stringify(input.seconds)}; it must be a number from 0 to ${maxDelaySeconds} (30 days)`,
      };
    }
    return { until: new Date(now.getTime() + seconds * 1000).toISOString() };
  }
  const raw = input.until;
  const time =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d+$/.test(raw)
        ? Number(raw)
        : Date.parse(String(raw));
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    return {
      error: `the delay's until rendered to ${JSON.stringify(raw)}: use an ISO 8601 timestamp or epoch milliseconds`,
    };
  }
  if (!Number.isFinite(time)) {
    return {
      error: `the delay's until rendered to "${raw}", which is not an ISO 8601 timestamp or epoch milliseconds`,
    };
  }
  if (time > latest)
    return { error: `the delay's until (${new Date(time).toISOString()}) is more than 30 days away` };
  return { until: new Date(Math.max(time, now.getTime())).toISOString() };
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()),
  );
}

/**
 * Runs one attempt of one step on its rendered input (renderStepInput). Never throws: every failure is
 * an outcome, retryable or not. Fan-out steps are control flow that planNext() expands; they are not
 * run here.
 */
export async function runStep(step: AnyStep, input: unknown, context: StepContext): Promise<StepOutcome> {
  try {
    return await runStepKind(step, input, context);
  } catch (error) {
    // A dependency that throws where it should answer (e.g. runFunction) is treated as transient.
    return thrownOutcome(error, `step "${step.id}"`);
  }
}

async function runStepKind(step: AnyStep, input: unknown, context: StepContext): Promise<StepOutcome> {
  switch (step.type) {
    case 'request':
      return sendRequestStep(input as HttpStepInput, {
        fetch: context.fetch,
        idempotencyKey: context.idempotencyKey,
        timeoutMs: context.requestTimeoutMs ?? 30_000,
        maxResponseBytes: context.maxResponseBytes ?? 5 * 1024 * 1024,
        now: context.now,
      });
    case 'integration': {
      const http = input as HttpStepInput;
      const target = `${context.integration} ${http.method} ${http.url}`;
      try {
        const output = await context.integrationRequest({
          integration: context.integration,
          method: http.method,
          path: http.url,
          query: http.query,
          headers: {
            ...withoutHeader(http.headers, idempotencyKeyHeader),
            [idempotencyKeyHeader]: context.idempotencyKey,
          },
          ...(http.body === undefined ? {} : { body: http.body }),
        });
        return httpOutcome(output, target, context.now());
      } catch (error) {
        return thrownOutcome(error, target);
      }
    }
    case 'function': {
      const result = await context.runFunction({ code: step.code, input });
      const logs = result.logs.length > 0 ? { logs: result.logs } : {};
      if (result.ok) return { ok: true, output: result.output, ...logs };
      return {
        ok: false,
        error: { message: result.error.message, code: result.error.kind },
        // A syntax error, memory exhaustion or an unserialisable result would happen again.
        retryable:
          result.error.kind === 'threw' || result.error.kind === 'timeout' || result.error.kind === 'crashed',
        ...logs,
      };
    }
    case 'conditional':
      return { ok: true, output: { result: evaluateCondition(input as RenderedCondition) } };
    case 'delay': {
      const until = delayUntil(input as DelayStepInput, context.now());
      return 'until' in until
        ? { ok: true, output: until }
        : { ok: false, error: { message: until.error }, retryable: false };
    }
    case 'response':
      return { ok: true, output: input as ResponseStepInput };
    case 'fanout':
      return {
        ok: false,
        error: { message: 'a fan-out is expanded by planNext(), not run by runStep()' },
        retryable: false,
      };
  }
}
