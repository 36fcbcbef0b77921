import { describe, expect, it } from 'vitest'
import { clientBody, newApp, newTenantId, stClient } from './helpers'
import { acsFor, callback, CALLBACK, codeOf, idpResponse, login, loginAndAnswer, spEntityIdOf, tenantWithClient, userInfo } from './login-flow.helpers'

/** The same API key used under another tenant prefix. */
const inTenant = (apiKey: string, tenantId: string) => ({ st: stClient(apiKey, `/${tenantId}`) })

describe('tenant isolation of the login flow', () => {
  it('a relay state of tenant A is INVALID_RELAY_STATE_ERROR in tenant B, and still works in A afterwards', async () => {
    const a = await tenantWithClient({ tenantId: newTenantId() })
    const { relayState, samlResponse } = await loginAndAnswer(a)
    const b = inTenant(a.apiKey, newTenantId())
    expect((await callback(b, { samlResponse, relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
    expect((await callback(inTenant(a.apiKey, 'public'), { samlResponse, relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
    expect((await callback(a, { samlResponse, relayState })).body.status).toBe('OK')
  })

  it('a relay state of one instance is INVALID_RELAY_STATE_ERROR with another instance\'s key', async () => {
    const a = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(a)
    const other = await newApp()
    expect((await callback({ st: stClient(other.apiKey) }, { samlResponse, relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
    expect((await callback(a, { samlResponse, relayState })).body.status).toBe('OK')
  })

  it('a code of tenant A is INVALID_TOKEN_ERROR in tenant B (even for a client of the same id there), and still redeems in A', async () => {
    const a = await tenantWithClient({ tenantId: newTenantId(), client: { clientId: 'same-id' } })
    const b = await tenantWithClient({ tenantId: newTenantId(), app: a, client: { clientId: 'same-id' } })
    const { relayState, samlResponse } = await loginAndAnswer(a)
    const { code } = codeOf((await callback(a, { samlResponse, relayState })).body.redirectURI)
    expect((await userInfo(b, { accessToken: code, clientId: 'same-id' })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect((await userInfo(inTenant(a.apiKey, 'public'), { accessToken: code, clientId: 'same-id' })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect((await userInfo(a, { accessToken: code, clientId: 'same-id' })).body.status).toBe('OK')
  })

  it('a code is INVALID_TOKEN_ERROR with another instance\'s key', async () => {
    const a = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(a)
    const { code } = codeOf((await callback(a, { samlResponse, relayState })).body.redirectURI)
    const other = await newApp()
    expect((await userInfo({ st: stClient(other.apiKey) }, { accessToken: code, clientId: a.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect((await userInfo(a, { accessToken: code, clientId: a.clientId })).body.status).toBe('OK')
  })

  it('an IdP-initiated response is routed only to a client of the tenant it is posted to', async () => {
    const a = await tenantWithClient({ tenantId: newTenantId(), client: { allowIDPInitiatedLogin: true } })
    const samlResponse = idpResponse({ entityId: a.entityId, spEntityId: a.spEntityId, acsUrl: acsFor(a.tenantId), inResponseTo: null })
    expect((await callback(inTenant(a.apiKey, newTenantId()), { samlResponse })).body).toEqual({ status: 'INVALID_CLIENT_ERROR' })
    expect((await callback(a, { samlResponse })).body.status).toBe('OK')
  })

  it('two tenants may share an IdP; each client has its own SP entity id, so one tenant\'s assertion fails in the other', async () => {
    const a = await tenantWithClient({ tenantId: newTenantId(), client: { allowIDPInitiatedLogin: true } })
    const tenantB = newTenantId()
    const st = stClient(a.apiKey, `/${tenantB}`)
    const put = await st.put(clientBody({ clientId: 'b', redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, allowIDPInitiatedLogin: true }, { entityId: a.entityId }))
    expect(put.body.status).toBe('OK')
    expect(await spEntityIdOf('b', tenantB)).not.toBe(a.spEntityId)
    // Addressed to tenant B's callback, but to tenant A's SP entity id.
    const samlResponse = idpResponse({ entityId: a.entityId, spEntityId: a.spEntityId, acsUrl: acsFor(tenantB), inResponseTo: null })
    expect((await callback({ st }, { samlResponse })).body).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })
  })

  it('serves the flow under an app prefix, with that app\'s key only', async () => {
    const { apiKey } = await newApp({ appId: 'acme' })
    const st = stClient(apiKey, '/appid-acme/t1')
    const put = await st.put(clientBody({ clientId: 'acme-client', redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK }))
    expect(put.body.status).toBe('OK')
    const c = { apiKey, st, tenantId: 't1', clientId: 'acme-client', entityId: '', spEntityId: '' }
    const started = await login(c as Parameters<typeof login>[0])
    expect(started.authnRequest).toContain(`AssertionConsumerServiceURL="${acsFor('t1')}"`)
    const noApp = await stClient(apiKey, '/t1').call('POST', '/recipe/saml/login', { clientId: 'acme-client', redirectURI: CALLBACK, acsURL: acsFor('t1') })
    expect(noApp.status).toBe(401)
  })
})
