import { resolve } from 'node:path';
import { z } from 'zod';

function isEncryptionKey(value: string): boolean {
  return Buffer.from(value, 'base64').length === 32;
}

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

/** Every environment variable Switchboard reads, in one place. Read once at boot, then passed down. */
const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('.switchboard'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  SWITCHBOARD_PUBLIC_URL: z.url().optional(),
  SWITCHBOARD_ADMIN_KEY: z.string().min(24, 'use at least 24 characters').optional(),
  SWITCHBOARD_ENCRYPTION_KEY: z
    .string()
    .refine(isEncryptionKey, 'must be 32 random bytes, base64 (openssl rand -base64 32)')
    .optional(),
  // The keys SWITCHBOARD_ENCRYPTION_KEY had before: they only open values sealed under them.
  SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .superRefine((keys, ctx) => {
      keys.forEach((key, index) => {
        if (!isEncryptionKey(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `key ${index + 1} of ${keys.length} is not 32 bytes of base64; list the former values of SWITCHBOARD_ENCRYPTION_KEY, separated by commas`,
          });
        }
      });
    }),
  SWITCHBOARD_DEVELOPMENT: booleanFlag.optional(),
  SWITCHBOARD_REFRESH_SWEEP_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'use 0 to turn the sweep off, or a number of seconds')
    .max(86_400)
    .default(60),
  // 0: an API-only process (run `switchboard worker` processes, or another server, to run workflows).
  SWITCHBOARD_WORKER: booleanFlag.optional(),
  // Tuning of the worker (the embedded one and `switchboard worker`): executions driven at once per
  // process, how long a claim holds without renewal (a dead worker's executions resume after it), and
  // how often to look for work besides the LISTEN/NOTIFY wake-ups (the safety net, and delays ending).
  SWITCHBOARD_WORKER_CONCURRENCY: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(1000, 'at most 1000 executions at once per process')
    .default(32),
  SWITCHBOARD_WORKER_LEASE_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(1)
    .max(3600, 'at most 3600 seconds')
    .default(30),
  SWITCHBOARD_WORKER_POLL_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(10, 'at least 10 ms')
    .max(60_000, 'at most 60000 ms')
    .default(1000),
  // 0: this process fires no Schedule triggers (any number of processes may; each instant runs once).
  SWITCHBOARD_SCHEDULER: booleanFlag.optional(),
  SWITCHBOARD_REQUEST_TRIGGER_WAIT_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(1)
    .max(600, 'at most 600 seconds')
    .default(55),
  // 0: this process does not send monitoring webhooks (another process must).
  SWITCHBOARD_WEBHOOKS: booleanFlag.optional(),
  // Task history: finished executions older than this many days are deleted (hourly); 0 keeps them.
  SWITCHBOARD_EXECUTION_RETENTION_DAYS: z.coerce
    .number()
    .int('must be a whole number of days')
    .min(0, 'use 0 to keep task history forever')
    .max(36_500)
    .default(30),
  // `switchboard deploy` to a remote server (a project's CI): its URL and the project's API key.
  SWITCHBOARD_URL: z.url().optional(),
  SWITCHBOARD_API_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
});

export interface Config {
  host: string;
  port: number;
  /** Absolute path of the data directory (embedded database, generated keys). */
  dataDir: string;
  /** Real PostgreSQL when set; the embedded PGlite in `dataDir` otherwise. */
  databaseUrl: string | undefined;
  /** Where the server listens, as a URL a local browser can open (for the start-up banner and the CLI). */
  listenUrl: string;
  /** The public origin when set explicitly; otherwise links are built from each request's Host. */
  publicUrl: string | undefined;
  /** Instance admin key from the environment; when unset one is generated in the data directory. */
  adminKey: string | undefined;
  /** The key that seals secrets (base64, 32 bytes); when unset one is generated in the data directory. */
  encryptionKey: string | undefined;
  /** Former encryption keys (base64): they open values sealed before the switch, never seal. */
  previousEncryptionKeys: string[];
  /** Development mode: a development project, the demo page and its token endpoint. */
  development: boolean;
  /** How often idle OAuth credentials that expire soon are refreshed (0: never). */
  refreshSweepSeconds: number;
  /** This process runs workflow executions (the embedded worker). */
  worker: boolean;
  /** Executions one worker process drives at once. */
  workerConcurrency: number;
  /** How long a worker's claim on an execution holds without renewal (renewed every third of it). */
  workerLeaseSeconds: number;
  /** How often a worker looks for work besides LISTEN/NOTIFY and in-process wake-ups. */
  workerPollMs: number;
  /** This process fires Schedule triggers (the scheduler loop). */
  scheduler: boolean;
  /** How long a Request trigger waits for the workflow's Response step. */
  requestTriggerWaitSeconds: number;
  /** This process delivers monitoring events to project webhooks (default on). */
  webhooks: boolean;
  /** Finished executions older than this many days are deleted; 0: kept forever. */
  executionRetentionDays: number;
  /** `switchboard deploy`: a running server to deploy to (with `remoteApiKey`), instead of the local data. */
  remoteUrl: string | undefined;
  remoteApiKey: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS.length > 0 && !e.SWITCHBOARD_ENCRYPTION_KEY) {
    throw new ConfigError(
      'invalid environment:\n  SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: needs SWITCHBOARD_ENCRYPTION_KEY (the new key); without it keys come from the data directory and are rotated with `switchboard keys rotate`',
    );
  }
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.SWITCHBOARD_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    listenUrl: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${e.PORT}`,
    publicUrl: e.SWITCHBOARD_PUBLIC_URL?.replace(/\/+$/, ''),
    adminKey: e.SWITCHBOARD_ADMIN_KEY,
    encryptionKey: e.SWITCHBOARD_ENCRYPTION_KEY,
    previousEncryptionKeys: e.SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS,
    development: e.SWITCHBOARD_DEVELOPMENT ?? e.NODE_ENV !== 'production',
    refreshSweepSeconds: e.SWITCHBOARD_REFRESH_SWEEP_SECONDS,
    worker: e.SWITCHBOARD_WORKER ?? true,
    workerConcurrency: e.SWITCHBOARD_WORKER_CONCURRENCY,
    workerLeaseSeconds: e.SWITCHBOARD_WORKER_LEASE_SECONDS,
    workerPollMs: e.SWITCHBOARD_WORKER_POLL_MS,
    scheduler: e.SWITCHBOARD_SCHEDULER ?? true,
    requestTriggerWaitSeconds: e.SWITCHBOARD_REQUEST_TRIGGER_WAIT_SECONDS,
    webhooks: e.SWITCHBOARD_WEBHOOKS ?? true,
    executionRetentionDays: e.SWITCHBOARD_EXECUTION_RETENTION_DAYS,
    remoteUrl: e.SWITCHBOARD_URL?.replace(/\/+$/, ''),
    remoteApiKey: e.SWITCHBOARD_API_KEY,
    logLevel: e.LOG_LEVEL,
  };
}
