import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppError, AppErrorCode } from '../../domain/errors'
import type { AppEnv } from '../env'
import { escapeXml } from '../../saml'

type Rendered = { status: ContentfulStatusCode; error: string; description: string }
const r = (status: ContentfulStatusCode, error: string, description: string): Rendered => ({ status, error, description })

/**
 * The wire form of every domain error on the endpoints browsers and IdPs call. Messages stay
 * generic (a prober learns nothing); the precise reason is in the log with the request id.
 */
const RENDER: Record<AppErrorCode, (e: AppError) => Rendered> = {
  unauthenticated: () => r(401, 'invalid_client', 'Client authentication failed.'),
  malformed_credentials: () => r(401, 'invalid_client', 'Client authentication failed.'),
  forbidden: () => r(403, 'access_denied', 'Not allowed.'),
  not_found: () => r(404, 'not_found', 'Not found.'),
  malformed_body: () => r(400, 'invalid_request', 'The request is malformed.'),
  unsupported_content_type: () => r(415, 'invalid_request', 'Unsupported content type.'),
  body_too_large: () => r(413, 'invalid_request', 'The request is too large.'),
  invalid_input: () => r(400, 'invalid_request', 'A parameter is missing or invalid.'),
  invalid_query: () => r(400, 'invalid_request', 'A parameter is missing or invalid.'),
  conflict: () => r(409, 'conflict', 'Conflict.'),
  cannot_activate: () => r(400, 'invalid_request', 'The connection is not active.'),
  idp_metadata_fetch_failed: () => r(400, 'invalid_request', 'IdP metadata could not be fetched.'),
  idp_metadata_invalid: () => r(400, 'invalid_request', 'IdP metadata is invalid.'),
  metadata_url_missing: () => r(400, 'invalid_request', 'The connection has no IdP metadata URL.'),
  invalid_client: () => r(400, 'invalid_client', 'The connection or redirect URI is not valid for this sign-in.'),
  invalid_relay_state: () => r(400, 'invalid_request', 'The sign-in session is unknown or has expired.'),
  invalid_token: () => r(400, 'invalid_grant', 'The code is unknown, expired or already used.'),
  idp_login_disallowed: () => r(403, 'access_denied', 'This connection does not allow sign-in started at the identity provider.'),
  saml_response_rejected: () => r(400, 'invalid_saml_response', 'The SAML response could not be verified.'),
  // RFC 6749 §4.1.2.1: the OAuth code for a server that cannot answer now.
  rate_limited: () => r(429, 'temporarily_unavailable', 'Too many sign-in attempts. Try again in a minute.'),
  internal: () => r(500, 'server_error', 'Something went wrong on our side.'),
}

export function renderBrowserError(c: Context<AppEnv>, e: AppError): Response {
  const { status, error, description } = RENDER[e.code](e)
  const wantsJson = (c.req.header('accept') ?? '').includes('application/json') || c.req.path.endsWith('/token')
  if (wantsJson) return c.json({ error, error_description: description, request_id: c.var.requestId }, status)
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>${escapeXml(description)}</p><p><code>${escapeXml(error)}</code> · request <code>${escapeXml(c.var.requestId ?? '')}</code></p></body></html>`,
    status,
  )
}
