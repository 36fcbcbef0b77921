import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import { readCappedText } from '../../services/read-capped'
import { MAX_BODY_BYTES } from '../middleware/json-body'
import type { StEnv } from './auth'

/** The body as text, refused when it is (or says it is) over the cap. */
async function readBodyText(req: Request): Promise<string> {
  const tooLarge = () => new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  if (Number(req.headers.get('content-length') ?? '0') > MAX_BODY_BYTES) throw tooLarge()
  const text = await readCappedText(req.body, MAX_BODY_BYTES)
  if (text === null) throw tooLarge()
  return text
}

/** Hands the checked body on to the route validator, labelled as the type it validates. */
function replaceBody(req: Request, contentType: string, body: string): Request {
  const headers = new Headers(req.headers)
  headers.set('content-type', contentType)
  return new Request(req.url, { method: req.method, headers, body })
}

/**
 * Reads a SuperTokens request body the way the core does: always as JSON, whatever the
 * Content-Type says, and it must be a JSON object (an empty body is not one). The checked text is
 * handed to the route validator, which only reads bodies declared as JSON, so the request is
 * re-labelled as `application/json`.
 */
export const supertokensJsonBody = createMiddleware<StEnv>(async (c, next) => {
  if (c.req.method !== 'POST' && c.req.method !== 'PUT') return next()
  const text = await readBodyText(c.req.raw)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AppError('malformed_body', { internal: String(e) })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('malformed_body', { internal: 'not an object' })
  c.req.raw = replaceBody(c.req.raw, 'application/json', text)
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
  const text = await readBodyText(c.req.raw)
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const form = new URLSearchParams()
  if (type === 'application/x-www-form-urlencoded' || !type) {
    const given = new URLSearchParams(text)
    for (const [name, value] of given) {
      const canonical = FORM_ALIASES[name] ?? name
      if (value.trim() !== '' && !(canonical !== name && given.has(canonical))) form.append(canonical, value)
    }
  }
  c.req.raw = replaceBody(c.req.raw, 'application/x-www-form-urlencoded', form.toString())
  await next()
})
