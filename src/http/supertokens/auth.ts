import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import type { Scope } from '../../domain/saml-connection'
import { authenticateKey } from '../../services/api-keys'
import type { AppEnv } from '../env'
import { checkCdiVersion } from './cdi-version'
import { isLegacyPath, parseSupertokensPath } from './paths'

/** The SuperTokens sub-app's context: the root's variables plus the (instance, app, tenant) in use. */
/** The legacy endpoints' context: the app from the path, and the instance of an api key if one was sent. */
export interface LegacyEnv {
  Bindings: AppEnv['Bindings']
  Variables: AppEnv['Variables'] & { legacy: { appId: string; keyInstanceId: string | null } }
}

export interface StEnv {
  Bindings: AppEnv['Bindings']
  Variables: AppEnv['Variables'] & { scope: Scope }
}

/**
 * The key the core reads: `api-key`, or failing that `Authorization`, as `Bearer <key>` (prefix
 * in any case) or as the bare key.
 */
export function presentedApiKey(headers: { header(name: string): string | undefined }): string | null {
  const apiKey = headers.header('api-key')
  if (apiKey !== undefined) return apiKey.trim()
  const authorization = headers.header('authorization')
  if (authorization === undefined) return null
  return (/^bearer /i.test(authorization) ? authorization.slice('bearer '.length) : authorization).trim()
}

/**
 * Resolves the scope of a SuperTokens core request in the core's order: path, API key, then
 * `cdi-version`. The key picks the instance and must belong to the app named in the path;
 * a key of another app is refused exactly like a wrong key.
 */
export const supertokensScope = createMiddleware<StEnv>(async (c, next) => {
  if (isLegacyPath(c.req.path)) return next()
  const path = parseSupertokensPath(c.req.path)
  if (!path) throw new AppError('not_found')

  const key = presentedApiKey(c.req)
  const owner = key ? await authenticateKey(c.var.deps, 'supertokens_api_key', key) : null
  if (!owner || owner.appId !== path.appId) throw new AppError('unauthenticated')

  checkCdiVersion(c.req.header('cdi-version'), path.tenantId)
  c.set('principal', owner)
  c.set('scope', { instanceId: owner.instanceId, appId: path.appId, tenantId: path.tenantId })
  await next()
})
