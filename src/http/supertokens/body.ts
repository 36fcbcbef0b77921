import { createMiddleware } from 'hono/factory'
import { bodyText, limitBody, MAX_BODY_BYTES, parseJsonObject, relabelBody } from '../middleware/body'
import type { StEnv } from './auth'

/**
 * Reads a SuperTokens request body the way the core does: always as JSON, whatever the
 * Content-Type says, and it must be a JSON object (an empty body is not one).
 */
export const supertokensJsonBody = [
  limitBody(MAX_BODY_BYTES),
  createMiddleware<StEnv>(async (c, next) => {
    if (c.req.method !== 'POST' && c.req.method !== 'PUT') return next()
    const text = await bodyText(c.req.raw)
    parseJsonObject(text)
    relabelBody(c, 'application/json', text)
    await next()
  }),
] as const

/** Form fields the core reads under two spellings; the second is folded into the first. */
const FORM_ALIASES: Record<string, string> = { samlResponse: 'SAMLResponse', relayState: 'RelayState' }

/**
 * Reads a legacy endpoint's urlencoded form with the same cap as JSON bodies. As in the core, a
 * blank field counts as missing, `samlResponse`/`relayState` stand for `SAMLResponse`/`RelayState`,
 * and a body of another type has no form fields. The cleaned form goes on to the route validator.
 */
export const supertokensFormBody = [
  limitBody(MAX_BODY_BYTES),
  createMiddleware<StEnv>(async (c, next) => {
    const text = await bodyText(c.req.raw)
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    const form = new URLSearchParams()
    if (type === 'application/x-www-form-urlencoded' || !type) {
      const given = new URLSearchParams(text)
      for (const [name, value] of given) {
        const canonical = FORM_ALIASES[name] ?? name
        if (value.trim() !== '' && !(canonical !== name && given.has(canonical))) form.append(canonical, value)
      }
    }
    relabelBody(c, 'application/x-www-form-urlencoded', form.toString())
    await next()
  }),
] as const
