import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import type { Scope } from '../../domain/saml-connection'
import { authenticateKey } from '../../services/api-keys'
import type { AppEnv } from '../env'
import { checkCdiVersion } from './cdi-version'
import { isLegacyPath, parseSupertokensPath } from './paths'

/** The legacy endpoints' context: the app from the path, and the instance of an api key if one was sent. */
export interface LegacyEnv {
  Bindings: AppEnv['Bindings']
  Variables: AppEnv['Variables'] & { legacy: { appId: string; keyInstanceId: string | null } }
}

/** The SuperTokens sub-app's context: the root's variables plus the (instance, app, tenant) in use. */
export interface StEnv {
  Bindings: AppEnv['Bindings']
  Variables: AppEnv['Variables'] & { scope: Scope }
}

/**
 * The key the core reads: `api-key`, or failing that `Authorization`, as `Bearer <key>` (prefix
 * in any case) or as the bare key.
 */
function presentedApiKey(headers: { header(name: string): string | undefined }): string | null {
  const apiKey = headers.header('api-key')
  if (apiKey !== undefined) return apiKey.trim()
  const authorization = headers.header('authorization')
  if (authorization === undefined) return null
  return (/^bearer /i.test(authorization) ? authorization.slice('bearer '.length) : authorization).trim()
}

/** Whether a core endpoint needs an api key, takes one when sent, or never reads one. */
export type KeyRule = 'required' | 'optional' | 'ignored'

export interface CoreRequestScope {
  appId: string
  tenantId: string
  /** The instance of the api key presented; null when none was (allowed by `optional` and `ignored`). */
  keyInstanceId: string | null
}

/**
 * The one resolver of who a SuperTokens core request speaks for, in the core's order: app and
 * tenant from the path, then the api key, then `cdi-version`. A key must belong to the app named
 * in the path; a key of another app is refused exactly like a wrong key.
 */
export async function resolveCoreScope<E extends AppEnv>(c: Context<E>, path: string, rule: 'required'): Promise<CoreRequestScope & { keyInstanceId: string }>
export async function resolveCoreScope<E extends AppEnv>(c: Context<E>, path: string, rule: KeyRule): Promise<CoreRequestScope>
export async function resolveCoreScope<E extends AppEnv>(c: Context<E>, path: string, rule: KeyRule): Promise<CoreRequestScope> {
  const scope = parseSupertokensPath(path)
  if (!scope) throw new AppError('not_found')
  const key = rule === 'ignored' ? null : presentedApiKey(c.req)
  let keyInstanceId: string | null = null
  if (rule === 'required' || key !== null) {
    const owner = key ? await authenticateKey(c.var.deps, 'supertokens_api_key', key) : null
    if (!owner || owner.appId !== scope.appId) throw new AppError('unauthenticated')
    keyInstanceId = owner.instanceId
  }
  checkCdiVersion(c.req.header('cdi-version'), scope.tenantId)
  return { appId: scope.appId, tenantId: scope.tenantId, keyInstanceId }
}

/** The scope of the key-authenticated core APIs (management, login flow); legacy paths resolve their own. */
export const supertokensScope = createMiddleware<StEnv>(async (c, next) => {
  if (isLegacyPath(c.req.path)) return next()
  const { appId, tenantId, keyInstanceId } = await resolveCoreScope(c, c.req.path, 'required')
  c.set('scope', { instanceId: keyInstanceId, appId, tenantId })
  await next()
})
