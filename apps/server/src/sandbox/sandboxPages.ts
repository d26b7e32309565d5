import { sandboxScopes } from './sandboxClient';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Headers of every sandbox page: no script at all, never framed (clickjacking a consent button), never
 * cached, no Referer leaking the authorization request. No `form-action`: browsers apply it to the
 * redirect that follows the form, and the redirect URI may be on another origin.
 */
export const sandboxPageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

const styles = `
:root{color-scheme:light dark;--bg:#f1f5f9;--card:#fff;--text:#0f172a;--muted:#475569;--line:#cbd5e1;--brand:#0f766e;--brand-text:#fff;--error:#b91c1c;--focus:#2563eb}
@media (prefers-color-scheme:dark){:root{--bg:#0b1220;--card:#111a2e;--text:#e2e8f0;--muted:#94a3b8;--line:#334155;--brand:#14b8a6;--brand-text:#042f2e;--error:#fca5a5;--focus:#93c5fd}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:1rem;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:30rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.75rem}
.brand{display:flex;align-items:center;gap:.6rem;margin:0 0 1rem;font-weight:600}
.logo{display:inline-grid;place-items:center;width:2rem;height:2rem;border-radius:8px;background:var(--brand);color:var(--brand-text);font-size:.8rem;font-weight:700}
h1{font-size:1.25rem;line-height:1.3;margin:0 0 .5rem}
h2{font-size:1rem;margin:1.25rem 0 .25rem}
p{margin:.5rem 0}
.muted{color:var(--muted);font-size:.9rem}
ul{margin:.25rem 0 0;padding-left:1.25rem}
code{font-size:.85em}
label{display:block;font-weight:600;margin-top:1.25rem}
input[type=text]{width:100%;margin-top:.25rem;padding:.55rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
input[aria-invalid=true]{border-color:var(--error)}
.error{color:var(--error)}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--line);background:transparent;color:inherit;cursor:pointer}
button.primary{background:var(--brand);border-color:var(--brand);color:var(--brand-text)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
`;

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<main>
<p class="brand"><span class="logo" aria-hidden="true">SB</span>Sandbox CRM</p>
${main}
</main>
</body>
</html>`;
}

export interface ConsentPageInput {
  /** The opaque id of the stored authorization request; the form sends it back. */
  requestId: string;
  scopes: readonly string[];
  redirectUri: string;
  accountName: string;
  /** Set when the form came back with a problem (e.g. an empty account name). */
  problem?: string;
}

/** The consent screen: which app asks, for what, where you go next; Allow or Deny. */
export function renderConsentPage(input: ConsentPageInput): string {
  const scopes = input.scopes
    .map(
      (scope) =>
        `<li>${escapeHtml(sandboxScopes[scope] ?? scope)} <span class="muted">(<code>${escapeHtml(scope)}</code>)</span></li>`,
    )
    .join('\n');
  const destination = new URL(input.redirectUri).host;
  const described = input.problem ? 'sandbox-account-hint sandbox-account-error' : 'sandbox-account-hint';
  const problem = input.problem
    ? `<p id="sandbox-account-error" class="error" role="alert">${escapeHtml(input.problem)}</p>`
    : '';
  return page(
    'Sandbox CRM – Authorize Switchboard',
    `<h1>Switchboard wants to access your Sandbox CRM account</h1>
<p class="muted">Sandbox CRM is a practice app built into Switchboard. Nothing you do here leaves this server.</p>
<form method="post" action="authorize">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<label for="sandbox-account">Account name</label>
<input type="text" id="sandbox-account" name="account" value="${escapeHtml(input.accountName)}" required maxlength="80" autocomplete="organization" aria-describedby="${described}"${input.problem ? ' aria-invalid="true"' : ''}>
<p id="sandbox-account-hint" class="muted">Any name. The same name opens the same account next time.</p>
${problem}
<h2>Switchboard will be able to:</h2>
<ul>
<li>See your account’s name and email</li>
${scopes}
</ul>
<p class="muted">Then you will be sent back to <strong>${escapeHtml(destination)}</strong>.</p>
<div class="actions">
<button type="submit" id="sandbox-allow" class="primary" name="decision" value="allow">Allow</button>
<button type="submit" id="sandbox-deny" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>`,
  );
}

/** A request that cannot go back to the app (unknown client, bad redirect URI, stale form). */
export function renderErrorPage(heading: string, message: string): string {
  return page(
    `Sandbox CRM – ${heading}`,
    `<h1>${escapeHtml(heading)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">Go back to the app and start connecting again.</p>`,
  );
}
