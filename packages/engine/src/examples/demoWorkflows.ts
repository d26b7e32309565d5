import { defineWorkflow } from '../defineWorkflow';

/**
 * The two workflows of the seed's demo, as docs/workflows.md shows them. The server deploys them to
 * the development project on the built-in Sandbox CRM (apps/server/src/demoWorkflowsSetup.ts), and the
 * engine's tests run them against a local stand-in of its contacts API (testing/demoWorkflows.ts).
 */

/** `paragon.event('Contact Created', { name, email })` → a contact in the user's Sandbox CRM. */
export const contactCreated = defineWorkflow({
  integration: 'sandbox',
  description: 'Create a CRM contact when a contact is created in the app',
  trigger: { type: 'appEvent', event: 'Contact Created' },
  steps: [
    {
      id: 'hasEmail',
      type: 'conditional',
      description: 'The CRM requires an email address',
      condition: { left: '{{trigger.email}}', op: 'exists' },
      onTrue: 'createContact',
    },
    {
      id: 'createContact',
      type: 'integration',
      method: 'POST',
      path: '/contacts',
      body: { name: '{{trigger.name}}', email: '{{trigger.email}}' },
      retries: 3,
    },
  ],
});

/**
 * `paragon.workflow('<id>', { body: { email, first_name, last_name } })` → creates the lead as a CRM
 * contact and answers with the contact the CRM created.
 */
export const leadCreated = defineWorkflow({
  integration: 'sandbox',
  description: 'Lead Created: add the lead to the CRM and return the CRM contact',
  trigger: { type: 'request' },
  steps: [
    {
      id: 'createContact',
      type: 'integration',
      method: 'POST',
      path: '/contacts',
      body: {
        name: '{{trigger.body.first_name}} {{trigger.body.last_name}}',
        email: '{{trigger.body.email}}',
      },
      retries: 2,
      continueOnFailure: true,
      next: 'created',
    },
    {
      id: 'created',
      type: 'conditional',
      condition: { left: '{{steps.createContact.output.status}}', op: 'equals', right: 201 },
      onTrue: 'answer',
      onFalse: 'answerError',
    },
    {
      id: 'answer',
      type: 'response',
      status: 201,
      body: {
        contactId: '{{steps.createContact.output.body.id}}',
        contact: '{{steps.createContact.output.body}}',
      },
    },
    {
      id: 'answerError',
      type: 'response',
      status: 502,
      body: { message: 'The CRM refused the lead: {{steps.createContact.output.error.message}}' },
    },
  ],
});

/** Both examples by a stable key (the key names the workflow across restarts; see demoWorkflowsSetup). */
export const demoWorkflows = { contactCreated, leadCreated } as const;
export type DemoWorkflowKey = keyof typeof demoWorkflows;
