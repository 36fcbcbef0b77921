import type { Context } from 'hono'
import type { AppError } from '../domain/errors'
import { renderBrowserError } from './browser/errors'
import { renderClerkError } from './clerk/errors'
import type { AppEnv } from './env'
import { errorStyleOf, type ErrorStyle } from './error-style'
import { renderSupertokensError } from './supertokens/errors'
import { toAppError } from './to-app-error'

/**
 * One log line per refusal, in every style: the code that went on the wire and the precise
 * internal reason, which never does. Internal errors were logged in full by `toAppError`.
 */
function logRefusal(c: Context<AppEnv>, style: ErrorStyle, err: AppError): void {
  if (err.code === 'internal') return
  const reason = err.opts.internal === undefined ? undefined : JSON.stringify(err.opts.internal)
  c.var.deps?.log.warn('refusal', { style, code: err.code, reason })
}

/** Writes an error in the envelope of the style the path speaks. */
function renderError(c: Context<AppEnv>, style: ErrorStyle, err: AppError): Response {
  switch (style) {
    case 'clerk':
      return renderClerkError(c, err)
    case 'supertokens':
      return renderSupertokensError(c, err, 'core')
    case 'supertokens-form':
      return renderSupertokensError(c, err, 'form')
    case 'browser':
      return renderBrowserError(c, err)
    case 'plain':
      return c.json({ error: err.code }, err.code === 'internal' ? 500 : err.code === 'not_found' ? 404 : 400)
  }
}

/** The root app's `onError` and `notFound`: every error of every style is answered here. */
export function answerError(e: unknown, c: Context<AppEnv>): Response {
  const style = errorStyleOf(c.req.path)
  const err = toAppError(e, c.var.deps?.log)
  logRefusal(c, style, err)
  return renderError(c, style, err)
}
