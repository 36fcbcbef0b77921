import { env } from 'cloudflare:test'
import { inflateSync } from 'fflate'
import { freshSignedResponse, toBase64, type ResponseOptions, type SignTarget, type SignOptions } from '../helpers/test-idp'
import { clientBody, newApp, stClient, uniqueEntityId } from './helpers'
import { ORIGIN } from '../helpers/http'

/** The SuperTokens app backend's callback, which is the ACS in the SuperTokens login flow. */
export const APP_ORIGIN = 'https://app.example.com'
export const CALLBACK = `${APP_ORIGIN}/auth/callback/saml`
export const OTHER_CALLBACK = `${APP_ORIGIN}/auth/callback/other?keep=1`
export const acsFor = (tenantId = 'public') => `${APP_ORIGIN}/auth/${tenantId}/saml/callback`

/** A SuperTokens client of a fresh instance (in `tenantId`) whose IdP is the test IdP. */
export async function tenantWithClient(opts: { tenantId?: string; client?: Record<string, unknown>; app?: { apiKey: string; instanceId: string } } = {}) {
  const tenantId = opts.tenantId ?? 'public'
  const app = opts.app ?? (await newApp())
  const st = stClient(app.apiKey, tenantId === 'public' ? '' : `/${tenantId}`)
  const entityId = uniqueEntityId()
  const put = await st.put(clientBody({ redirectURIs: [CALLBACK, OTHER_CALLBACK], defaultRedirectURI: CALLBACK, ...opts.client }, { entityId }))
  if (put.status !== 200 || put.body.status !== 'OK') throw new Error(`PUT failed: ${put.text}`)
  const clientId: string = put.body.clientId
  // acsUrl: saml-edge's own ACS for the client (`/v1/saml/acs/<id>`), as its JSON and SP metadata give it.
  return { ...app, st, tenantId, entityId, clientId, acsUrl: put.body.acsUrl as string, spEntityId: await spEntityIdOf(clientId, tenantId) }
}

/** The per-connection SP entity id: `<origin>/saml/<connection id>`. */
export async function spEntityIdOf(clientId: string, tenantId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM saml_connections WHERE tenant_id = ? AND client_id = ?').bind(tenantId, clientId).first<{ id: string }>()
  if (!row) throw new Error(`no connection for ${clientId}`)
  return `${ORIGIN}/saml/${row.id}`
}

/** Decodes what `POST /recipe/saml/login` returned: the IdP URL and the AuthnRequest inside it. */
export function decodeLogin(ssoRedirectURI: string) {
  const url = new URL(ssoRedirectURI)
  const encoded = url.searchParams.get('SAMLRequest') ?? ''
  const authnRequest = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))))
  return {
    url,
    authnRequest,
    relayState: url.searchParams.get('RelayState') ?? '',
    requestId: authnRequest.match(/ ID="([^"]+)"/)?.[1] ?? '',
  }
}

/** A base64 SAMLResponse from the test IdP, valid now, for a client's SP entity id and an ACS URL. */
export function idpResponse(
  p: { entityId: string; spEntityId: string; acsUrl: string; inResponseTo: string | null },
  extra: Partial<ResponseOptions> & { sign?: SignTarget; signing?: SignOptions } = {},
): string {
  const attributes = { mail: ['ada@acme.example'], givenName: ['  Ada  '], groups: ['admins', 'eng', '  '], empty: [''] }
  return toBase64(freshSignedResponse(p, { nameId: 'ada@acme.example', attributes, ...extra }))
}

type Client = Awaited<ReturnType<typeof tenantWithClient>>

/** Runs `POST /recipe/saml/login` for a client and decodes the answer. */
export async function login(c: Client, body: Record<string, unknown> = {}) {
  const res = await c.st.call('POST', '/recipe/saml/login', { clientId: c.clientId, redirectURI: CALLBACK, acsURL: acsFor(c.tenantId), ...body })
  if (res.body?.status !== 'OK') throw new Error(`login failed: ${res.text}`)
  return { res, ...decodeLogin(res.body.ssoRedirectURI) }
}

/** A login, then the test IdP's signed answer to it, ready for `/recipe/saml/callback`. */
export async function loginAndAnswer(c: Client, body: Record<string, unknown> = {}, extra: Parameters<typeof idpResponse>[1] = {}) {
  const started = await login(c, body)
  const samlResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: acsFor(c.tenantId), inResponseTo: started.requestId }, extra)
  return { ...started, samlResponse }
}

export const callback = (c: Pick<Client, 'st'>, body: Record<string, unknown>) => c.st.call('POST', '/recipe/saml/callback', body)
export const userInfo = (c: Pick<Client, 'st'>, body: Record<string, unknown>) => c.st.call('POST', '/recipe/saml/user', body)

/** The `code` and `state` of a callback's redirectURI. */
export function codeOf(redirectURI: string) {
  const url = new URL(redirectURI)
  return { url, code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') }
}
