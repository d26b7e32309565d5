import { randomBytes } from 'node:crypto';

/** JSON for embedding inside a <script>: `<` is escaped so no value can close the script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A valid http(s) origin exactly (`scheme://host[:port]`), or undefined. Messages go only to such a target. */
export function parseOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, ''))
      return url.origin;
  } catch {
    // not a URL
  }
  return undefined;
}

export interface PopupPage {
  html: string;
  /** The Content-Security-Policy that lets exactly this page's script run. */
  csp: string;
}

function page(title: string, body: string, script: string): PopupPage {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f8fafc;color:#0f172a}
main{max-width:28rem;padding:2rem;text-align:center}.error{color:#b91c1c}@media (prefers-color-scheme:dark){body{background:#0f172a;color:#e2e8f0}.error{color:#fca5a5}}</style>
</head><body><main>${body}</main><script nonce="${nonce}">${script}</script></body></html>`;
  return {
    html,
    csp: `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`,
  };
}

/**
 * Wire protocol 7.1 step 4: the popup's first page tells the opener it is ready, so the SDK can send
 * it on to the provider. No COOP header: the opener link must survive.
 */
export function nonceLoadedPage(originForPostMessage: string): PopupPage {
  return page(
    'Connecting…',
    '<p role="status">Connecting…</p>',
    `if (window.opener) window.opener.postMessage({ type: 'oauth-nonce-loaded' }, ${scriptJson(originForPostMessage)});`,
  );
}

export type OAuthResult =
  | { oauthMetaKeyId: string; credentialId: string }
  | { oauthMetaKeyId: string; error: { code: string; message: string } };

/**
 * The OAuth callback's answer: tells the opener (only at the origin that started the flow) and closes.
 * The official client learns the result by polling session-id; this message is the fast path for ours.
 */
export function oauthResultPage(
  result: OAuthResult | { error: { code: string; message: string } },
  origin: string | undefined,
): PopupPage {
  const failed = 'error' in result;
  const body = failed
    ? `<h1>Could not connect</h1><p class="error" role="alert">${escapeHtml(result.error.message)}</p><p>You can close this window.</p>`
    : '<h1>Connected</h1><p role="status">You can close this window.</p>';
  const message = { type: 'switchboard:oauth-result', ...result };
  const post = origin
    ? `if (window.opener) window.opener.postMessage(${scriptJson(message)}, ${scriptJson(origin)});`
    : '';
  return page(
    failed ? 'Could not connect' : 'Connected',
    body,
    `${post} setTimeout(function () { window.close(); }, ${failed ? 1500 : 300});`,
  );
}
