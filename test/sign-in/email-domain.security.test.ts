/**
 * A connection's IdP signs in only users of the connection's domains, on every sign-in path: the
 * Clerk-style ACS, the SuperTokens callback and the legacy callback. The value checked is the one
 * that becomes `email_address` (mapped attribute, a default attribute name, or the NameID).
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { activeConnection, exchange, postToAcs, signedResponseXmlFor } from '../helpers/sso'
import { toBase64, type ResponseOptions } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'
import { acsFor, callback, CALLBACK, codeOf, idpResponse, loginAndAnswer, tenantWithClient, userInfo } from '../supertokens/login-flow.helpers'
import { authorize, LEGACY, legacyClient, plain } from '../supertokens/legacy.helpers'
import { clerkClient } from '../helpers/clerk'
import { storeKey } from '../helpers/store'

const logs = captureLogs()
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
const UPN_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'
const user = (email: string, extra: Partial<ResponseOptions> = {}): Partial<ResponseOptions> => ({ nameId: email, nameIdFormat: EMAIL_FORMAT, attributes: { email: [email] }, ...extra })

/** Clerk-style connection for acme.com (IdP-initiated allowed), and a way to post its IdP's answer. */
async function acme(overrides: Record<string, unknown> = {}) {
  const c = await activeConnection({ domain: 'acme.com', domains: [], allow_idp_initiated: true, attribute_mapping: {}, ...overrides })
  const post = (extra: Partial<ResponseOptions>) =>
    postToAcs(c.connection.id, toBase64(signedResponseXmlFor(c.connection as { sp_entity_id: string; acs_url: string }, c.entityId, null, extra)))
  return { ...c, post }
}

const codes = async (connectionId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_codes WHERE json_extract(payload, '$.connectionId') = ?").bind(connectionId).first<{ n: number }>())?.n

describe('Clerk-style ACS: the email must be in the connection\'s domains', () => {
  const refused: [string, Partial<ResponseOptions>][] = [
    ['another company', user('ceo@othercorp.com')],
    ['a look-alike suffix', user('ceo@evilacme.com')],
    ['the domain as a label prefix', user('ceo@acme.com.evil.com')],
    ['a subdomain while allow_subdomains is off', user('ceo@sub.acme.com')],
    ['an in-domain NameID with a foreign email attribute', user('ada@acme.com', { attributes: { email: ['ceo@othercorp.com'] } })],
    ['a foreign email-shaped NameID and no email attribute', { nameId: 'ceo@othercorp.com', nameIdFormat: EMAIL_FORMAT, attributes: {} }],
    ['a foreign address in the mail attribute (a default name)', user('ada@acme.com', { attributes: { mail: ['ceo@othercorp.com'] } })],
    ['two @ signs hiding another domain', user('ada@acme.com@othercorp.com')],
  ]
  for (const [name, extra] of refused) {
    it(`refuses ${name}: generic page, email_domain_mismatch in the log, nothing stored`, async () => {
      const c = await acme()
      const res = await c.post(extra)
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      const page = await res.text()
      expect(page).toContain('The SAML response could not be verified.')
      expect(page).not.toContain('domain')
      const requestId = res.headers.get('x-request-id')
      expect(logs.take().some((l) => l.request_id === requestId && String(l.reason).includes('email_domain_mismatch'))).toBe(true)
      expect(await codes(c.connection.id)).toBe(0)
    })
  }

  const accepted: [string, Record<string, unknown>, Partial<ResponseOptions>, string | null][] = [
    ['the exact domain', {}, user('ada@acme.com'), 'ada@acme.com'],
    ['upper case and a trailing dot', {}, user('Ada@ACME.com.'), 'Ada@ACME.com.'],
    ['a subdomain when allow_subdomains is on', { allow_subdomains: true }, user('ada@eu.sub.acme.com'), 'ada@eu.sub.acme.com'],
    ['a UPN NameID of another domain beside an in-domain email attribute (Entra ID)', {}, user('ada@corp.onmicrosoft.com', { nameIdFormat: UPN_FORMAT, attributes: { email: ['ada@acme.com'] } }), 'ada@acme.com'],
    ['no email at all (email_address null)', {}, { nameId: 'a7f3-opaque-id', nameIdFormat: UPN_FORMAT, attributes: {} }, null],
    ['a mapped attribute in the domain', { attribute_mapping: { email_address: 'workEmail' } }, user('x@othercorp.com', { attributes: { workEmail: ['ada@acme.com'], email: ['ceo@othercorp.com'] } }), 'ada@acme.com'],
  ]
  for (const [name, overrides, extra, email] of accepted) {
    it(`signs in ${name}`, async () => {
      const c = await acme(overrides)
      const res = await c.post(extra)
      expect(res.status).toBe(302)
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!
      const profile = await exchange(code, { secretKey: c.secretKey })
      expect(((await profile.json()) as { email_address: string | null }).email_address).toBe(email)
    })
  }

  it('compares IDNs in their punycode form', async () => {
    const c = await acme({ domain: 'bücher.example' })
    expect((await c.post(user('ada@xn--bcher-kva.example'))).status).toBe(302)
    expect((await c.post(user('ada@BÜCHER.example'))).status).toBe(302)
    expect((await c.post(user('ada@bucher.example'))).status).toBe(400)
  })
})

describe('SuperTokens callbacks: the rule applies once domains are set through any API style', () => {
  /** Gives a SuperTokens client domains through the Clerk-style API (the same connection). */
  async function giveDomains(instanceId: string, clientId: string, domains: string[]) {
    const key = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
    await storeKey('clerk_secret_key', key, instanceId)
    const row = await env.DB.prepare('SELECT id FROM saml_connections WHERE client_id = ?').bind(clientId).first<{ id: string }>()
    const res = await clerkClient(key).update(row!.id, { domains })
    expect(res.status).toBe(200)
  }

  it('/recipe/saml/callback: a client without domains keeps today\'s behaviour; with domains, a foreign email is refused', async () => {
    const c = await tenantWithClient()
    const foreign = { nameId: 'ceo@othercorp.com', attributes: { mail: ['ceo@othercorp.com'] } }
    const before = await loginAndAnswer(c, {}, foreign)
    expect((await callback(c, { samlResponse: before.samlResponse, relayState: before.relayState })).body.status).toBe('OK')

    await giveDomains(c.instanceId, c.clientId, ['acme.example'])
    const after = await loginAndAnswer(c, {}, foreign)
    const refused = await callback(c, { samlResponse: after.samlResponse, relayState: after.relayState })
    expect(refused.body).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })

    const own = await loginAndAnswer(c)
    const ok = await callback(c, { samlResponse: own.samlResponse, relayState: own.relayState })
    expect(ok.body.status).toBe('OK')
    const info = await userInfo(c, { accessToken: codeOf(ok.body.redirectURI).code, clientId: c.clientId })
    expect(info.body.email).toBe('ada@acme.example')
  })

  it('/recipe/saml/callback IdP-initiated: a foreign email is refused', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    await giveDomains(c.instanceId, c.clientId, ['acme.example'])
    const samlResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: acsFor(c.tenantId), inResponseTo: null }, { nameId: 'ceo@othercorp.com', attributes: {} })
    expect((await callback(c, { samlResponse })).body).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })
  })

  it('/recipe/saml/legacy/callback: a foreign email is refused with the core\'s 400 text, and the login stays usable', async () => {
    const c = await legacyClient()
    await giveDomains(c.instanceId, c.clientId, ['acme.example'])
    const started = await authorize(c)
    const answer = (extra: Parameters<typeof idpResponse>[1]) =>
      plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse: idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId }, extra), RelayState: started.relayState } })
    const refused = await answer({ nameId: 'ceo@acme.example.evil.com', attributes: { mail: ['ceo@acme.example.evil.com'] } })
    expect(refused).toMatchObject({ status: 400, text: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR\n' })
    const ok = await answer({})
    expect(ok.status).toBe(302)
    expect(new URL(ok.location!).origin + new URL(ok.location!).pathname).toBe(CALLBACK)
  })
})
