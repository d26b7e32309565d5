import type { Kysely } from 'kysely';
import type { Database, ProjectRow } from './schema';

export async function insertProject(
  db: Kysely<Database>,
  project: { id: string; name: string },
): Promise<ProjectRow> {
  return db.insertInto('projects').values(project).returningAll().executeTakeFirstOrThrow();
}

export async function findProject(db: Kysely<Database>, projectId: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
}

export async function listProjects(db: Kysely<Database>): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().orderBy('createdAt').execute();
}
