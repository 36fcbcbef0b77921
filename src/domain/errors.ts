/** What went wrong with one input field, independent of any API style. */
export type InputIssueKind = 'missing' | 'type' | 'value' | 'format' | 'unknown'
export interface InputIssue {
  param: string
  kind: InputIssueKind
  /** Expected type or allowed values, for the long message. */
  expected?: string
}

/**
 * The only error type that reaches HTTP. Codes say what happened in our domain; each API style
 * maps every code to its own wire shape (see `http/<style>/errors.ts`).
 */
export type AppErrorCode =
  | 'unauthenticated'
  | 'malformed_credentials'
  | 'forbidden'
  | 'not_found'
  | 'malformed_body'
  | 'unsupported_content_type'
  | 'body_too_large'
  | 'invalid_input'
  | 'invalid_query'
  | 'conflict'
  | 'cannot_activate'
  | 'idp_metadata_fetch_failed'
  | 'idp_metadata_invalid'
  /** Refreshing metadata, of a connection that has no metadata URL to refresh from. */
  | 'metadata_url_missing'
  | 'invalid_client'
  | 'invalid_relay_state'
  | 'invalid_token'
  | 'idp_login_disallowed'
  | 'saml_response_rejected'
  /** Too many sign-in requests for one connection or client address; see `http/middleware/rate-limit.ts`. */
  | 'rate_limited'
  | 'internal'

export interface AppErrorOptions {
  /** Field-level problems, safe to show on the wire. */
  issues?: InputIssue[]
  /** Extra facts safe to show on the wire (e.g. which unique field conflicted). */
  meta?: Record<string, unknown>
  /** Logged, never sent. */
  internal?: unknown
  cause?: unknown
}

export class AppError extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly code: AppErrorCode,
    readonly opts: AppErrorOptions = {},
  ) {
    super(code, opts.cause === undefined ? undefined : { cause: opts.cause })
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
