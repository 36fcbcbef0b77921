import { HTTPException } from 'hono/http-exception'
import { AppError } from '../domain/errors'
import type { Logger } from '../services/deps'

/**
 * Normalizes anything thrown while serving a request into an `AppError`. Hono's own
 * exceptions map by status; anything unexpected becomes `internal` and is logged in full.
 */
export function toAppError(e: unknown, log?: Logger): AppError {
  if (e instanceof AppError) {
    if (e.code === 'internal') log?.error('internal_error', { error: String(e.opts.internal ?? e.opts.cause ?? e) })
    return e
  }
  if (e instanceof HTTPException) {
    if (e.status === 415) return new AppError('unsupported_content_type')
    if (e.status === 413) return new AppError('body_too_large')
    if (e.status === 404) return new AppError('not_found')
    if (e.status >= 400 && e.status < 500) return new AppError('malformed_body', { internal: e.message })
  }
  log?.error('internal_error', { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) })
  return new AppError('internal', { internal: e })
}
