import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { upsertConnectedUser } from './connectedUsers';
import { insertCredential } from './credentials';
import { upsertIntegration } from './integrations';
import { insertProject } from './projects';
import {
  countSealedValuesUnder,
  findSealedValue,
  listSealedValuesNotUnder,
  swapSealedValues,
} from './sealedValues';
import { openTestDatabase } from './testing';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** Stand-ins for keyring output: only the `sb1.<keyId>.` prefix matters here. */
const sealedUnder = (keyId: string, tag: string) => `sb1.${keyId}.iv.tag.${tag}`;

async function fixture() {
  const opened = await openTestDatabase();
  closers.push(opened.close);
  const { db } = opened;
  const project = await insertProject(db, { id: randomUUID(), name: 'Acme' });
  const integration = await upsertIntegration(db, {
    id: randomUUID(),
    projectId: project.id,
    type: 'slack',
    clientSecret: sealedUnder('old', 'client'),
  });
  const legacy = await upsertIntegration(db, {
    id: randomUUID(),
    projectId: project.id,
    type: 'hubspot',
    clientSecret: 'plain-legacy-secret',
  });
  const user = await upsertConnectedUser(db, { id: randomUUID(), projectId: project.id, externalId: 'u' });
  const credentialIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const credential = await insertCredential(db, {
      id: randomUUID(),
      projectId: project.id,
      integrationId: integration.id,
      connectedUserId: user.id,
      status: 'VALID',
      defaultConfiguration: { id: randomUUID() },
      sealedSecrets:
        i < 3
          ? { sealed: sealedUnder('old', `c${i}`), keyId: 'old' }
          : { sealed: sealedUnder('new', `c${i}`), keyId: 'new' },
    });
    credentialIds.push(credential.id);
  }
  return { db, integration, legacy, credentialIds: credentialIds.sort() };
}

describe('sealed values (key rotation queries)', () => {
  test('lists values not under a key in id order, page by page, and counts the rest', async () => {
    const { db, integration, legacy, credentialIds } = await fixture();
    const first = await listSealedValuesNotUnder(db, 'credentialSecrets', 'new', { limit: 2 });
    const rest = await listSealedValuesNotUnder(db, 'credentialSecrets', 'new', {
      afterId: first.at(-1)?.id,
      limit: 2,
    });
    const listed = [...first, ...rest];
    expect(listed).toHaveLength(3);
    expect(listed.map((r) => r.id)).toEqual([...listed.map((r) => r.id)].sort());
    expect(listed.every((r) => r.sealed.startsWith('sb1.old.'))).toBe(true);
    expect(credentialIds).toEqual(expect.arrayContaining(listed.map((r) => r.id)));
    expect(await countSealedValuesUnder(db, 'credentialSecrets', 'new')).toBe(2);

    // Plain legacy client secrets are "not under" any key: rotation seals them.
    const secrets = await listSealedValuesNotUnder(db, 'integrations', 'new', { limit: 10 });
    expect(secrets.map((r) => r.id).sort()).toEqual([integration.id, legacy.id].sort());
    expect(await listSealedValuesNotUnder(db, 'oauthSessions', 'new', { limit: 10 })).toEqual([]);
  });

  test('a key id is matched literally (`_` is no wildcard) and the key_id column must agree', async () => {
    const { db, credentialIds } = await fixture();
    const id = credentialIds[0]!;
    await db
      .updateTable('credentialSecrets')
      .set({ sealed: sealedUnder('a_b', 'x'), keyId: 'a_b' })
      .where('credentialId', '=', id)
      .execute();
    expect(await countSealedValuesUnder(db, 'credentialSecrets', 'aXb')).toBe(0);
    expect(await countSealedValuesUnder(db, 'credentialSecrets', 'a_b')).toBe(1);
    await db
      .updateTable('credentialSecrets')
      .set({ keyId: 'stale' })
      .where('credentialId', '=', id)
      .execute();
    expect(await countSealedValuesUnder(db, 'credentialSecrets', 'a_b')).toBe(0);
  });

  test('compare-and-swap writes only rows that still hold the value read', async () => {
    const { db } = await fixture();
    const rows = await listSealedValuesNotUnder(db, 'credentialSecrets', 'new', { limit: 10 });
    const [raced, ...others] = rows;
    // A token refresh rewrites one row between the rotation's read and its write.
    const refreshed = sealedUnder('old', 'refreshed');
    await db
      .updateTable('credentialSecrets')
      .set({ sealed: refreshed })
      .where('credentialId', '=', raced!.id)
      .execute();
    const written = await swapSealedValues(
      db,
      'credentialSecrets',
      rows.map((r) => ({ id: r.id, previous: r.sealed, next: sealedUnder('new', r.id), nextKeyId: 'new' })),
    );
    expect([...written].sort()).toEqual(others.map((r) => r.id).sort());
    expect(await findSealedValue(db, 'credentialSecrets', raced!.id)).toBe(refreshed);
    for (const other of others) {
      const row = await db
        .selectFrom('credentialSecrets')
        .select(['sealed', 'keyId'])
        .where('credentialId', '=', other.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ sealed: sealedUnder('new', other.id), keyId: 'new' });
    }
    expect(await swapSealedValues(db, 'credentialSecrets', [])).toEqual(new Set());
  });

  test('tables without a key id column swap the value alone; a missing row reads as undefined', async () => {
    const { db, legacy } = await fixture();
    const written = await swapSealedValues(db, 'integrations', [
      { id: legacy.id, previous: 'plain-legacy-secret', next: sealedUnder('new', 'l'), nextKeyId: 'new' },
    ]);
    expect(written).toEqual(new Set([legacy.id]));
    expect(await findSealedValue(db, 'integrations', legacy.id)).toBe(sealedUnder('new', 'l'));
    expect(await findSealedValue(db, 'integrations', randomUUID())).toBeUndefined();
    expect(await findSealedValue(db, 'oauthSessions', randomUUID())).toBeUndefined();
  });
});
