import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/domain/secrets'
import spCertPem from '../fixtures/keys/sp.cert.pem?raw'
import { activeConnection, APP_CALLBACK, startLogin } from '../helpers/sso'
import { ORIGIN } from '../helpers/http'

async function verifyRedirectSignature(url: URL): Promise<boolean> {
  // SAML Bindings §3.4.4.1: the signature covers the raw query parameters in this order.
  const raw = url.search.slice(1).split('&')
  const get = (k: string) => raw.find((p) => p.startsWith(`${k}=`)) ?? ''
  const signed = [get('SAMLRequest'), get('RelayState'), get('SigAlg')].join('&')
  const der = Uint8Array.from(atob(spCertPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')), (c) => c.charCodeAt(0))
  const { parseCertificate } = await import('../../src/saml/certificate')
  const cert = parseCertificate(btoa(String.fromCharCode(...der)))
  const key = await crypto.subtle.importKey('spki', cert!.spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
  const sig = Uint8Array.from(atob(url.searchParams.get('Signature') ?? ''), (c) => c.charCodeAt(0))
  return crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, sig, new TextEncoder().encode(signed))
}

describe('GET /v1/saml/metadata/{id}.xml', () => {
  it('serves SP metadata with entity id, HTTP-POST ACS, NameID formats and the signing certificate', async () => {
    const { connection } = await activeConnection()
    const res = await SELF.fetch(connection.sp_metadata_url.replace(/^https?:\/\/[^/]+/, ORIGIN))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/samlmetadata+xml')
    const xml = await res.text()
    expect(xml).toContain(`entityID="${connection.sp_entity_id}"`)
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${connection.acs_url}"`)
    expect(xml).toContain('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress')
    expect(xml).toContain('AuthnRequestsSigned="true"')
    expect(xml).toContain(spCertPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''))
  })

  it('leaves the key out when request signing is off, and 404s for unknown ids', async () => {
    const { connection } = await activeConnection({ enable_request_signing: false })
    const xml = await (await SELF.fetch(`${ORIGIN}/v1/saml/metadata/${connection.id}.xml`)).text()
    expect(xml).toContain('AuthnRequestsSigned="false"')
    expect(xml).not.toContain('<md:KeyDescriptor use="signing">')
    expect((await SELF.fetch(`${ORIGIN}/v1/saml/metadata/samlc_0000000000000000000000000000.xml`)).status).toBe(404)
    expect((await SELF.fetch(`${ORIGIN}/v1/saml/metadata/..%2F..%2Fetc.xml`)).status).toBe(404)
  })
})

describe('GET /v1/saml/login', () => {
  it('redirects to the IdP with a deflated, signed AuthnRequest and stores the request in D1 under the RelayState\'s digest', async () => {
    const { connection } = await activeConnection({ force_authn: true })
    const { res, url, authnRequest, relayState, requestId } = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK, state: 'xyz' })
    expect(res.status).toBe(302)
    expect(`${url!.origin}${url!.pathname}`).toBe('https://idp.example.com/sso')
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${connection.acs_url}"`)
    expect(authnRequest).toContain(`<saml:Issuer>${connection.sp_entity_id}</saml:Issuer>`)
    expect(authnRequest).toContain('Destination="https://idp.example.com/sso"')
    expect(authnRequest).toContain('ForceAuthn="true"')
    expect(url!.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')
    expect(await verifyRedirectSignature(url!)).toBe(true)
    const row = await env.DB.prepare('SELECT payload FROM login_requests WHERE relay_state_hash = ?').bind(await sha256Hex(relayState!)).first<{ payload: string }>()
    expect(JSON.parse(row!.payload)).toMatchObject({ connectionId: connection.id, requestId, redirectUri: APP_CALLBACK, state: 'xyz' })
    // The RelayState itself is a bearer value: only its digest is kept.
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM login_requests WHERE relay_state_hash = ? OR payload LIKE ?').bind(relayState, `%${relayState}%`).first('n')).toBe(0)
  })

  it('sends an unsigned request when request signing is off', async () => {
    const { connection } = await activeConnection({ enable_request_signing: false })
    const { url } = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    expect(url!.searchParams.get('Signature')).toBeNull()
  })

  it('finds the connection by the email domain, honouring allow_subdomains', async () => {
    const { connection, instanceId, api } = await activeConnection({ domain: `corp-${crypto.randomUUID().slice(0, 6)}.com` })
    const ok = await startLogin({ instance_id: instanceId, email: `jane@${connection.domain}`, redirect_uri: APP_CALLBACK })
    expect(ok.res.status).toBe(302)
    const subdomain = { instance_id: instanceId, email: `jane@eu.${connection.domain}`, redirect_uri: APP_CALLBACK }
    expect((await startLogin(subdomain)).res.status).toBe(400)
    await api.update(connection.id, { allow_subdomains: true })
    expect((await startLogin(subdomain)).res.status).toBe(302)
    // another instance's domains are not searched
    const other = await activeConnection()
    expect((await startLogin({ instance_id: other.instanceId, email: `jane@${connection.domain}`, redirect_uri: APP_CALLBACK })).res.status).toBe(400)
  })

  it('reads the email domain as a DNS name: any case, a trailing dot, many labels deep', async () => {
    const { connection, instanceId } = await activeConnection({ domain: `corp-${crypto.randomUUID().slice(0, 6)}.com`, allow_subdomains: true })
    const login = (email: string) => startLogin({ instance_id: instanceId, email, redirect_uri: APP_CALLBACK })
    expect((await login(`Jane@EU.${connection.domain.toUpperCase()}.`)).res.status).toBe(302)
    expect((await login(`jane@${'a.'.repeat(12)}${connection.domain}`)).res.status).toBe(302)
    // a shared string suffix is not a subdomain
    expect((await login(`jane@evil${connection.domain}`)).res.status).toBe(400)
  })

  it('refuses a redirect URI that is not registered, an inactive connection, and an unknown one', async () => {
    const { connection, api } = await activeConnection()
    expect((await startLogin({ connection_id: connection.id, redirect_uri: 'https://evil.example.com/cb' })).res.status).toBe(400)
    await api.update(connection.id, { active: false })
    expect((await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })).res.status).toBe(400)
    expect((await startLogin({ connection_id: 'samlc_0000000000000000000000000000', redirect_uri: APP_CALLBACK })).res.status).toBe(400)
    expect((await startLogin({ connection_id: connection.id })).res.status).toBe(400)
  })
})

describe('GET /v1/saml/login: bad queries', () => {
  const login = (query: Record<string, string>) =>
    SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams(query)}`, { redirect: 'manual', headers: { accept: 'application/json' } })

  it.each([
    ['no redirect_uri', {}],
    ['an empty redirect_uri', { redirect_uri: '' }],
    ['a redirect_uri over 4096 characters', { redirect_uri: `https://app.example.com/${'a'.repeat(4096)}` }],
    ['neither connection_id nor instance_id and email', { redirect_uri: APP_CALLBACK }],
    ['a connection_id over 64 characters', { redirect_uri: APP_CALLBACK, connection_id: 'x'.repeat(65) }],
  ])('answers 400 invalid_request for %s, with no login started', async (_what, query) => {
    const res = await login(query)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
    expect(res.headers.get('location')).toBeNull()
  })
})
