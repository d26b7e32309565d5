import type { IntegrationDefinition } from './integrationDefinition';
import { box } from './integrations/box';
import { dropbox } from './integrations/dropbox';
import { googlecalendar } from './integrations/googlecalendar';
import { googledrive } from './integrations/googledrive';
import { hubspot } from './integrations/hubspot';
import { onedrive } from './integrations/onedrive';
import { salesforce } from './integrations/salesforce';
import { sandbox } from './integrations/sandbox';
import { sharepoint } from './integrations/sharepoint';
import { shopify } from './integrations/shopify';
import { slack } from './integrations/slack';
import { stripe } from './integrations/stripe';

/** Every built-in integration. Adding one = a folder under integrations/ plus one line here. */
const registered: readonly IntegrationDefinition[] = Object.freeze([
  salesforce,
  hubspot,
  slack,
  shopify,
  googledrive,
  googlecalendar,
  onedrive,
  sharepoint,
  box,
  dropbox,
  stripe,
  sandbox,
]);

function indexByType(
  definitions: readonly IntegrationDefinition[],
): ReadonlyMap<string, IntegrationDefinition> {
  const byType = new Map<string, IntegrationDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`Catalog lists "${definition.type}" twice`);
    byType.set(definition.type, definition);
  }
  return byType;
}

/** The catalog, keyed by integration type. */
export const catalog: ReadonlyMap<string, IntegrationDefinition> = indexByType(registered);

export function getIntegrationDefinition(type: string): IntegrationDefinition | undefined {
  return catalog.get(type);
}

/** All definitions, in registry order. */
export function listIntegrationDefinitions(): readonly IntegrationDefinition[] {
  return registered;
}
