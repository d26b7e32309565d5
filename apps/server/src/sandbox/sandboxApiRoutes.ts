import { randomUUID } from 'node:crypto';
import { AppError } from '@switchboard/contracts';
import {
  deleteSandboxContact,
  findSandboxBearer,
  findSandboxContact,
  insertSandboxContact,
  listSandboxContacts,
  type SandboxAccountRow,
  type SandboxContactRow,
  updateSandboxContact,
} from '@switchboard/db';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SandboxContext } from './sandboxRoutes';
import { hashSandboxSecret } from './sandboxSecrets';

const meSchema = z.object({ id: z.string(), name: z.string(), email: z.string(), workspace: z.string() });

const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  createdAt: z.string().meta({ description: 'ISO 8601' }),
});

const contactNameSchema = z.string().trim().min(1).max(200);
const contactEmailSchema = z.email().max(320);
const contactIdParams = z.object({ id: z.string().min(1).max(100) });

function contactJson(contact: SandboxContactRow): z.infer<typeof contactSchema> {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    createdAt: contact.createdAt.toISOString(),
  };
}

function contactNotFound(id: string): AppError {
  return new AppError('ROUTE_NOT_FOUND', 404, `This sandbox account has no contact "${id}".`);
}

type Scope = 'contacts.read' | 'contacts.write';

/** RFC 6750 §3: the challenge names the problem; the body is the sandbox's own (`{ error }`). */
function refuse(reply: FastifyReply, error: 'invalid_token' | 'insufficient_scope', scope?: Scope) {
  const challenge =
    error === 'invalid_token'
      ? 'Bearer error="invalid_token"'
      : `Bearer error="insufficient_scope", scope="${scope}"`;
  return reply
    .status(error === 'invalid_token' ? 401 : 403)
    .header('www-authenticate', challenge)
    .send({ error });
}

/** The sandbox's REST API: `/sandbox/api/me` and contacts, bearer-protected. */
export function sandboxApiRoutes(context: SandboxContext): FastifyPluginAsyncZod {
  const { db } = context;
  const accounts = new WeakMap<FastifyRequest, SandboxAccountRow>();

  /** Runs before the body is parsed: an unauthenticated request learns nothing else. */
  const bearer =
    (scope?: Scope): onRequestAsyncHookHandler =>
    async (request, reply) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      const token = match?.[1];
      const found =
        token === undefined
          ? undefined
          : await findSandboxBearer(db, hashSandboxSecret(token), context.now());
      if (!found) return refuse(reply, 'invalid_token');
      if (scope && !found.scope.split(' ').includes(scope)) return refuse(reply, 'insufficient_scope', scope);
      accounts.set(request, found.account);
    };
  const accountOf = (request: FastifyRequest): SandboxAccountRow => {
    const account = accounts.get(request);
    if (!account) throw new Error('sandbox API route without its bearer hook');
    return account;
  };

  return async (app) => {
    app.get(
      '/sandbox/api/me',
      {
        onRequest: bearer(),
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: the connected account',
          response: { 200: meSchema },
        },
      },
      async (request) => {
        const { id, name, email, workspace } = accountOf(request);
        return { id, name, email, workspace };
      },
    );

    app.get(
      '/sandbox/api/contacts',
      {
        onRequest: bearer('contacts.read'),
        schema: {
          tags: ['Sandbox'],
          summary: "Sandbox provider: the account's contacts, oldest first",
          response: { 200: z.object({ data: z.array(contactSchema) }) },
        },
      },
      async (request) => ({ data: (await listSandboxContacts(db, accountOf(request).id)).map(contactJson) }),
    );

    app.post(
      '/sandbox/api/contacts',
      {
        onRequest: bearer('contacts.write'),
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: create a contact',
          body: z.object({ name: contactNameSchema, email: contactEmailSchema }),
          response: { 201: contactSchema },
        },
      },
      async (request, reply) => {
        const contact = await insertSandboxContact(db, {
          id: `ct_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
          accountId: accountOf(request).id,
          name: request.body.name,
          email: request.body.email,
          createdAt: context.now(),
        });
        return reply.status(201).send(contactJson(contact));
      },
    );

    app.get(
      '/sandbox/api/contacts/:id',
      {
        onRequest: bearer('contacts.read'),
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: one contact',
          params: contactIdParams,
          response: { 200: contactSchema },
        },
      },
      async (request) => {
        const contact = await findSandboxContact(db, accountOf(request).id, request.params.id);
        if (!contact) throw contactNotFound(request.params.id);
        return contactJson(contact);
      },
    );

    app.patch(
      '/sandbox/api/contacts/:id',
      {
        onRequest: bearer('contacts.write'),
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: change a contact',
          params: contactIdParams,
          body: z
            .object({ name: contactNameSchema.optional(), email: contactEmailSchema.optional() })
            .refine(
              (body) => body.name !== undefined || body.email !== undefined,
              'send name, email or both',
            ),
          response: { 200: contactSchema },
        },
      },
      async (request) => {
        const { name, email } = request.body;
        const contact = await updateSandboxContact(db, accountOf(request).id, request.params.id, {
          ...(name !== undefined ? { name } : {}),
          ...(email !== undefined ? { email } : {}),
        });
        if (!contact) throw contactNotFound(request.params.id);
        return contactJson(contact);
      },
    );

    app.delete(
      '/sandbox/api/contacts/:id',
      {
        onRequest: bearer('contacts.write'),
        schema: { tags: ['Sandbox'], summary: 'Sandbox provider: delete a contact', params: contactIdParams },
      },
      async (request, reply) => {
        if (!(await deleteSandboxContact(db, accountOf(request).id, request.params.id))) {
          throw contactNotFound(request.params.id);
        }
        return reply.status(204).send();
      },
    );
  };
}
