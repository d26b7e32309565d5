import { createHash } from 'node:crypto';

export const defaultSandboxAccountName = 'Sample Workspace';
const maxNameLength = 80;

/**
 * The account a name typed on the consent page stands for. The workspace is a slug of the name, so
 * "Sample Workspace" is the same account on every connection; the email is on a reserved domain.
 */
export function sandboxAccountIdentity(
  rawName: string,
): { ok: true; name: string; workspace: string; email: string } | { ok: false; problem: string } {
  const name = rawName.trim().replace(/\s+/g, ' ');
  if (name === '') return { ok: false, problem: 'Enter an account name, for example “Sample Workspace”.' };
  if (name.length > maxNameLength) {
    return { ok: false, problem: `Use at most ${maxNameLength} characters for the account name.` };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return { ok: false, problem: 'The account name must not contain control characters.' };
  }
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  // Names without any latin letter or digit still get a stable workspace.
  const workspace =
    slug !== '' ? slug : `workspace-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
  return { ok: true, name, workspace, email: `owner@${workspace}.example` };
}
