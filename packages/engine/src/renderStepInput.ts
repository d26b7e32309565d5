import type { Condition, ConditionOperator } from '@switchboard/contracts';
import { renderTemplate, renderText, type TemplateScope } from './renderTemplate';
import type { AnyStep } from './stepGraph';

/** A request or integration step, rendered. */
export type HttpStepInput = {
  method: string;
  /** `request`: an absolute URL; `integration`: a path relative to the integration's base URL. */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
};

/** A condition with its operands rendered. */
export type RenderedCondition =
  | { left: unknown; op: ConditionOperator; right?: unknown }
  | { all: RenderedCondition[] }
  | { any: RenderedCondition[] };

export type DelayStepInput = { seconds: unknown } | { until: unknown };
export type ResponseStepInput = { status: number; headers: Record<string, string>; body?: unknown };
export type FanoutStepInput = { items: unknown };

function renderTextMap(
  map: Record<string, string> | undefined,
  scope: TemplateScope,
): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    Object.defineProperty(rendered, key, {
      value: renderText(value, scope),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return rendered;
}

function withBody<T extends object>(input: T, body: unknown): T & { body?: unknown } {
  return body === undefined ? input : { ...input, body };
}

export function renderCondition(condition: Condition, scope: TemplateScope): RenderedCondition {
  if ('all' in condition) return { all: condition.all.map((inner) => renderCondition(inner, scope)) };
  if ('any' in condition) return { any: condition.any.map((inner) => renderCondition(inner, scope)) };
  const left = renderTemplate(condition.left, scope);
  const right = condition.right === undefined ? undefined : renderTemplate(condition.right, scope);
  // Missing operands are null, so that the rendered condition survives a JSON round trip unchanged.
  return {
    left: left ?? null,
    op: condition.op,
    ...(condition.right === undefined ? {} : { right: right ?? null }),
  };
}

/**
 * The input a step instance runs with: its templates rendered against the scope. The result is what
 * the execution state records (plain JSON) and what runStep() receives. Function code is not
 * templated: only its `input` is.
 */
export function renderStepInput(step: AnyStep, scope: TemplateScope): unknown {
  switch (step.type) {
    case 'request':
    case 'integration':
      return withBody<HttpStepInput>(
        {
          method: step.method,
          url: renderText(step.type === 'request' ? step.url : step.path, scope),
          query: renderTextMap(step.query, scope),
          headers: renderTextMap(step.headers, scope),
        },
        renderTemplate(step.body, scope),
      );
    case 'function':
      return renderTemplate(step.input ?? {}, scope) ?? null;
    case 'conditional':
      return renderCondition(step.condition, scope);
    case 'delay':
      return step.until !== undefined
        ? { until: renderTemplate(step.until, scope) ?? null }
        : { seconds: renderTemplate(step.seconds, scope) ?? null };
    case 'response':
      return withBody<ResponseStepInput>(
        { status: step.status ?? 200, headers: renderTextMap(step.headers, scope) },
        renderTemplate(step.body, scope),
      );
    case 'fanout':
      return { items: renderTemplate(step.items, scope) ?? null };
  }
}
