import type { Kysely } from 'kysely';
import type { Database, JsonValue } from './schema';

export async function getInstanceSetting(db: Kysely<Database>, key: string): Promise<JsonValue | undefined> {
  const row = await db
    .selectFrom('instanceSettings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** Sets `key` only if it is unset; returns the value that is stored afterwards (first writer wins). */
export async function setInstanceSettingOnce(
  db: Kysely<Database>,
  key: string,
  value: JsonValue,
): Promise<JsonValue> {
  await db
    .insertInto('instanceSettings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getInstanceSetting(db, key)) as JsonValue;
}
