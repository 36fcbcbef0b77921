import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import { authenticateKey } from '../../services/api-keys'
import type { AppEnv } from '../env'

/** `Authorization: Bearer <secret key>` selects the instance. */
export const clerkAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const m = header.match(/^Bearer\s+(\S+)\s*$/i)
  if (!m?.[1]) throw new AppError('malformed_credentials')
  const owner = await authenticateKey(c.var.deps, 'clerk_secret_key', m[1])
  if (!owner) throw new AppError('unauthenticated')
  c.set('principal', owner)
  await next()
})
