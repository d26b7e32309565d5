import type { IntegrationMetadata, SdkIntegration } from '@switchboard/contracts';

/**
 * `getIntegrationMetadata()` items: the active integrations that have a portal configuration, as the
 * official client lists them. The icon is the server-provided `icon` when present, else the server's
 * `/integrations/<type>.svg` (the official client's CDN path, on the Switchboard host).
 */
export function toIntegrationMetadata(
  integrations: readonly SdkIntegration[],
  host: string,
): IntegrationMetadata[] {
  return integrations
    .filter((integration) => integration.isActive && (integration.configs?.length ?? 0) > 0)
    .map((integration) => ({
      type: integration.type,
      name: integration.name,
      brandColor: integration.brandColor,
      icon:
        typeof integration.icon === 'string' && integration.icon !== ''
          ? integration.icon
          : `${host}/integrations/${encodeURIComponent(integration.type)}.svg`,
    }));
}
