import { emailDomainOf } from '../../domain/email-domain'
import { normalizeDomain } from '../../domain/fields'
import type { AppEnv } from '../env'
import { perAddress, rateLimit, rateLimitKey } from '../middleware/rate-limit'

/**
 * `GET /v1/saml/login`: per client address, then per connection: the one named, or the instance and
 * email domain that choose it (the connection itself is known only after a lookup).
 */
export const browserLoginLimit = rateLimit<AppEnv>(perAddress(), {
  limit: 'per_connection',
  key: (c) => {
    const connectionId = c.req.query('connection_id')
    if (connectionId) return rateLimitKey('login', connectionId)
    const instanceId = c.req.query('instance_id')
    const domain = emailDomainOf(c.req.query('email') ?? '')
    if (!instanceId || !domain) return null
    return rateLimitKey('login-email', instanceId, normalizeDomain(domain))
  },
})

/** `POST /v1/saml/acs/{id}`: per connection only; a whole company may sign in through one NAT address. */
export const browserAcsLimit = rateLimit<AppEnv>({ limit: 'per_connection', key: (c) => rateLimitKey('acs', c.req.param('id') ?? '') })
