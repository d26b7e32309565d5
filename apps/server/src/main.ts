import { AppError } from '@switchboard/contracts';
import { ConfigError, loadConfig } from './config';
import { type RunningServer, startServer } from './startServer';

/** `npm start` / `switchboard start`: run the server until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AppError) {
      console.error(`switchboard: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  console.log(banner(server));
  const stop = async (signal: string) => {
    console.log(`\nswitchboard: ${signal}, shutting down`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function banner(server: RunningServer): string {
  const dev = server.developmentProject;
  const lines = [
    '',
    `  Switchboard ${server.version} is running at ${server.url}`,
    '',
    `  database      ${server.database}`,
  ];
  if (dev) {
    lines.push(
      `  project ID    ${dev.projectId}  (development project${dev.created ? ', created now' : ''})`,
    );
    lines.push(
      dev.privateKeyPem
        ? `  signing key   ${dev.signingKeyPath}  (RS256 private key: sign User Tokens with it)`
        : '  signing key   not in this data directory (it was written where the project was created)',
    );
    lines.push(`  API key       ${dev.apiKeyPath}`);
    if (dev.privateKeyPem) lines.push(`  demo page     ${server.url}/demo/`);
  }
  if (server.adminKeyPath) lines.push(`  admin key     ${server.adminKeyPath}`);
  lines.push(`  API docs      ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`, '');
  return lines.join('\n');
}
