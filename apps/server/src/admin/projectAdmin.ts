import { randomUUID } from 'node:crypto';
import { AppError, type CreateProjectResponse, type Project } from '@switchboard/contracts';
import {
  type Database,
  deactivateSigningKey,
  findProject,
  insertApiKey,
  insertProject,
  insertSigningKey,
  listProjects,
  listSigningKeys,
  type ProjectRow,
} from '@switchboard/db';
import type { Kysely } from 'kysely';
import { generateApiKey } from '../keys/apiKey';
import { generateSigningKeyPair, normalisePublicKeyPem } from '../keys/signingKeyPair';

/**
 * Creates a project with an API key and a signing key. Without `publicKey` a key pair is generated
 * and the private key is returned once (only the public key is stored).
 */
export async function createProject(
  db: Kysely<Database>,
  input: { name: string; publicKey?: string | undefined },
): Promise<CreateProjectResponse> {
  const pair = input.publicKey ? undefined : await generateSigningKeyPair();
  const publicKeyPem = pair ? pair.publicKeyPem : normalisePublicKeyPem(input.publicKey as string);
  const apiKey = generateApiKey();
  const projectId = randomUUID();
  const signingKeyId = randomUUID();
  await db.transaction().execute(async (trx) => {
    await insertProject(trx, { id: projectId, name: input.name });
    await insertSigningKey(trx, { id: signingKeyId, projectId, publicKeyPem });
    await insertApiKey(trx, { id: randomUUID(), projectId, keyHash: apiKey.hash, keyPrefix: apiKey.prefix });
  });
  return {
    projectId,
    name: input.name,
    apiKey: apiKey.key,
    signingKeyId,
    signingKey: pair?.privateKeyPem ?? null,
  };
}

async function present(db: Kysely<Database>, project: ProjectRow): Promise<Project> {
  const keys = await listSigningKeys(db, project.id);
  return {
    id: project.id,
    name: project.name,
    dateCreated: project.createdAt.toISOString(),
    signingKeys: keys.map((k) => ({
      id: k.id,
      publicKey: k.publicKeyPem,
      isActive: k.isActive,
      dateCreated: k.createdAt.toISOString(),
    })),
  };
}

export async function getProject(db: Kysely<Database>, projectId: string): Promise<Project> {
  const project = await findProject(db, projectId);
  if (!project) throw new AppError('PROJECT_NOT_FOUND', 404, `project ${projectId} does not exist.`);
  return present(db, project);
}

export async function listAllProjects(db: Kysely<Database>): Promise<Project[]> {
  return Promise.all((await listProjects(db)).map((p) => present(db, p)));
}

/** Adds a signing key (rotation): registers `publicKey`, or generates a pair and returns the private key once. */
export async function addSigningKey(
  db: Kysely<Database>,
  projectId: string,
  input: { publicKey?: string | undefined },
): Promise<{ signingKeyId: string; signingKey: string | null }> {
  await getProject(db, projectId);
  const pair = input.publicKey ? undefined : await generateSigningKeyPair();
  const publicKeyPem = pair ? pair.publicKeyPem : normalisePublicKeyPem(input.publicKey as string);
  const signingKeyId = randomUUID();
  await insertSigningKey(db, { id: signingKeyId, projectId, publicKeyPem });
  return { signingKeyId, signingKey: pair?.privateKeyPem ?? null };
}

/** Deactivates a signing key; the last active key cannot be removed (no token could verify). */
export async function removeSigningKey(
  db: Kysely<Database>,
  projectId: string,
  keyId: string,
): Promise<void> {
  const project = await getProject(db, projectId);
  const key = project.signingKeys.find((k) => k.id === keyId);
  if (!key)
    throw new AppError('SIGNING_KEY_NOT_FOUND', 404, `project ${projectId} has no signing key ${keyId}.`);
  const active = project.signingKeys.filter((k) => k.isActive);
  if (key.isActive && active.length === 1) {
    throw new AppError(
      'CONFLICT',
      409,
      "this is the project's only active signing key; add the new key first, then deactivate this one.",
    );
  }
  await deactivateSigningKey(db, projectId, keyId);
}
