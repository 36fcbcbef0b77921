import { SELF } from 'cloudflare:test'
import { inflateSync } from 'fflate'
import { clerkClient, connectionInput, newInstance } from './clerk'
import { idpMetadataXml } from './keys'
import { freshSignedResponse, type ResponseOptions, type SignOptions, type SignTarget } from './test-idp'
import { ORIGIN } from './http'

export const APP_CALLBACK = 'https://app.example.com/sso/callback'
/** The email domain of the test IdP's users, one of every `activeConnection`'s domains. */
export const USER_DOMAIN = 'acme.example'

/**
 * An instance with one active connection whose IdP is the test IdP (test/fixtures/keys/idp.*). Its
 * domains are a fresh one and `acme.example`, the domain of the users the tests sign in.
 */
export async function activeConnection(overrides: Record<string, unknown> = {}) {
  const { secretKey, instanceId } = await newInstance()
  const api = clerkClient(secretKey)
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  const res = await api.create(
    connectionInput({
      idp_metadata: idpMetadataXml({ entityId }),
      active: true,
      redirect_uris: [APP_CALLBACK, 'https://app.example.com/other'],
      domains: [USER_DOMAIN],
      attribute_mapping: { email_address: 'mail', first_name: 'givenName', last_name: 'sn' },
      ...overrides,
    }),
  )
  if (res.status !== 200) throw new Error(`create failed: ${JSON.stringify(res.body)}`)
  return { api, secretKey, instanceId, entityId, connection: res.body as Record<string, any> }
}

/** Starts an SP-initiated login and decodes the AuthnRequest the IdP would receive. */
export async function startLogin(query: Record<string, string>) {
  const res = await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams(query)}`, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (res.status !== 302 || !location) return { res, location: null, authnRequest: null, relayState: null, url: null }
  const url = new URL(location)
  const encoded = url.searchParams.get('SAMLRequest') ?? ''
  const authnRequest = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))))
  return { res, location, url, authnRequest, relayState: url.searchParams.get('RelayState'), requestId: authnRequest.match(/ID="([^"]+)"/)?.[1] ?? null }
}

/** Posts a SAMLResponse to the ACS the way a browser does after the IdP's auto-submitting form. */
export function postToAcs(connectionId: string, samlResponse: string, relayState?: string | null) {
  const form = new URLSearchParams({ SAMLResponse: samlResponse })
  if (relayState) form.set('RelayState', relayState)
  return SELF.fetch(`${ORIGIN}/v1/saml/acs/${connectionId}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  })
}

export function exchange(code: string, auth: { secretKey?: string; clientSecret?: string }) {
  const body = new URLSearchParams({ code, ...(auth.clientSecret ? { client_secret: auth.clientSecret } : {}) })
  return SELF.fetch(`${ORIGIN}/v1/saml/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth.secretKey ? { authorization: `Bearer ${auth.secretKey}` } : {}) },
    body: body.toString(),
  })
}

/** The user the test IdP signs in for a connection: one of the connection's own domain, as a real IdP of that customer would. */
export const userOf = (connection: { domain?: string | null }) => `ada@${connection.domain ?? 'example.com'}`

/**
 * The test IdP's signed answer for a connection, valid now (fresh Response and Assertion ids), as
 * XML; `inResponseTo` null makes it IdP-initiated. The user is of the connection's domain (see
 * `userOf`); `extra` overrides any option.
 */
export function signedResponseXmlFor(
  connection: { sp_entity_id: string; acs_url: string; domain?: string | null },
  entityId: string,
  inResponseTo: string | null,
  extra: Partial<ResponseOptions> & { sign?: SignTarget; signing?: SignOptions } = {},
): string {
  const user = userOf(connection)
  const ownUser = { nameId: user, attributes: { email: [user], groups: ['admins', 'R&D <core>'] } }
  return freshSignedResponse({ entityId, spEntityId: connection.sp_entity_id, acsUrl: connection.acs_url, inResponseTo }, { ...ownUser, ...extra })
}
