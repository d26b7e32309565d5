import { defineWorkflow } from '@switchboard/engine';

/**
 * `paragon.workflow('<workflowId>', { body: { email, first_name, last_name } })` → creates the lead as
 * a Sandbox CRM contact and answers with the contact the CRM created (or 502 with the CRM's reason).
 * A named export: deployed as `leadCreated.ts#leadCreated`.
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
