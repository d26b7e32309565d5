import { z } from 'zod';

export const monitoringEventKindSchema = z.enum(['credential.failure', 'workflow.failure']);

/** An event for the project's monitoring: a credential the provider revoked, (later) a failed workflow. */
export const monitoringEventSchema = z
  .object({
    id: z.uuid(),
    kind: monitoringEventKindSchema,
    connectedUserId: z.string().nullable(),
    credentialId: z.string().nullable(),
    integrationType: z.string().nullable(),
    /** What happened, e.g. `{ reason: "refresh_revoked", message, refreshFailureCount }`; never secrets. */
    payload: z.record(z.string(), z.unknown()),
    dateCreated: z.string(),
  })
  .meta({ id: 'MonitoringEvent' });
export type MonitoringEvent = z.infer<typeof monitoringEventSchema>;

export const listMonitoringEventsQuerySchema = z.object({
  kind: monitoringEventKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
