/**
 * The limit on ACS posts (wrangler.toml `[[ratelimits]]`): per connection only, since an IdP posts
 * for many users from few addresses; in each style. Login starts: test/login/rate-limits.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { expectBrowserRefusal, expectCoreRefusal, newAddress, PER_ADDRESS, PER_CONNECTION, production, RATE_LIMIT_TIMEOUT, request, untilRefused } from '../helpers/rate-limits'
import { activeConnection } from '../helpers/sso'
import { captureLogs } from '../helpers/wire'
import { LEGACY, legacyClient } from '../supertokens/legacy.helpers'

captureLogs()

describe('rate limits outside development', () => {
  it('POST /v1/saml/acs/{id} counts per connection only: one address posts past the address limit', async () => {
    const { connection } = await activeConnection()
    const address = newAddress()
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, () => request(production, `/v1/saml/acs/${connection.id}`, { method: 'POST', address, form: '' }))
    expectBrowserRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
    expect(allowed).toBeGreaterThan(2 * PER_ADDRESS.limit)
    // The refused post changed nothing another connection's ACS depends on.
    const other = await activeConnection()
    expect((await request(production, `/v1/saml/acs/${other.connection.id}`, { method: 'POST', address, form: '' })).status).toBe(400)
  }, RATE_LIMIT_TIMEOUT)

  it('POST /recipe/saml/legacy/callback refuses past the limit of the instance it names, as core-style text', async () => {
    const c = await legacyClient()
    const address = newAddress()
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, () =>
      request(production, `${LEGACY}/callback?instance_id=${c.instanceId}`, { method: 'POST', address, form: '' }),
    )
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
  }, RATE_LIMIT_TIMEOUT)
})
