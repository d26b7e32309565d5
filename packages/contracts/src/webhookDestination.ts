import { z } from 'zod';
import { monitoringEventKindSchema } from './monitoringEvent';

export const createWebhookDestinationRequestSchema = z.object({
  /** Where events are POSTed; https, except on a development server. */
  url: z.url(),
  /** The event kinds to receive; omitted = every kind. */
  kinds: z.array(monitoringEventKindSchema).min(1).optional(),
});
export type CreateWebhookDestinationRequest = z.infer<typeof createWebhookDestinationRequestSchema>;

export const webhookDestinationSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    kinds: z.array(monitoringEventKindSchema).nullable(),
    enabled: z.boolean(),
    dateCreated: z.string(),
  })
  .meta({ id: 'WebhookDestination' });
export type WebhookDestination = z.infer<typeof webhookDestinationSchema>;

/** The created destination with its signing secret — shown this once, never again. */
export const createdWebhookDestinationSchema = webhookDestinationSchema
  .extend({ secret: z.string() })
  .meta({ id: 'CreatedWebhookDestination' });
export type CreatedWebhookDestination = z.infer<typeof createdWebhookDestinationSchema>;

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    kind: monitoringEventKindSchema,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    /** The receiver's HTTP status on the last attempt (null: no response, e.g. a network error). */
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    dateCreated: z.string(),
    dateDelivered: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
