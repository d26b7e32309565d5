import { z } from 'zod';
import { hostMatches, isHostPattern } from './hostPattern';
import { isValidPattern } from './inputPattern';
import { jsonPathPattern } from './jsonPath';
import { fillTemplate, isWellFormedTemplate, templatePlaceholders } from './urlTemplate';

/*
 * A catalog entry: everything the OAuth connect flow, the vault (exchange, refresh, revocation) and the
 * proxy need to talk to one third-party app, declared as data. Templates use `{{name}}` placeholders
 * (see urlTemplate.ts); JSON paths are dot paths (see jsonPath.ts); host patterns are described in
 * hostPattern.ts. Cross-field rules (placeholders refer to declared inputs, hosts are allowed, …) are
 * enforced by the refinement at the bottom, so a definition that parses is internally consistent.
 */

const identifierSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must start with a letter and contain only letters, digits and _');

const jsonPathSchema = z
  .string()
  .regex(jsonPathPattern, 'must be a dot path of property names, e.g. "authed_user.access_token"');

const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name');

/** Any string that may hold `{{placeholders}}`; they must be well formed. */
const templateSchema = z
  .string()
  .min(1)
  .refine(isWellFormedTemplate, 'has a malformed {{placeholder}} (use {{name}}, no spaces)');

/** Placeholders are replaced by this sample when a template's shape is checked. */
const samplePlaceholderValue = 'x';

/**
 * The Switchboard server's own origin (`http://127.0.0.1:7070`), filled at runtime by whoever renders
 * the templates. Not a user input: only local entries (served by Switchboard itself, like the sandbox)
 * may use it, at the start of a URL or as a whole `api.allowedHosts` item (the server's host[:port]).
 */
export const switchboardOriginPlaceholder = 'switchboardOrigin';
/** Hosts on this machine: only local entries (the sandbox, test providers) may send credentials there. */
const loopbackHosts = ['localhost', '127.0.0.1'];
const switchboardOriginTemplate = `{{${switchboardOriginPlaceholder}}}`;
/** Stands in for the server's origin when a template's shape is checked. */
const sampleSwitchboardOrigin = 'http://switchboard.invalid:7070';

function fillWithSamples(template: string): string {
  return fillTemplate(template, (name) =>
    name === switchboardOriginPlaceholder ? sampleSwitchboardOrigin : samplePlaceholderValue,
  );
}

/**
 * Shape problems of a URL template. Both http and https pass here: which schemes and placeholders an
 * entry may use depends on `local`, so the definition's cross-field check enforces them.
 */
function urlTemplateProblem(template: string): string | undefined {
  if (!isWellFormedTemplate(template)) return 'has a malformed {{placeholder}} (use {{name}}, no spaces)';
  if (templatePlaceholders(template).includes(switchboardOriginPlaceholder)) {
    if (
      !/^\{\{switchboardOrigin\}\}(?:[/?]|$)/.test(template) ||
      template.lastIndexOf(switchboardOriginTemplate) > 0
    ) {
      return `may use ${switchboardOriginTemplate} only once, as the whole origin at the start (e.g. "${switchboardOriginTemplate}/api")`;
    }
  } else if (!/^https?:\/\//.test(template)) {
    return 'must be an https URL';
  }
  let url: URL;
  try {
    url = new URL(fillWithSamples(template));
  } catch {
    return 'is not a valid URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a #fragment';
  return undefined;
}

/**
 * An absolute URL that may hold `{{input}}` placeholders. It must be https unless the entry is local;
 * the definition checks that (and who may use `{{switchboardOrigin}}`).
 */
export const urlTemplateSchema = z.string().superRefine((template, ctx) => {
  const problem = urlTemplateProblem(template);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got "${template}")` });
});

/** A fixed https URL (documentation links), whatever the entry. */
const httpsUrlSchema = z
  .string()
  .superRefine((url, ctx) => {
    const problem =
      urlTemplateProblem(url) ?? (url.startsWith('https://') ? undefined : 'must be an https URL');
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got "${url}")` });
  })
  .refine((url) => templatePlaceholders(url).length === 0, 'must not contain {{placeholders}}');

export const integrationTypeSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*$/,
    'must be lowercase letters and digits starting with a letter, e.g. "googledrive"',
  );

export const integrationCategorySchema = z.enum([
  'accounting',
  'analytics',
  'calendar',
  'crm',
  'developerTools',
  'ecommerce',
  'fileStorage',
  'hr',
  'marketing',
  'messaging',
  'payments',
  'productivity',
  'projectManagement',
  'support',
]);
export type IntegrationCategory = z.infer<typeof integrationCategorySchema>;

const hexColorSchema = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a 6-digit hex colour like "#00A1E0"');

/** Icons are rendered by the portal, so they must be inert SVG. */
const svgIconSchema = z
  .string()
  .refine(
    (svg) => /^<svg[\s>]/.test(svg.trim()) && svg.trim().endsWith('</svg>'),
    'must be an inline SVG document (<svg …>…</svg>)',
  )
  .refine(
    (svg) => !/<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(svg),
    'must not contain scripts, event handlers, javascript: URLs or foreignObject',
  );

/** A value the Connected User enters: a pre-OAuth input (Shopify shop) or an API-key field. */
export const integrationInputSchema = z.strictObject({
  id: identifierSchema,
  title: z.string().min(1),
  subtitle: z.string().min(1).optional(),
  placeholder: z.string().min(1).optional(),
  /** Rendered as a password field, stored encrypted, never echoed back nor templated into a URL. */
  secret: z.boolean().default(false),
  required: z.boolean().default(true),
  /** A regular expression the whole value must match (anchored by matchesInputPattern). Required for inputs used in URLs. */
  pattern: z.string().min(1).refine(isValidPattern, 'must be a valid regular expression').optional(),
});
export type IntegrationInput = z.infer<typeof integrationInputSchema>;

/**
 * How the credential goes on each API request. Placeholders: `{{accessToken}}` for OAuth, the field ids
 * for API keys. `basic` sends `Authorization: Basic base64(username:password)`.
 */
export const credentialInjectionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), name: headerNameSchema, value: templateSchema }),
  z.strictObject({
    type: z.literal('basic'),
    username: templateSchema,
    password: z.string().refine(isWellFormedTemplate, 'has a malformed {{placeholder}}').default(''),
  }),
]);
export type CredentialInjection = z.infer<typeof credentialInjectionSchema>;

const bearerAccessToken = { type: 'header', name: 'Authorization', value: 'Bearer {{accessToken}}' } as const;

/** A request made with the fresh credential. `url` is a path under api.baseUrl or an https URL on an allowed host. */
export const requestTargetSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  url: z.string().superRefine((url, ctx) => {
    if (url.startsWith('/')) return;
    const problem = urlTemplateProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: `must be a path starting with "/" or ${problem}` });
  }),
});
export type RequestTarget = z.infer<typeof requestTargetSchema>;

/** Revoking the grant when a Connected User disconnects. */
export const revocationSchema = z.strictObject({
  url: urlTemplateSchema,
  method: z.enum(['POST', 'GET', 'DELETE']).default('POST'),
  /** Which token to revoke; revoking the refresh token ends the whole grant at most providers. */
  token: z.enum(['access', 'refresh']),
  /** `form`: `token=<t>` in an x-www-form-urlencoded body. `requestAuth`: sent the way API calls are (auth.injection). */
  tokenPlacement: z.enum(['form', 'requestAuth']),
  /** How the client identifies itself to the revocation endpoint. */
  clientAuthentication: z.enum(['none', 'body', 'basic']).default('none'),
});
export type Revocation = z.infer<typeof revocationSchema>;

/**
 * Where the token endpoint puts things (used for the code exchange and every refresh). Missing values
 * are treated as absent: no `expires_in` means the lifetime is unknown, so refresh reactively on 401;
 * no refresh token in a refresh response means keep the stored one.
 */
export const tokenResponseSchema = z.strictObject({
  accessTokenPath: jsonPathSchema.default('access_token'),
  refreshTokenPath: jsonPathSchema.default('refresh_token'),
  expiresInPath: jsonPathSchema.default('expires_in'),
  /** A space/comma-separated string or an array of granted scopes. */
  scopePath: jsonPathSchema.default('scope'),
  /** When set, a falsy value here means failure even with HTTP 200 (Slack answers `{"ok": false}`). */
  successFlagPath: jsonPathSchema.optional(),
  errorPath: jsonPathSchema.default('error'),
  /** Further secrets to keep encrypted with the credential (never in providerData), by name. */
  extraTokenPaths: z.record(identifierSchema, jsonPathSchema).default({}),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const refreshSchema = z.strictObject({
  /** `optional`: only when a scope/parameter asks for it or the provider app enables it. */
  refreshToken: z.enum(['always', 'optional', 'never']),
  /** Each refresh returns a new refresh token and kills the old one: persist it first, refresh single-flight. */
  rotates: z.boolean(),
});
export type Refresh = z.infer<typeof refreshSchema>;

/** Parameters the OAuth client sets itself; extra params must not override them. */
const reservedOAuthParams = [
  'client_id',
  'client_secret',
  'redirect_uri',
  'response_type',
  'state',
  'scope',
  'code',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'grant_type',
  'refresh_token',
];
const extraParamsSchema = z
  .record(z.string().min(1), z.string())
  .refine(
    (params) => Object.keys(params).every((name) => !reservedOAuthParams.includes(name)),
    `must not set parameters the OAuth client owns (${reservedOAuthParams.join(', ')})`,
  )
  .default({});

/** OAuth 2.0 authorization code grant. URLs may use `{{input}}` placeholders from `inputs`. */
export const oauth2AuthSchema = z.strictObject({
  type: z.literal('oauth2'),
  authorizationUrl: urlTemplateSchema,
  tokenUrl: urlTemplateSchema,
  revocation: revocationSchema.optional(),
  /** Default scopes; a project may override them. */
  scopes: z.array(z.string().regex(/^\S+$/, 'must be a single scope without spaces')).default([]),
  scopeSeparator: z.enum([' ', ',']).default(' '),
  /** How client_id/client_secret reach the token endpoint: form body or HTTP Basic. */
  clientAuthentication: z.enum(['body', 'basic']),
  /** Send an S256 code_challenge / code_verifier. */
  pkce: z.boolean(),
  /** Extra query parameters on the authorization URL (e.g. Google `access_type=offline`). */
  authorizationParams: extraParamsSchema,
  /** Extra form fields on the authorization-code exchange (e.g. Shopify `expiring=1`). */
  tokenParams: extraParamsSchema,
  refresh: refreshSchema,
  tokenResponse: tokenResponseSchema.prefault({}),
  /** Pre-OAuth inputs collected before redirecting (the wire's `needPreOauthInputs`). */
  inputs: z.array(integrationInputSchema).default([]),
  /**
   * Post-OAuth inputs the user gives after connecting (e.g. which workspace to use; the wire's
   * `postOauthInputs`). Stored with the credential's non-secret inputs, so they must not be secret;
   * they are not known when URLs are built, so templates cannot use them.
   */
  postInputs: z.array(integrationInputSchema).default([]),
  injection: credentialInjectionSchema.default(bearerAccessToken),
});
export type OAuth2Auth = z.infer<typeof oauth2AuthSchema>;
export type OAuth2AuthInput = z.input<typeof oauth2AuthSchema>;

/** Credentials the user pastes (API keys, tokens). `verification` must succeed (2xx) before the credential is saved. */
export const apiKeyAuthSchema = z.strictObject({
  type: z.literal('apiKey'),
  fields: z.array(integrationInputSchema).min(1),
  injection: credentialInjectionSchema,
  verification: requestTargetSchema,
});
export type ApiKeyAuth = z.infer<typeof apiKeyAuthSchema>;

export const authSchema = z.discriminatedUnion('type', [oauth2AuthSchema, apiKeyAuthSchema]);
export type Auth = z.infer<typeof authSchema>;

/**
 * Where an account fact comes from: the token-endpoint response (re-read on every refresh), a non-secret
 * input, or the identity response (account.request, or for API keys the verification response).
 * providerData values must be strings, numbers or booleans (wire protocol 12.2).
 */
export const valueSourceSchema = z.union(
  [
    z.strictObject({ token: jsonPathSchema }),
    z.strictObject({ input: identifierSchema }),
    z.strictObject({ identity: jsonPathSchema }),
  ],
  {
    error:
      'must be exactly one of { token: "<json path>" }, { input: "<input id>" }, { identity: "<json path>" }',
  },
);
export type ValueSource = z.infer<typeof valueSourceSchema>;

/** How a Credential's providerId and providerData are filled after connecting. */
export const accountIdentitySchema = z.strictObject({
  /** Made once after connecting when the token response lacks the account's identity. */
  request: requestTargetSchema.optional(),
  providerId: valueSourceSchema.optional(),
  providerData: z.record(identifierSchema, valueSourceSchema).default({}),
});
export type AccountIdentity = z.infer<typeof accountIdentitySchema>;
export type AccountIdentityInput = z.input<typeof accountIdentitySchema>;

/** A base URL read from providerData at request time (Salesforce `instance_url`); must resolve to an allowed https origin. */
export const baseUrlFromProviderDataSchema = z.strictObject({
  fromProviderData: identifierSchema,
  path: z
    .string()
    .regex(/^(\/[^/?#\s]+)*$/, 'must be empty or a path like "/services/data/v66.0" (no trailing /)'),
});

export const rateLimitSchema = z.strictObject({
  /** Seconds to wait after a 429/503; the proxy honours it when retrying. */
  retryAfterHeader: headerNameSchema.default('Retry-After'),
  /** One header with used and limit, parsed by a regex with named groups `used` and `limit`. */
  usageHeader: z
    .strictObject({
      name: headerNameSchema,
      pattern: z
        .string()
        .refine(isValidPattern, 'must be a valid regular expression')
        .refine(
          (pattern) => pattern.includes('(?<used>') && pattern.includes('(?<limit>'),
          'must capture the named groups "used" and "limit"',
        ),
    })
    .optional(),
  limitHeader: headerNameSchema.optional(),
  remainingHeader: headerNameSchema.optional(),
  /** Length of the window the limit applies to. */
  windowHeader: z
    .strictObject({ name: headerNameSchema, unit: z.enum(['milliseconds', 'seconds']) })
    .optional(),
  /** When the window resets. */
  resetHeader: z
    .strictObject({ name: headerNameSchema, unit: z.enum(['seconds', 'epochSeconds', 'milliseconds']) })
    .optional(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const apiSchema = z.strictObject({
  /** Proxy paths are appended to this; a static template (placeholders = inputs) or read from providerData. */
  baseUrl: z.union(
    [
      urlTemplateSchema.refine(
        (url) => !/[/?]$|\?/.test(url),
        'must not end with "/" nor carry a query string',
      ),
      baseUrlFromProviderDataSchema,
    ],
    { error: 'must be an https URL template or { fromProviderData: "<key>", path: "/…" }' },
  ),
  /** Hosts a credential may be sent to (full-URL proxying, identity requests); must cover baseUrl. */
  allowedHosts: z
    .array(
      z
        .string()
        .refine(
          (pattern) =>
            isHostPattern(pattern) ||
            pattern === switchboardOriginTemplate ||
            loopbackHosts.includes(pattern),
          `must be a lowercase host, "*.host", a {{input}} host template or (local entries) ${switchboardOriginTemplate}, localhost or 127.0.0.1`,
        ),
    )
    .min(1),
  rateLimit: rateLimitSchema.prefault({}),
});
export type Api = z.infer<typeof apiSchema>;

/** An account type (wire: sdkIntegrationConfig.accountTypes); URLs override the auth URLs for it. */
export const accountTypeSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and -'),
  description: z.string().min(1),
  authorizationUrl: urlTemplateSchema.optional(),
  tokenUrl: urlTemplateSchema.optional(),
  revocationUrl: urlTemplateSchema.optional(),
});
export type AccountType = z.infer<typeof accountTypeSchema>;

/** A fixed https origin (scheme and host, nothing else), e.g. "https://onedrive.live.com". */
const httpsOriginSchema = z
  .string()
  .refine(
    (value) => value.startsWith('https://') && URL.parse(value)?.origin === value,
    'must be an https origin like "https://onedrive.live.com" (no path, port or trailing /)',
  );

/**
 * Where `accountAuth.DOMAIN` comes from (OneDrive: the origin the SDK's picker opens and form-POSTs the
 * access token to). It is the origin of the URL stored in providerData[fromProviderData] when that URL
 * is https on one of `hosts`, else `fallback`. The host check matters: the browser sends the token there.
 */
export const filePickerDomainSchema = z.strictObject({
  fromProviderData: identifierSchema,
  hosts: z
    .array(
      z
        .string()
        .refine(
          (pattern) => isHostPattern(pattern) && !pattern.includes('{{'),
          'must be a lowercase host or "*.host" (no placeholders)',
        ),
    )
    .min(1),
  fallback: httpsOriginSchema,
});
export type FilePickerDomain = z.infer<typeof filePickerDomainSchema>;

/**
 * Marks an integration whose ExternalFilePicker the SDK supports. It is also what permits returning the
 * access token to the browser (`includeAccountAuth=true`), which the picker needs.
 * `requiredInitOptions`: what the page must pass to `picker.init()` — Google's browser `developerKey`
 * (optional `appId`), Box's `folderId`, Dropbox Chooser's `appKey`.
 */
export const filePickerSchema = z.strictObject({
  requiredInitOptions: z.array(z.enum(['developerKey', 'appId', 'folderId', 'appKey'])).default([]),
  domain: filePickerDomainSchema.optional(),
});
export type FilePicker = z.infer<typeof filePickerSchema>;

const integrationDefinitionShape = z.strictObject({
  type: integrationTypeSchema,
  /**
   * Served by the Switchboard server itself (the sandbox). Only local entries may use http:// URLs and
   * `{{switchboardOrigin}}`; everything else talks https to the provider's own hosts.
   */
  local: z.boolean().default(false),
  name: z.string().min(1),
  brandColor: hexColorSchema,
  icon: svgIconSchema,
  category: integrationCategorySchema,
  description: z
    .string()
    .min(1)
    .max(160)
    .refine((text) => !/[\r\n]/.test(text), 'must be a single line'),
  /** Markdown shown in the portal: what connecting lets the user do. */
  overview: z.string().min(1),
  docsUrl: httpsUrlSchema,
  auth: authSchema,
  api: apiSchema,
  account: accountIdentitySchema.prefault({}),
  accountTypes: z.array(accountTypeSchema).min(1).optional(),
  filePicker: filePickerSchema.optional(),
});
type DefinitionShape = z.infer<typeof integrationDefinitionShape>;

type ReportIssue = (path: readonly (string | number)[], message: string) => void;

function checkCrossReferences(def: DefinitionShape, report: ReportIssue): void {
  const { auth, api, account } = def;
  const inputs = auth.type === 'oauth2' ? auth.inputs : auth.fields;
  const inputsPath = auth.type === 'oauth2' ? ['auth', 'inputs'] : ['auth', 'fields'];
  const inputIds = inputs.map((input) => input.id);
  const declared = inputIds.length > 0 ? inputIds.join(', ') : 'none';

  inputIds.forEach((id, index) => {
    if (inputIds.indexOf(id) !== index) report([...inputsPath, index, 'id'], `duplicate input id "${id}"`);
    if (id === switchboardOriginPlaceholder) {
      report(
        [...inputsPath, index, 'id'],
        `"${id}" is reserved for the Switchboard server's origin; choose another input id`,
      );
    }
  });

  // Inputs in URLs steer where credentials go, so they must be constrained and never secret.
  // `{{switchboardOrigin}}` is no input: the server fills it with its own origin, for local entries only.
  const checkUrlPlaceholders = (template: string, path: readonly (string | number)[]): void => {
    for (const name of templatePlaceholders(template)) {
      if (name === switchboardOriginPlaceholder) {
        if (!def.local) {
          report(
            path,
            `placeholder ${switchboardOriginTemplate} (the Switchboard server's own origin) is only allowed in local entries (local: true)`,
          );
        }
        continue;
      }
      const input = inputs.find((candidate) => candidate.id === name);
      if (!input) report(path, `placeholder {{${name}}} is not a declared input (declared: ${declared})`);
      else if (input.secret)
        report(path, `placeholder {{${name}}} is a secret input; secrets must not appear in URLs`);
      else if (input.pattern === undefined) {
        report(path, `placeholder {{${name}}} is used in a URL, so input "${name}" must declare a pattern`);
      }
    }
  };

  // Only local entries are served over plain http (by Switchboard itself, in development).
  const checkUrl = (template: string, path: readonly (string | number)[]): void => {
    if (!def.local && template.startsWith('http://')) {
      report(
        path,
        `must be an https URL; http:// is only allowed in local entries (local: true) (got "${template}")`,
      );
    }
    checkUrlPlaceholders(template, path);
  };

  const renderedHosts = api.allowedHosts
    .filter((pattern) => pattern !== switchboardOriginTemplate)
    .map((pattern) => fillTemplate(pattern, () => samplePlaceholderValue));
  if (!def.local) {
    api.allowedHosts.forEach((pattern, index) => {
      if (loopbackHosts.includes(pattern)) {
        report(
          ['api', 'allowedHosts', index],
          `"${pattern}" is on this machine; only local entries (local: true) may use it`,
        );
      }
    });
  }

  const checkHostAllowed = (template: string, path: readonly (string | number)[]): void => {
    if (template.startsWith(switchboardOriginTemplate)) {
      if (!api.allowedHosts.includes(switchboardOriginTemplate)) {
        report(
          path,
          `"${template}" is on the Switchboard server's origin, so api.allowedHosts must list ${switchboardOriginTemplate}`,
        );
      }
      return;
    }
    const hostname = URL.parse(fillWithSamples(template))?.hostname;
    if (hostname === undefined) return; // already reported by the URL's own schema
    if (!renderedHosts.some((pattern) => hostMatches(pattern, hostname))) {
      report(
        path,
        `host of "${template}" is not covered by api.allowedHosts (${api.allowedHosts.join(', ')})`,
      );
    }
  };

  api.allowedHosts.forEach((pattern, index) => {
    checkUrlPlaceholders(pattern, ['api', 'allowedHosts', index]);
  });

  if (typeof api.baseUrl === 'string') {
    checkUrl(api.baseUrl, ['api', 'baseUrl']);
    checkHostAllowed(api.baseUrl, ['api', 'baseUrl']);
  } else if (!(api.baseUrl.fromProviderData in account.providerData)) {
    report(
      ['api', 'baseUrl', 'fromProviderData'],
      `"${api.baseUrl.fromProviderData}" is not declared in account.providerData`,
    );
  }

  const checkRequestTarget = (target: RequestTarget, path: readonly (string | number)[]): void => {
    if (target.url.startsWith('/')) return;
    checkUrl(target.url, path);
    checkHostAllowed(target.url, path);
  };

  const checkInjection = (allowed: readonly string[], path: readonly (string | number)[]): void => {
    const { injection } = auth;
    const templates =
      injection.type === 'header' ? [injection.value] : [injection.username, injection.password];
    const used = templates.flatMap(templatePlaceholders);
    for (const name of used) {
      if (!allowed.includes(name)) {
        report(path, `placeholder {{${name}}} is not available here (available: ${allowed.join(', ')})`);
      }
    }
    if (used.length === 0) report(path, `must send the credential using one of: ${allowed.join(', ')}`);
  };

  if (auth.type === 'oauth2') {
    auth.postInputs.forEach((input, index) => {
      const path = ['auth', 'postInputs', index] as const;
      if (input.secret) {
        report(
          [...path, 'secret'],
          `post-OAuth input "${input.id}" cannot be secret: post-OAuth inputs are stored unencrypted with the credential's settings`,
        );
      }
      if (auth.postInputs.findIndex((other) => other.id === input.id) !== index) {
        report([...path, 'id'], `duplicate post-OAuth input id "${input.id}"`);
      } else if (inputIds.includes(input.id)) {
        report(
          [...path, 'id'],
          `"${input.id}" is already a pre-OAuth input (auth.inputs); choose another id`,
        );
      }
      if (input.id === switchboardOriginPlaceholder) {
        report(
          [...path, 'id'],
          `"${input.id}" is reserved for the Switchboard server's origin; choose another input id`,
        );
      }
    });
    checkUrl(auth.authorizationUrl, ['auth', 'authorizationUrl']);
    checkUrl(auth.tokenUrl, ['auth', 'tokenUrl']);
    if (auth.revocation) checkUrl(auth.revocation.url, ['auth', 'revocation', 'url']);
    checkInjection(['accessToken'], ['auth', 'injection']);
    if (auth.refresh.rotates && auth.refresh.refreshToken === 'never') {
      report(['auth', 'refresh', 'rotates'], 'cannot rotate refresh tokens that are never issued');
    }
  } else {
    checkInjection(inputIds, ['auth', 'injection']);
    checkRequestTarget(auth.verification, ['auth', 'verification', 'url']);
  }

  if (account.request) checkRequestTarget(account.request, ['account', 'request', 'url']);

  const checkSource = (source: ValueSource, path: readonly (string | number)[]): void => {
    if ('token' in source && auth.type !== 'oauth2') {
      report(path, 'only OAuth integrations have a token response; use { identity } or { input }');
    }
    if ('identity' in source && !account.request && auth.type !== 'apiKey') {
      report(path, '{ identity } needs account.request (API-key integrations use the verification response)');
    }
    if ('input' in source) {
      const input = inputs.find((candidate) => candidate.id === source.input);
      if (!input) report(path, `input "${source.input}" is not declared (declared: ${declared})`);
      else if (input.secret)
        report(path, `input "${source.input}" is secret and must not be copied to providerData`);
    }
  };
  if (account.providerId) checkSource(account.providerId, ['account', 'providerId']);
  for (const [key, source] of Object.entries(account.providerData)) {
    checkSource(source, ['account', 'providerData', key]);
  }

  if (def.accountTypes) {
    const ids = def.accountTypes.map((accountType) => accountType.id);
    if (!ids.includes('default')) report(['accountTypes'], 'must include an account type with id "default"');
    def.accountTypes.forEach((accountType, index) => {
      const path = ['accountTypes', index] as const;
      if (ids.indexOf(accountType.id) !== index)
        report([...path, 'id'], `duplicate account type "${accountType.id}"`);
      const overrides = (['authorizationUrl', 'tokenUrl', 'revocationUrl'] as const).filter(
        (key) => accountType[key] !== undefined,
      );
      if (overrides.length > 0 && auth.type !== 'oauth2') {
        report(path, 'URL overrides are only meaningful for OAuth integrations');
      }
      if (accountType.revocationUrl !== undefined && auth.type === 'oauth2' && !auth.revocation) {
        report([...path, 'revocationUrl'], 'auth.revocation must be declared to override its URL');
      }
      for (const key of overrides) checkUrl(accountType[key] ?? '', [...path, key]);
    });
  }

  if (def.filePicker && auth.type !== 'oauth2') {
    report(['filePicker'], 'file pickers need an OAuth access token');
  }
  const domain = def.filePicker?.domain;
  if (domain) {
    if (!(domain.fromProviderData in account.providerData)) {
      report(
        ['filePicker', 'domain', 'fromProviderData'],
        `"${domain.fromProviderData}" is not declared in account.providerData`,
      );
    }
    const fallbackHost = URL.parse(domain.fallback)?.hostname;
    if (fallbackHost && !domain.hosts.some((pattern) => hostMatches(pattern, fallbackHost))) {
      report(
        ['filePicker', 'domain', 'fallback'],
        `host of "${domain.fallback}" is not covered by filePicker.domain.hosts (${domain.hosts.join(', ')})`,
      );
    }
  }
}

export const integrationDefinitionSchema = integrationDefinitionShape.superRefine((def, ctx) => {
  checkCrossReferences(def, (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message }));
});

export type IntegrationDefinition = z.infer<typeof integrationDefinitionSchema>;
/** What an integration file writes: defaults may be omitted. */
export type IntegrationDefinitionInput = z.input<typeof integrationDefinitionSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a catalog entry and returns it with defaults applied, deeply frozen (entries are shared by
 * every request). Throws an Error naming the entry and each bad path.
 */
export function defineIntegration(definition: IntegrationDefinitionInput): IntegrationDefinition {
  const result = integrationDefinitionSchema.safeParse(definition);
  if (!result.success) {
    const rawType: unknown = (definition as { type?: unknown }).type;
    const name = typeof rawType === 'string' && rawType !== '' ? `"${rawType}"` : '(missing type)';
    const problems = result.error.issues.map(
      (issue) => `  - ${issue.path.length > 0 ? formatPath(issue.path) : '(root)'}: ${issue.message}`,
    );
    throw new Error(`Invalid catalog entry ${name}:\n${problems.join('\n')}`);
  }
  return deepFreeze(result.data);
}
