import { type Kysely, sql } from 'kysely';

// The connect flow: OAuth sessions, sealed credential secrets, install inputs, workflow User Settings.
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('oauth_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('connected_user_id', 'uuid', (c) =>
      c.notNull().references('connected_users.id').onDelete('cascade'),
    )
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    // SHA-256 of the state parameter: a stolen database row cannot be replayed as a state.
    .addColumn('state_hash', 'text', (c) => c.notNull().unique())
    // The client-chosen id the official SDK polls (`session-id/:oauthMetaKeyId`).
    .addColumn('oauth_meta_key_id', 'text', (c) => c.notNull())
    .addColumn('code_verifier_sealed', 'text')
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('origin_for_post_message', 'text')
    .addColumn('inputs', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('install_options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('account_type', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('credential_id', 'uuid')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('oauth_sessions_meta_key')
    .on('oauth_sessions')
    .columns(['connected_user_id', 'oauth_meta_key_id'])
    .execute();

  await db.schema
    .createTable('credential_secrets')
    .addColumn('credential_id', 'uuid', (c) =>
      c.primaryKey().references('credentials.id').onDelete('cascade'),
    )
    // sb1.<keyId>.<iv>.<tag>.<ciphertext>: tokens or API-key fields, sealed with AES-256-GCM.
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  // Non-secret install inputs (e.g. a Shopify shop), needed to build the provider's URLs later.
  await db.schema
    .alterTable('credentials')
    .addColumn('inputs', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .alterTable('workflows')
    .addColumn('inputs', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('workflows').dropColumn('inputs').execute();
  await db.schema.alterTable('credentials').dropColumn('inputs').execute();
  await db.schema.dropTable('credential_secrets').execute();
  await db.schema.dropTable('oauth_sessions').execute();
}
