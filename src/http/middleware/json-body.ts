import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import { readCappedText } from '../../services/read-capped'
import type { AppEnv } from '../env'

// Hono caches each body read as a promise; seeding it lets the zod validators parse our checked copy.
const setCachedText = (req: { bodyCache: object }, text: string) => {
  ;(req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text)
}

export const MAX_BODY_BYTES = 1024 * 1024

const isJson = (ct: string) => /^application\/([\w.-]+\+)?json$/i.test(ct.split(';')[0]?.trim() ?? '')

/**
 * Reads a JSON body once, with a size cap, and hands the validators a parsed copy.
 * An empty body counts as `{}` (the Clerk SDK sends none for empty params); a body that is
 * not a JSON object is refused here, so every style renders the refusal its own way.
 */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'DELETE') return next()
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  const text = await readCappedText(c.req.raw.clone().body, MAX_BODY_BYTES)
  if (text === null) throw new AppError('body_too_large', { meta: { limit: MAX_BODY_BYTES } })
  const ct = c.req.header('content-type') ?? ''
  if (text.trim() === '') {
    setCachedText(c.req, '{}')
    return next()
  }
  if (ct && !isJson(ct)) throw new AppError('unsupported_content_type', { meta: { content_type: ct } })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AppError('malformed_body', { internal: String(e) })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('malformed_body', { internal: 'not an object' })
  setCachedText(c.req, text)
  await next()
})
