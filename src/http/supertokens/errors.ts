import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppError, AppErrorCode, InputIssue } from '../../domain/errors'

/**
 * How the SuperTokens core answers: malformed requests get a plain-text body (served as
 * `text/html; charset=UTF-8` with a trailing newline, as the core's servlet does); expected business
 * outcomes are HTTP 200 JSON `{ status: "..._ERROR" }`. See docs/compat/supertokens.md.
 */
type Rendered = { kind: 'text'; status: ContentfulStatusCode; message: string } | { kind: 'status'; status: `${string}_ERROR` }

const text = (status: ContentfulStatusCode, message: string): Rendered => ({ kind: 'text', status, message })
const outcome = (status: `${string}_ERROR`): Rendered => ({ kind: 'status', status })

export const INVALID_METADATA = 'metadataXML does not have a valid SAML metadata'
/** The core's answer to a `samlResponse` that is not a SAML Response at all (empty, not XML, another root). */
const MALFORMED_SAML_RESPONSE = 'Invalid or malformed SAML response input'

/**
 * The core names the first bad field: `Field name '<f>' is invalid in JSON input`. Where we check
 * more than the core does (URL shape, defaultRedirectURI in redirectURIs), the schema's message is
 * a sentence starting with the field name and is used as it is; other details are appended.
 * The legacy endpoints read form fields and say `Missing form field: <f>` / `Invalid <f>`.
 */
function issueMessage(issue: InputIssue | undefined, where: 'body' | 'query' | 'form'): string {
  if (!issue) return where === 'form' ? 'Invalid form input' : 'Invalid Json Input'
  const field = issue.param.split('.')[0] || issue.param
  if (where === 'query') return issue.kind === 'missing' ? `Field name '${field}' is missing in GET request` : `Field name '${field}' is invalid in GET request`
  if (/^samlresponse$/i.test(field) && issue.kind === 'format') return MALFORMED_SAML_RESPONSE
  const own = issue.expected?.startsWith(`${field} `) ? issue.expected : null
  if (where === 'form') return own ?? (issue.kind === 'missing' ? `Missing form field: ${field}` : `Invalid ${field}`)
  const base = `Field name '${field}' is invalid in JSON input`
  if (issue.kind === 'missing' || issue.kind === 'type' || !issue.expected) return base
  return own ?? `${base}: ${issue.expected}`
}

/** Every domain error code decides its SuperTokens wire form here; a new code fails to compile until it does. */
const RENDER = {
  unauthenticated: () => text(401, 'Invalid API key'),
  malformed_credentials: () => text(401, 'Invalid API key'),
  forbidden: () => text(403, 'Only public tenantId can call this app specific API'),
  not_found: () => text(404, 'Not found'),
  malformed_body: () => text(400, 'Invalid Json Input'),
  unsupported_content_type: () => text(400, 'Invalid Json Input'),
  body_too_large: (e) => text(400, `Request body is larger than ${Number(e.opts.meta?.limit ?? 0) || 'the limit of'} bytes`),
  invalid_input: (e) => text(400, issueMessage(e.opts.issues?.[0], 'body')),
  invalid_query: (e) => text(400, issueMessage(e.opts.issues?.[0], 'query')),
  conflict: (e) =>
    e.opts.meta?.field === 'idp_entity_id' ? outcome('DUPLICATE_IDP_ENTITY_ERROR') : text(400, 'clientId is being written by another request; retry'),
  cannot_activate: () => text(400, INVALID_METADATA),
  idp_metadata_fetch_failed: () => text(400, 'Could not fetch metadata from the URL'),
  idp_metadata_invalid: () => text(400, INVALID_METADATA),
  metadata_url_missing: () => text(400, 'The client has no metadata URL'),
  invalid_client: () => outcome('INVALID_CLIENT_ERROR'),
  invalid_relay_state: () => outcome('INVALID_RELAY_STATE_ERROR'),
  invalid_token: () => outcome('INVALID_TOKEN_ERROR'),
  idp_login_disallowed: () => outcome('IDP_LOGIN_DISALLOWED_ERROR'),
  saml_response_rejected: () => outcome('SAML_RESPONSE_VERIFICATION_FAILED_ERROR'),
  rate_limited: () => text(429, 'Too many requests'),
  internal: () => text(500, 'Internal error'),
} satisfies Record<AppErrorCode, (e: AppError) => Rendered>

/** A core-style plain-text answer. */
export const supertokensText = (c: Context, status: ContentfulStatusCode, message: string): Response =>
  c.body(`${message}\n`, status, { 'Content-Type': 'text/html; charset=UTF-8' })

/** Core-style JSON: `application/json; charset=UTF-8`. */
const supertokensJson = (c: Context, body: unknown, status: ContentfulStatusCode = 200): Response =>
  c.json(body, status, { 'Content-Type': 'application/json; charset=UTF-8' })

/**
 * Renders an `AppError` the way the SuperTokens core would answer it. The legacy form endpoints
 * (`form`) name form fields, and send business outcomes as 400 text (`INVALID_TOKEN_ERROR`).
 */
export function renderSupertokensError(c: Context, e: AppError, dialect: 'core' | 'form' = 'core'): Response {
  const r = dialect === 'form' && e.code === 'invalid_input' ? text(400, issueMessage(e.opts.issues?.[0], 'form')) : RENDER[e.code](e)
  if (r.kind === 'text') return supertokensText(c, r.status, r.message)
  return dialect === 'form' ? supertokensText(c, 400, r.status) : supertokensJson(c, { status: r.status })
}
