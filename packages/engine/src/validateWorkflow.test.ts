import { AppError, type WorkflowDefinition, workflowDefinitionSchema } from '@switchboard/contracts';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineWorkflow } from './defineWorkflow';
import { validateWorkflow } from './validateWorkflow';

/** A valid workflow touching every step kind; the tables below break one thing each. */
function validDefinition(): WorkflowDefinition {
  return {
    integration: 'sandbox',
    description: 'Sync new leads',
    inputs: [{ id: 'ownerEmail', title: 'Owner email', type: 'EMAIL' }],
    trigger: { type: 'request' },
    steps: [
      {
        id: 'list',
        type: 'integration',
        method: 'GET',
        path: '/contacts',
        query: { email: '{{trigger.body.email}}' },
        retries: 2,
        next: 'check',
      },
      {
        id: 'check',
        type: 'conditional',
        condition: {
          all: [
            { left: '{{steps.list.output.body.data.length}}', op: 'gt', right: 0 },
            { left: '{{user.meta.plan}}', op: 'exists' },
          ],
        },
        onTrue: 'each',
        onFalse: 'create',
      },
      {
        id: 'create',
        type: 'request',
        method: 'POST',
        url: 'https://api.example.com/leads?owner={{settings.ownerEmail}}',
        body: { email: '{{trigger.body.email}}', user: '{{user.id}}' },
        next: 'wait',
        continueOnFailure: true,
      },
      {
        id: 'each',
        type: 'fanout',
        items: '{{steps.list.output.body.data}}',
        concurrency: 2,
        steps: [
          {
            id: 'score',
            type: 'function',
            code: '(input) => input.item.id.length',
            input: { item: '{{item}}' },
            next: 'tag',
          },
          {
            id: 'tag',
            type: 'integration',
            method: 'PATCH',
            path: '/contacts/{{item.id}}',
            body: {
              score: '{{steps.score.output}}',
              position: '{{index}}',
              from: '{{steps.check.output.result}}',
            },
          },
        ],
        next: 'wait',
      },
      { id: 'wait', type: 'delay', seconds: 60, next: 'answer' },
      { id: 'answer', type: 'response', status: 201, body: { looked: '{{steps.list.output.body}}' } },
    ],
  };
}

type Edit = (definition: WorkflowDefinition) => void;

function problemsOf(edit: Edit, options: Parameters<typeof validateWorkflow>[1] = {}) {
  const definition = validDefinition();
  edit(definition);
  try {
    validateWorkflow(definition, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('VALIDATION_FAILED');
    expect(appError.status).toBe(400);
    return appError.details ?? [];
  }
  return [];
}

// biome-ignore lint/suspicious/noExplicitAny: tests poke at definitions in ways the type forbids.
type Loose = any;
const step = (definition: WorkflowDefinition, id: string): Loose => {
  for (const candidate of definition.steps) {
    if (candidate.id === id) return candidate;
    if (candidate.type === 'fanout') {
      const inner = candidate.steps.find((s) => s.id === id);
      if (inner) return inner;
    }
  }
  throw new Error(`no step ${id}`);
};

describe('validateWorkflow', () => {
  test('accepts a valid definition and returns it unchanged', () => {
    const definition = validDefinition();
    expect(validateWorkflow(definition)).toEqual(definition);
    expect(defineWorkflow(definition, { sharedSettings: [] })).toEqual(definition);
    // The same definition survives JSON (the admin API's format).
    expect(validateWorkflow(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
  });

  test('the schema converts to JSON Schema (for the OpenAPI document)', () => {
    expect(() => z.toJSONSchema(workflowDefinitionSchema)).not.toThrow();
  });

  // Shape problems (the zod schema), reported with the path of the offending field.
  test.each<[string, Edit, string, RegExp]>([
    [
      'unknown step type',
      (d) => {
        step(d, 'wait').type = 'email';
      },
      'steps.4.type',
      /"type" of request, integration, function, conditional, fanout, delay or response/,
    ],
    [
      'a response inside a fan-out',
      (d) => {
        step(d, 'tag').type = 'response';
      },
      'steps.3.steps.1.type',
      /no nested fan-out, no response/,
    ],
    [
      'unknown field',
      (d) => {
        step(d, 'create').retry = 3;
      },
      'steps.2',
      /Unrecognized key: "retry"/,
    ],
    [
      'too many retries',
      (d) => {
        step(d, 'create').retries = 6;
      },
      'steps.2.retries',
      /<=5/,
    ],
    [
      'retries on a step that does not retry',
      (d) => {
        step(d, 'wait').retries = 1;
      },
      'steps.4',
      /Unrecognized key: "retries"/,
    ],
    [
      'a bad condition operator deep in a condition',
      (d) => {
        step(d, 'check').condition.all[0].op = 'greater';
      },
      'steps.1.condition.all.0.op',
      /expected one of/,
    ],
    [
      'a condition without its left operand',
      (d) => {
        step(d, 'check').condition.all[1] = { op: 'exists' };
      },
      'steps.1.condition.all.1.left',
      /missing/,
    ],
    [
      'a delay with both seconds and until',
      (d) => {
        step(d, 'wait').until = '{{trigger.body.at}}';
      },
      'steps.4',
      /exactly one of `seconds` or `until`/,
    ],
    [
      'a step id that cannot be used in a template',
      (d) => {
        step(d, 'wait').id = 'wait.now';
      },
      'steps.4.id',
      /starts with a letter/,
    ],
    [
      'a schedule with neither cron nor interval',
      (d) => {
        d.trigger = { type: 'schedule' } as Loose;
      },
      'trigger',
      /exactly one of `cron` or `everySeconds`/,
    ],
    [
      'an unknown trigger type',
      (d) => {
        d.trigger = { type: 'webhook' } as Loose;
      },
      'trigger.type',
      /appEvent, request, schedule or integrationEnabled/,
    ],
    [
      'an unknown time zone',
      (d) => {
        d.trigger = { type: 'schedule', everySeconds: 3600, timezone: 'Mars/Olympus' };
      },
      'trigger.timezone',
      /IANA/,
    ],
  ])('rejects %s', (_name, edit, path, message) => {
    const problems = problemsOf(edit);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  // Graph and scope problems (findWorkflowProblems).
  test.each<[string, Edit, string, RegExp]>([
    [
      'a link to an unknown step',
      (d) => {
        step(d, 'create').next = 'notify';
      },
      'steps.2.next',
      /"notify" is not a step id; the steps here are: list, check, create, each, wait, answer/,
    ],
    [
      'an unknown entry',
      (d) => {
        d.entry = 'start';
      },
      'entry',
      /"start" is not a step id/,
    ],
    [
      'a link into a fan-out from outside',
      (d) => {
        step(d, 'create').next = 'tag';
      },
      'steps.2.next',
      /inside fan-out "each".*same list/,
    ],
    [
      'a link out of a fan-out',
      (d) => {
        step(d, 'tag').next = 'wait';
      },
      'steps.3.steps.1.next',
      /in the workflow's own steps.*same list/,
    ],
    [
      'a duplicate step id (fan-out steps included)',
      (d) => {
        step(d, 'tag').id = 'create';
      },
      'steps.3.steps.1.id',
      /"create" is already used at steps.2/,
    ],
    [
      'a cycle, reported as a path',
      (d) => {
        step(d, 'wait').next = 'list';
      },
      'steps',
      /cycle: list → check → each → wait → list/,
    ],
    [
      'a cycle inside a fan-out',
      (d) => {
        step(d, 'tag').next = 'score';
      },
      'steps.3.steps',
      /cycle: score → tag → score/,
    ],
    [
      'an unreachable step',
      (d) => {
        d.steps.push({ id: 'orphan', type: 'delay', seconds: 5 });
      },
      'steps.6',
      /"orphan" is never reached/,
    ],
    [
      'a response step on an App Event workflow',
      (d) => {
        d.trigger = { type: 'appEvent', event: 'Lead Created' };
        step(d, 'list').query = {};
      },
      'steps.5',
      /only works in a workflow with a request trigger/,
    ],
    [
      'two response steps on one path',
      (d) => {
        step(d, 'answer').next = 'again';
        d.steps.push({ id: 'again', type: 'response', body: 'twice' });
      },
      'steps.6',
      /always runs after response step "answer"/,
    ],
    [
      'function code that does not compile',
      (d) => {
        step(d, 'score').code = 'return input.item.id.length +';
      },
      'steps.3.steps.0.code',
      /does not compile \(SyntaxError/,
    ],
    [
      'a bad cron',
      (d) => {
        d.trigger = { type: 'schedule', cron: '0 25 * * *' };
        step(d, 'list').query = {};
        d.steps.pop();
      },
      'trigger.cron',
      /25 is outside the hour field's range 0-23/,
    ],
  ])('rejects %s', (_name, edit, path, message) => {
    const problems = problemsOf(edit);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  test.each<[string, Edit, string, RegExp]>([
    [
      'an unknown root',
      (d) => {
        step(d, 'create').body = { x: '{{env.SECRET}}' };
      },
      'steps.2.body.x',
      /\{\{env.SECRET\}\}: unknown name "env"/,
    ],
    [
      'an expression instead of a path',
      (d) => {
        step(d, 'create').url = 'https://x.test/{{ trigger.body.n + 1 }}';
      },
      'steps.2.url',
      /not a placeholder.*function step/,
    ],
    [
      'a step that does not exist',
      (d) => {
        step(d, 'create').body = '{{steps.nope.output}}';
      },
      'steps.2.body',
      /there is no step "nope"/,
    ],
    [
      'a step result without .output',
      (d) => {
        step(d, 'create').body = '{{steps.list.body}}';
      },
      'steps.2.body',
      /\{\{steps.<id>.output\}\}/,
    ],
    [
      'its own output',
      (d) => {
        step(d, 'create').body = '{{steps.create.output}}';
      },
      'steps.2.body',
      /cannot read its own output/,
    ],
    [
      'a step that runs later',
      (d) => {
        step(d, 'list').path = '/contacts/{{steps.wait.output.until}}';
      },
      'steps.0.path',
      /"wait" runs after step "list"/,
    ],
    [
      'a step on one branch, read after the branches join',
      (d) => {
        step(d, 'wait').seconds = '{{steps.create.output.status}}';
      },
      'steps.4.seconds',
      /"create" does not run before step "wait" on every path/,
    ],
    [
      'a fan-out step read from outside',
      (d) => {
        step(d, 'answer').body = '{{steps.score.output}}';
      },
      'steps.5.body',
      /inside fan-out "each".*\{\{steps.each.output\}\}/,
    ],
    [
      'the fan-out read from its own steps',
      (d) => {
        step(d, 'tag').body = '{{steps.each.output}}';
      },
      'steps.3.steps.1.body',
      /part of fan-out "each"/,
    ],
    [
      '{{item}} outside a fan-out',
      (d) => {
        step(d, 'create').body = '{{item.id}}';
      },
      'steps.2.body',
      /only exists inside a fan-out's steps/,
    ],
    [
      "{{item}} in the fan-out's own items",
      (d) => {
        step(d, 'each').items = '{{item}}';
      },
      'steps.3.items',
      /only exists inside a fan-out's steps/,
    ],
    [
      '{{index}} with fields',
      (d) => {
        step(d, 'tag').path = '/x/{{index.value}}';
      },
      'steps.3.steps.1.path',
      /is a number/,
    ],
    [
      'a request trigger key that does not exist',
      (d) => {
        step(d, 'create').body = '{{trigger.payload.email}}';
      },
      'steps.2.body',
      /trigger.body, trigger.query, trigger.headers/,
    ],
    [
      'user fields other than id and meta',
      (d) => {
        step(d, 'create').body = '{{user.email}}';
      },
      'steps.2.body',
      /\{\{user.id\}\} and \{\{user.meta.<key>\}\}/,
    ],
    [
      'a template deep in a condition',
      (d) => {
        step(d, 'check').condition.all[0].right = '{{steps.answer.output}}';
      },
      'steps.1.condition.all.0.right',
      /"answer" runs after step "check"/,
    ],
  ])('rejects a template reference: %s', (_name, edit, path, message) => {
    const problems = problemsOf(edit);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  test('checks settings names only when the shared settings are known', () => {
    const edit: Edit = (d) => {
      step(d, 'create').body = { a: '{{settings.ownerEmail}}', b: '{{settings.region}}' };
    };
    expect(problemsOf(edit)).toEqual([]);
    expect(problemsOf(edit, { sharedSettings: ['region'] })).toEqual([]);
    expect(problemsOf(edit, { sharedSettings: ['apiBase'] })).toEqual([
      {
        path: 'steps.2.body.b',
        message: expect.stringMatching(/no User Setting "region"; the settings are: apiBase, ownerEmail/),
      },
    ]);
  });

  test('steps that dominate a join are in scope after it; the fan-out output after the fan-out', () => {
    const problems = problemsOf((d) => {
      step(d, 'wait').seconds = '{{steps.check.output.result}}';
      step(d, 'answer').body = { list: '{{steps.list.output}}', fan: '{{steps.each.output}}' };
    });
    // "each" is on one branch only, so only that reference is refused.
    expect(problems).toEqual([
      {
        path: 'steps.5.body.fan',
        message: expect.stringMatching(/"each" does not run before step "answer"/),
      },
    ]);
  });

  test('lists every problem at once, and the message names the first', () => {
    const definition = validDefinition();
    step(definition, 'create').next = 'nowhere';
    step(definition, 'tag').body = '{{item.id}} {{env.x}}';
    try {
      validateWorkflow(definition);
      expect.unreachable();
    } catch (error) {
      const appError = error as AppError;
      expect(appError.details).toHaveLength(2);
      expect(appError.message).toMatch(
        /^Invalid workflow definition: steps.2.next: .*\(and 1 more problem\)$/,
      );
      expect(appError.toBody()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
  });
});
