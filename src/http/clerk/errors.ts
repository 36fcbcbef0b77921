import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppError, AppErrorCode, InputIssue } from '../../domain/errors'
import type { AppEnv } from '../env'

interface ClerkError {
  code: string
  message: string
  long_message: string
  meta?: Record<string, unknown>
}
type Rendered = { status: ContentfulStatusCode; errors: ClerkError[] }

/** Domain parameter names that differ from Clerk's wire names. */
const WIRE_PARAM: Record<string, string> = {
  idpCertificates: 'idp_certificate',
  idpSsoUrl: 'idp_sso_url',
  idpMetadataUrl: 'idp_metadata_url',
  redirectUris: 'redirect_uris',
  customAttributes: 'custom_attributes',
}
// Own keys only: a body key such as `__proto__` or `constructor` must not read Object.prototype.
const wireParam = (p: string) => (Object.hasOwn(WIRE_PARAM, p) ? (WIRE_PARAM[p] ?? p) : p)

function issueError(issue: InputIssue, where: 'body' | 'query'): ClerkError {
  const param = wireParam(issue.param)
  const meta = { param_name: param }
  if (where === 'query') {
    return { code: 'invalid_query_parameter_value', message: 'is invalid', long_message: `${param} has an invalid value${issue.expected ? ` (${issue.expected})` : ''}`, meta }
  }
  switch (issue.kind) {
    case 'missing':
      if (issue.expected?.startsWith('one_of:')) {
        const names = issue.expected.slice('one_of:'.length).split(',')
        return { code: 'form_param_missing', message: 'at least one parameter must be provided', long_message: `at least one of ${names.map((n) => `\`${n}\``).join(', ')} must be provided`, meta: { param_names: names } }
      }
      return { code: 'form_param_missing', message: 'is missing', long_message: `${param} must be included.`, meta }
    case 'type':
      return { code: 'form_param_type_invalid', message: 'is invalid', long_message: `\`${param}\` must be a \`${issue.expected ?? 'valid value'}\`.`, meta }
    case 'value':
      return { code: 'form_param_value_invalid', message: 'is invalid', long_message: `the value does not match one of the allowed values for parameter ${param}${issue.expected ? ` (${issue.expected})` : ''}`, meta }
    case 'unknown':
      return { code: 'form_param_unknown', message: 'is unknown', long_message: `${param} is not a valid parameter for this request.`, meta }
    case 'format':
      return { code: 'form_param_format_invalid', message: 'is invalid', long_message: `${param} is invalid${issue.expected ? `: ${issue.expected}` : ''}`, meta }
  }
}

const one = (status: ContentfulStatusCode, code: string, message: string, long_message: string, meta?: Record<string, unknown>): Rendered => ({
  status,
  errors: [{ code, message, long_message, ...(meta ? { meta } : {}) }],
})

const INVALID_KEY = 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.'

/** Every domain error code decides its Clerk wire form here; a new code fails to compile until it does. */
const RENDER = {
  unauthenticated: () => one(401, 'clerk_key_invalid', INVALID_KEY, INVALID_KEY),
  malformed_credentials: () =>
    one(401, 'authorization_header_format_invalid', 'Invalid Authorization header format', "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'"),
  forbidden: () => one(403, 'authorization_invalid', 'Unauthorized request', 'You are not authorized to perform this request'),
  not_found: () => one(404, 'resource_not_found', 'not found', 'Resource not found'),
  malformed_body: () => one(400, 'request_body_invalid', 'Request body invalid', 'The request body is invalid. Please consult the API documentation for more information.'),
  unsupported_content_type: () => one(415, 'unsupported_content_type', 'Content-Type is unsupported', 'The Content-Type of the request is unsupported. Use application/json.'),
  body_too_large: (e) => one(413, 'request_body_too_large', 'Request body too large', 'The request body exceeds the size limit.', { limit: e.opts.meta?.limit }),
  invalid_input: (e) => ({ status: 422, errors: (e.opts.issues ?? []).map((i) => issueError(i, 'body')) }),
  invalid_query: (e) => ({ status: 400, errors: (e.opts.issues ?? []).map((i) => issueError(i, 'query')) }),
  conflict: (e) => {
    const field = String(e.opts.meta?.field ?? 'id')
    if (field === 'organization_id') {
      return one(422, 'organization_already_has_sso_connection', 'this organization already has an SSO connection', 'This organization already has an SSO connection.', { param_name: 'organization_id' })
    }
    return one(422, 'form_identifier_exists', 'is taken', `${field === 'domain' ? 'One of the domains' : field} is already used by another SAML connection.`, { param_name: field })
  },
  cannot_activate: (e) => {
    const missing = (e.opts.meta?.missing as string[] | undefined) ?? []
    return one(422, 'saml_connection_cant_be_activated', "SAML Connection can't be activated", `You have to provide the ${missing.join(', ')} before you are able to activate this connection.`)
  },
  idp_metadata_fetch_failed: () =>
    one(400, 'saml_failed_to_fetch_idp_metadata', 'Failed to fetch IdP metadata', 'We failed to fetch the IdP metadata. If the error persists, please provide the IdP configuration data explicitly.', { param_name: 'idp_metadata_url' }),
  idp_metadata_invalid: () =>
    one(422, 'saml_failed_to_parse_idp_metadata', 'Failed to parse IdP metadata', 'We failed to parse the IdP metadata. If the error persists, please provide the IdP configuration data explicitly.'),
  metadata_url_missing: () =>
    one(422, 'saml_connection_idp_metadata_url_missing', 'no IdP metadata URL', 'This SAML connection has no idp_metadata_url to refresh its IdP metadata from. Set idp_metadata_url first.', { param_name: 'idp_metadata_url' }),
  invalid_client: () => one(422, 'form_param_value_invalid', 'is invalid', 'The connection or redirect URI is not valid for this request.'),
  invalid_relay_state: () => one(400, 'saml_relay_state_invalid', 'Invalid RelayState', 'The sign-in session is unknown or has expired.'),
  invalid_token: () => one(400, 'authorization_code_invalid', 'Invalid code', 'The authorization code is unknown, expired or already used.'),
  idp_login_disallowed: () => one(403, 'saml_idp_initiated_disallowed', 'IdP-initiated sign-in is disabled', 'This connection does not allow IdP-initiated sign-in.'),
  saml_response_rejected: () => one(400, 'saml_response_invalid', 'Invalid SAML response', 'The SAML response could not be verified.'),
  rate_limited: () => one(429, 'too_many_requests', 'Too many requests', 'Too many requests. Try again later.'),
  internal: () => one(500, 'internal_clerk_error', 'Oops, an unexpected error occurred', 'Oops, an unexpected error occurred'),
} satisfies Record<AppErrorCode, (e: AppError) => Rendered>

/** Renders an `AppError` in Clerk's `{errors, meta, clerk_trace_id}` envelope. */
export function renderClerkError(c: Context<AppEnv>, e: AppError): Response {
  const { status, errors } = RENDER[e.code](e)
  return c.json({ errors, meta: {}, clerk_trace_id: c.var.requestId ?? '' }, status)
}
