import { type IntegrationDefinition, listIntegrationDefinitions } from '@switchboard/catalog';

/**
 * The catalog a server or worker process runs with: the built-in entries — local ones (the Sandbox
 * CRM, served by the server itself) in development mode only — then `extra` (tests and benches: a
 * local provider). Server and workers must agree, so both take it from here.
 */
export function catalogDefinitions(
  development: boolean,
  extra: readonly IntegrationDefinition[] = [],
): IntegrationDefinition[] {
  return [...listIntegrationDefinitions().filter((d) => development || !d.local), ...extra];
}
