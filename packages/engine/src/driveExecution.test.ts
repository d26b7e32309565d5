import { describe, expect, test } from 'vitest';
import { applyStepResults } from './applyStepResult';
import { defineWorkflow } from './defineWorkflow';
import { driveExecution } from './driveExecution';
import { createExecutionState, type ExecutionState } from './executionState';
import { maxFanoutItems, planNext } from './planNext';
import type { StepDeps } from './runStep';

/*
 * The driver's persistence contract at scale: states are copied on write (an unchanged plan is the
 * same object, so nothing is saved for it), outcomes that finish together are recorded together, and
 * a fan-out over the largest accepted list finishes with far fewer saves than items — while every
 * saved state is one a worker could resume from (no item planned after an unsaved result).
 */

const fanout = (concurrency: number) =>
  defineWorkflow({
    integration: 'x',
    description: 'fan-out',
    trigger: { type: 'appEvent', event: 'e' },
    steps: [
      {
        id: 'each',
        type: 'fanout',
        items: '{{trigger.items}}',
        concurrency,
        steps: [{ id: 'check', type: 'conditional', condition: { left: '{{item.v}}', op: 'exists' } }],
        next: 'after',
      },
      { id: 'after', type: 'conditional', condition: { left: '{{steps.each.output}}', op: 'exists' } },
    ],
  });

const now = () => new Date('2026-01-01T00:00:00.000Z');
const deps = { now } as unknown as StepDeps;

function stateWith(items: number): ExecutionState {
  return createExecutionState({
    executionId: '00000000-0000-4000-8000-000000000001',
    trigger: { items: Array.from({ length: items }, (_, v) => ({ v })) },
    user: { id: 'u' },
    now: now(),
  });
}

describe('copy-on-write', () => {
  test('a plan that changes nothing returns the same state; one that does leaves the input untouched', () => {
    const definition = fanout(2);
    const initial = stateWith(3);
    const frozen = JSON.stringify(initial);
    const first = planNext(definition, initial, now());
    expect(first.state).not.toBe(initial);
    expect(JSON.stringify(initial)).toBe(frozen);
    expect(first.actions.map((a) => a.key)).toEqual(['check[0]', 'check[1]']);
    const again = planNext(definition, first.state, now());
    expect(again.state).toBe(first.state);
    expect(again.actions.map((a) => a.key)).toEqual(['check[0]', 'check[1]']);
  });

  test('applyStepResults records several outcomes in one copy and ignores stale reports', () => {
    const definition = fanout(2);
    const planned = planNext(definition, stateWith(3), now()).state;
    const before = JSON.stringify(planned);
    const ok = { ok: true as const, output: { result: true } };
    const next = applyStepResults(
      definition,
      planned,
      [
        { key: 'check[0]', attempt: 1, outcome: ok },
        { key: 'check[1]', attempt: 1, outcome: ok },
        { key: 'check[1]', attempt: 1, outcome: ok },
        { key: 'check[2]', attempt: 1, outcome: ok },
      ],
      now(),
    );
    expect(JSON.stringify(planned)).toBe(before);
    expect(next.steps['check[0]']?.status).toBe('succeeded');
    expect(next.steps['check[1]']?.status).toBe('succeeded');
    expect(next.steps['check[2]']).toBeUndefined();
    expect(applyStepResults(definition, next, [{ key: 'check[0]', attempt: 1, outcome: ok }], now())).toBe(
      next,
    );
  });
});

describe('driving a fan-out over the largest accepted list', () => {
  test(`${maxFanoutItems} items succeed with one save per batch of finished items, each save resumable`, async () => {
    const definition = fanout(50);
    const saved: ExecutionState[] = [];
    const final = await driveExecution({
      definition,
      state: stateWith(maxFanoutItems),
      deps,
      onState: (state) => {
        saved.push(state);
      },
    });
    expect(final.status).toBe('succeeded');
    const output = final.steps.each?.output as unknown[];
    expect(output).toHaveLength(maxFanoutItems);
    expect(output.every((entry) => (entry as { result: boolean }).result === true)).toBe(true);
    expect(final.steps.after?.status).toBe('succeeded');
    // Every instance is numbered in the order it started: the fan-out, its items by index, then `after`.
    const byOrder = Object.entries(final.steps).sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0));
    expect(byOrder.map(([key]) => key)).toEqual([
      'each',
      ...Array.from({ length: maxFanoutItems }, (_, i) => `check[${i}]`),
      'after',
    ]);
    expect(final.started).toBe(maxFanoutItems + 2);
    // 50 items finish per round: far fewer saves than the 2 × 10,000 a save per plan and per result took.
    expect(saved.length).toBeLessThan(maxFanoutItems / 10);
    // Never more items under way in a saved state than the concurrency allows (every 10th save: each
    // check walks 20,000 records).
    for (const state of saved.filter((_, i) => i % 10 === 0)) {
      const running = Object.values(state.steps).filter(
        (r) => r.item !== undefined && r.status === 'running',
      );
      expect(running.length).toBeLessThanOrEqual(50);
    }
  }, 60_000);
});
