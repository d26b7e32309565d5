import { type Kysely, sql } from 'kysely';

/**
 * The sandbox provider (apps/server/src/sandbox): a practice OAuth 2.0 server and contacts API served by
 * Switchboard itself. Codes, consent requests and tokens are stored as SHA-256 hashes only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('sandbox_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    // The account is chosen on the consent page by name; its slug identifies it across connections.
    .addColumn('workspace', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  // A validated authorization request waiting for the consent form; single-use.
  await db.schema
    .createTable('sandbox_authorization_requests')
    .addColumn('request_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('sandbox_authorization_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    // Every token issued from this code carries the grant id, so a replayed code can revoke them all.
    .addColumn('grant_id', 'uuid', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('sandbox_accounts.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('sandbox_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('access', 'refresh')`))
    .addColumn('grant_id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('sandbox_accounts.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    // Rotation: the refresh token that replaced this one. Presenting a replaced token again is reuse.
    .addColumn('replaced_by', 'uuid', (c) => c.references('sandbox_tokens.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('sandbox_tokens_grant').on('sandbox_tokens').column('grant_id').execute();

  await db.schema
    .createTable('sandbox_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('sandbox_accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('sandbox_contacts_account')
    .on('sandbox_contacts')
    .columns(['account_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'sandbox_contacts',
    'sandbox_tokens',
    'sandbox_authorization_codes',
    'sandbox_authorization_requests',
    'sandbox_accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
