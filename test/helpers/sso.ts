import { SELF } from 'cloudflare:test'
import { inflateSync } from 'fflate'
import { clerkClient, connectionInput, newInstance, ORIGIN } from './clerk'
import { idpMetadataXml } from './keys'
import { freshSignedResponse, type ResponseOptions, type SignOptions, type SignTarget } from './test-idp'

export const APP_CALLBACK = 'https://app.example.com/sso/callback'

/** An instance with one active connection whose IdP is the test IdP (test/fixtures/keys/idp.*). */
export async function activeConnection(overrides: Record<string, unknown> = {}) {
  const { secretKey, instanceId } = await newInstance()
  const api = clerkClient(secretKey)
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  const res = await api.create(
    connectionInput({
      idp_metadata: idpMetadataXml({ entityId }),
      active: true,
      redirect_uris: [APP_CALLBACK, 'https://app.example.com/other'],
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

/**
 * The test IdP's signed answer for a connection, valid now (fresh Response and Assertion ids), as
 * XML; `inResponseTo` null makes it IdP-initiated. `extra` overrides any option.
 */
export function signedResponseXmlFor(
  connection: { sp_entity_id: string; acs_url: string },
  entityId: string,
  inResponseTo: string | null,
  extra: Partial<ResponseOptions> & { sign?: SignTarget; signing?: SignOptions } = {},
): string {
  return freshSignedResponse({ entityId, spEntityId: connection.sp_entity_id, acsUrl: connection.acs_url, inResponseTo }, extra)
}
