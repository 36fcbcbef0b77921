import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import { readCappedText } from '../../services/read-capped'
import { MAX_BODY_BYTES } from '../middleware/json-body'
import type { StEnv } from './auth'

/**
 * Reads a SuperTokens request body the way the core does: always as JSON, whatever the
 * Content-Type says, and it must be a JSON object (an empty body is not one). The checked text is
 * handed to the route validator, which only reads bodies declared as JSON, so the request is
 * re-labelled as `application/json`.
 */
export const supertokensJsonBody = createMiddleware<StEnv>(async (c, next) => {
  if (c.req.method !== 'POST' && c.req.method !== 'PUT') return next()
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  const text = await readCappedText(c.req.raw.body, MAX_BODY_BYTES)
  if (text === null) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AppError('malformed_body', { internal: String(e) })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('malformed_body', { internal: 'not an object' })

  const headers = new Headers(c.req.raw.headers)
  headers.set('content-type', 'application/json')
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: text })
  await next()
})

/** Form fields the core reads under two spellings; the second is folded into the first. */
const FORM_ALIASES: Record<string, string> = { samlResponse: 'SAMLResponse', relayState: 'RelayState' }

/**
 * Reads a legacy endpoint's urlencoded form with the same cap as JSON bodies. As in the core, a
 * blank field counts as missing, `samlResponse`/`relayState` stand for `SAMLResponse`/`RelayState`,
 * and a body of another type has no form fields. The cleaned form goes on to the route validator.
 */
export const supertokensFormBody = createMiddleware<StEnv>(async (c, next) => {
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  const text = await readCappedText(c.req.raw.body, MAX_BODY_BYTES)
  if (text === null) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const form = new URLSearchParams()
  if (type === 'application/x-www-form-urlencoded' || !type) {
    const given = new URLSearchParams(text)
    for (const [name, value] of given) {
      const canonical = FORM_ALIASES[name] ?? name
      if (value.trim() !== '' && !(canonical !== name && given.has(canonical))) form.append(canonical, value)
    }
  }
  const headers = new Headers(c.req.raw.headers)
  headers.set('content-type', 'application/x-www-form-urlencoded')
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: form.toString() })
  await next()
})
