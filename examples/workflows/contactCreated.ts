import { defineWorkflow } from '@switchboard/engine';

/**
 * `paragon.event('Contact Created', { name, email })` → a contact in the user's Sandbox CRM, when the
 * event has an email. Deployed as `contactCreated.ts#default`.
 */
export default defineWorkflow({
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
