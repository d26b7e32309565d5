import * as z from 'zod/mini';
import type { Credential } from './credential';

/**
 * Messages between the SDK (in the app's page) and the Connect Portal (the `/ui` iframe), sent with
 * `postMessage`. Every message is an object whose `type` starts with `switchboard:`.
 *
 * Handshake: the portal posts `ready` to its parent (no data, so target origin `*`); the SDK answers
 * with `init` (target origin = the Switchboard origin). The portal accepts the first `init` only from
 * `window.parent` and from then on only messages from that window and that origin, and posts to that
 * origin only. The SDK accepts only messages whose `source` is the iframe's window and whose origin is
 * the Switchboard origin. The portal validates with these schemas; the SDK, to stay small, with
 * hand-written guards that a test keeps in step with them (packages/sdk/src/portalMessages.ts).
 *
 * Written with `zod/mini` (the same schemas, function style) because the portal bundles them: the
 * classic API would add ~100 KB to the portal. For the same reason `installed` checks the credential's
 * identifying fields rather than the full credential schema (the portal got it from the server).
 */
export const portalMessagePrefix = 'switchboard:';

export const portalThemes = ['light', 'dark', 'system'] as const;
export const portalThemeSchema = z.enum(portalThemes);

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
export type PortalTheme = z.infer<typeof portalThemeSchema>;

/** A custom dropdown option (`connect(type, { dropdowns: { [key]: [{ label, value }] } })`). */
export const dropdownOptionSchema = z.object({ label: text(0, 500), value: text(0, 2000) });
export type DropdownOption = z.infer<typeof dropdownOptionSchema>;

/**
 * The serialisable part of the install options a `connect()` / `installIntegration()` call passes to
 * the portal. Callbacks stay in the SDK; `dropdowns` carries static arrays only.
 */
export const portalInstallOptionsSchema = z.strictObject({
  accountType: z.optional(text(1, 200)),
  allowMultipleCredentials: z.optional(z.boolean()),
  selectedCredentialId: z.optional(text(1, 200)),
  dropdowns: z.optional(z.record(text(1, 100), z.array(dropdownOptionSchema).check(z.maxLength(5000)))),
  /** `installIntegration()`: the portal only collects what the install needs, then closes. */
  closeAfterInstall: z.optional(z.boolean()),
});
export type PortalInstallOptions = z.infer<typeof portalInstallOptionsSchema>;

const integrationRef = { integrationId: text(1, 200), integrationType: text(1, 200) };

// --- SDK → portal -------------------------------------------------------------------------------

/** Opens the portal for one integration of one Connected User (sent on every `connect()`). */
export const portalInitMessageSchema = z.strictObject({
  type: z.literal('switchboard:init'),
  projectId: z.uuid(),
  /** The User Token; the portal calls the SDK API with it (same origin as the portal). */
  token: text(1, 20_000),
  integrationType: text(1, 200),
  installOptions: portalInstallOptionsSchema,
  theme: portalThemeSchema,
});

/** `paragon.closePortal()`: the portal resets; the SDK has already hidden it. */
export const portalCloseMessageSchema = z.strictObject({ type: z.literal('switchboard:close') });

export const sdkToPortalMessageSchema = z.discriminatedUnion('type', [
  portalInitMessageSchema,
  portalCloseMessageSchema,
]);
export type SdkToPortalMessage = z.infer<typeof sdkToPortalMessageSchema>;
export type PortalInitMessage = z.infer<typeof portalInitMessageSchema>;

// --- portal → SDK -------------------------------------------------------------------------------

/** The portal's document has loaded and listens: the SDK may send `init`. */
export const portalReadyMessageSchema = z.strictObject({ type: z.literal('switchboard:ready') });

/** The portal shows an integration: the SDK makes the iframe visible and emits `onPortalOpen`. */
export const portalOpenedMessageSchema = z.strictObject({
  type: z.literal('switchboard:opened'),
  ...integrationRef,
});

/** The user closed the portal (close button, Esc, backdrop): the SDK hides it, emits `onPortalClose`. */
export const portalClosedMessageSchema = z.strictObject({
  type: z.literal('switchboard:closed'),
  ...integrationRef,
});

const credentialStatuses = ['VALID', 'INVALID', 'PENDING'];

/** A credential (wire protocol 12.2) as the server sent it: the fields the SDK reads are checked. */
const credentialInMessageSchema = z.custom<Credential>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const credential = value as Record<string, unknown>;
  return (
    typeof credential.id === 'string' &&
    credential.id.length > 0 &&
    credential.id.length <= 200 &&
    typeof credential.integrationId === 'string' &&
    credential.integrationId.length > 0 &&
    credential.integrationId.length <= 200 &&
    credentialStatuses.includes(credential.status as string) &&
    Array.isArray(credential.configurations)
  );
}, 'expected a credential with id, integrationId, status and configurations');

/** A credential was created: `onIntegrationInstall` / `onInstall` / `onSuccess`. */
export const portalInstalledMessageSchema = z.strictObject({
  type: z.literal('switchboard:installed'),
  ...integrationRef,
  credential: credentialInMessageSchema,
});

/** A credential was deleted: `onIntegrationUninstall` / `onUninstall`. */
export const portalUninstalledMessageSchema = z.strictObject({
  type: z.literal('switchboard:uninstalled'),
  ...integrationRef,
  credentialId: text(1, 200),
});

/** A workflow was turned on or off, or its settings saved: `onWorkflowChange` (wire protocol 12.6). */
export const portalWorkflowChangeMessageSchema = z.strictObject({
  type: z.literal('switchboard:workflow-change'),
  ...integrationRef,
  workflowId: text(1, 200),
  workflowStateChange: z.strictObject({
    enabled: z.optional(z.boolean()),
    settings: z.optional(z.record(z.string(), z.json())),
  }),
});

/** User Settings were saved: no public event, but the SDK reloads the user so getUser() shows them. */
export const portalSettingsChangeMessageSchema = z.strictObject({
  type: z.literal('switchboard:settings-change'),
  ...integrationRef,
  credentialId: text(1, 200),
});

/** Connecting failed (OAuth error, rejected API key, closed popup): `onError`. */
export const portalErrorMessageSchema = z.strictObject({
  type: z.literal('switchboard:error'),
  integrationType: text(1, 200),
  message: text(0, 2000),
  code: z.optional(text(0, 100)),
});

export const portalToSdkMessageSchema = z.discriminatedUnion('type', [
  portalReadyMessageSchema,
  portalOpenedMessageSchema,
  portalClosedMessageSchema,
  portalInstalledMessageSchema,
  portalUninstalledMessageSchema,
  portalWorkflowChangeMessageSchema,
  portalSettingsChangeMessageSchema,
  portalErrorMessageSchema,
]);
export type PortalToSdkMessage = z.infer<typeof portalToSdkMessageSchema>;
export type PortalToSdkMessageType = PortalToSdkMessage['type'];

/**
 * What the OAuth callback page posts to the window that opened the popup (docs/connect-design.md),
 * and the nonce page's readiness signal (wire protocol 7.1).
 */
export const oauthResultMessageSchema = z.union([
  z.object({
    type: z.literal('switchboard:oauth-result'),
    oauthMetaKeyId: text(1, 200),
    credentialId: text(1, 200),
  }),
  z.object({
    type: z.literal('switchboard:oauth-result'),
    oauthMetaKeyId: text(1, 200),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type OAuthResultMessage = z.infer<typeof oauthResultMessageSchema>;
