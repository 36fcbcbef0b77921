import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import type { AppEnv } from '../env'

/** The cap on management API bodies (JSON and the legacy forms). */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * Hono's body limit, refusing in the app's own terms. A chunked body (no length to check first)
 * is counted as it is read and refused as soon as it passes the cap.
 */
export const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('body_too_large', { meta: { limit: maxSize } })
    },
  })

/**
 * A request body as UTF-8 text, as `Request.text()` decodes it. Read as bytes first: workerd warns
 * (a console line, costly where an inspector listens, as under wrangler dev) on every `text()` of a
 * body whose Content-Type is not a text type, such as every posted form.
 */
export const bodyText = async (req: Request): Promise<string> => new TextDecoder().decode(await req.arrayBuffer())

/** Both API styles' one rule for a JSON body: it parses, and it is an object (not an array, not a scalar). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AppError('malformed_body', { internal: String(e) })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('malformed_body', { internal: 'not an object' })
  return value as Record<string, unknown>
}

/**
 * Hands the checked body on to the route validator, labelled as the type it validates (the
 * validators read only bodies declared as what they expect).
 */
export function relabelBody(c: Context, contentType: string, body: string): void {
  const headers = new Headers(c.req.raw.headers)
  headers.set('content-type', contentType)
  headers.delete('content-length')
  c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers, body })
}

const isJson = (ct: string) => /^application\/([\w.-]+\+)?json$/i.test(ct.split(';')[0]?.trim() ?? '')

/**
 * The Clerk style's body: JSON under the cap. An empty body counts as `{}` (the Clerk SDK sends
 * none for empty params); anything else must be a JSON object sent as JSON.
 */
export const clerkJsonBody = [
  limitBody(MAX_BODY_BYTES),
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'DELETE') return next()
    const text = await bodyText(c.req.raw)
    const ct = c.req.header('content-type') ?? ''
    if (text.trim() === '') {
      relabelBody(c, 'application/json', '{}')
      return next()
    }
    if (ct && !isJson(ct)) throw new AppError('unsupported_content_type', { meta: { content_type: ct } })
    parseJsonObject(text)
    relabelBody(c, 'application/json', text)
    await next()
  }),
] as const
