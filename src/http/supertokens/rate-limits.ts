import { DEFAULT_TENANT_ID } from './paths'
import type { LegacyEnv, StEnv } from './auth'
import { clientAddressKey, rateLimit, rateLimitKey } from '../middleware/rate-limit'

/** One counter per client, whichever endpoint starts its logins: the client id is unique only in its tenant. */
const clientLoginKey = (appId: string, instanceId: string, tenantId: string, clientId: string) => rateLimitKey('login-st', appId, instanceId, tenantId, clientId)

/**
 * `GET /recipe/saml/legacy/authorize`: per client address when no api key was sent (a browser; a
 * backend's valid key was checked before this runs), then per client.
 */
export const legacyAuthorizeLimit = rateLimit<LegacyEnv>(
  { limit: 'per_address', key: (c) => (c.var.legacy.keyInstanceId === null ? clientAddressKey(c) : null) },
  {
    limit: 'per_connection',
    key: (c) => {
      const instanceId = c.var.legacy.keyInstanceId ?? c.req.query('instance_id')
      const clientId = c.req.query('client_id')
      return instanceId && clientId ? clientLoginKey(c.var.legacy.appId, instanceId, DEFAULT_TENANT_ID, clientId) : null
    },
  },
)

/**
 * `POST /recipe/saml/legacy/callback`: its connection is known only once the response has been
 * read, so the counter is the app and instance the request names (none: the app's own counter).
 */
export const legacyCallbackLimit = rateLimit<LegacyEnv>({
  limit: 'per_connection',
  key: (c) => rateLimitKey('acs-st-legacy', c.var.legacy.appId, c.var.legacy.keyInstanceId ?? c.req.query('instance_id') ?? ''),
})

/**
 * `POST /recipe/saml/login`: api-key authenticated, but an app backend calls it for every browser
 * its own login endpoint sees, all from the backend's address: per client only. Runs after the body
 * has been checked as a JSON object.
 */
export const loginLimit = rateLimit<StEnv>({
  limit: 'per_connection',
  key: async (c) => {
    const clientId: unknown = ((await c.req.json()) as Record<string, unknown>).clientId
    const { appId, instanceId, tenantId } = c.var.scope
    return typeof clientId === 'string' ? clientLoginKey(appId, instanceId, tenantId, clientId) : null
  },
})
