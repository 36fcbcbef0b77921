import { ORIGIN, send, type Answer } from '../helpers/http'
import { documented } from '../helpers/openapi'
import { CALLBACK, decodeLogin, idpResponse, tenantWithClient } from './login-flow.helpers'

export const LEGACY = '/recipe/saml/legacy'
export const SECRET = 'legacy-client-secret'

/** The legacy callback as an IdP's configured ACS: the Recipient it expects of IdP-initiated responses. */
export const legacyAcs = (instanceId: string) => `${ORIGIN}${LEGACY}/callback?instance_id=${instanceId}`

/** A plain HTTP call, as a browser, an IdP or an OAuth client makes it: no SDK headers, redirects not followed. */
export async function plain(method: string, path: string, init: { headers?: Record<string, string>; form?: Record<string, string> | string } = {}): Promise<Answer> {
  const body = init.form === undefined ? undefined : typeof init.form === 'string' ? init.form : new URLSearchParams(init.form).toString()
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...init.headers }
  return documented(method, path, await send(path, { method, headers, body }))
}

/** A public-tenant client with a secret, whose IdP is the test IdP. */
export const legacyClient = (client: Record<string, unknown> = {}) => tenantWithClient({ client: { clientSecret: SECRET, ...client } })
export type LegacyClient = Awaited<ReturnType<typeof legacyClient>>

/** GET authorize as a browser does (instance_id, no key), and the AuthnRequest it carries. */
export async function authorize(c: LegacyClient, query: Record<string, string> = {}) {
  const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, state: 'legacy-state', instance_id: c.instanceId, ...query })
  const res = await plain('GET', `${LEGACY}/authorize?${q}`)
  if (res.status !== 307 || !res.location) throw new Error(`authorize failed: ${res.status} ${res.text}`)
  return { res, ...decodeLogin(res.location) }
}

/**
 * Authorize, then the test IdP's signed answer (for the client's ACS, which the AuthnRequest names)
 * posted to the legacy callback: the 302 back to the app.
 */
export async function signIn(c: LegacyClient, extra: Parameters<typeof idpResponse>[1] = {}) {
  const started = await authorize(c)
  const SAMLResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId }, extra)
  const res = await plain('POST', `${LEGACY}/callback?instance_id=${c.instanceId}`, { form: { SAMLResponse, RelayState: started.relayState } })
  return { ...started, SAMLResponse, res }
}

/** The code of a callback's 302. */
export const codeIn = (location: string | null) => new URL(location ?? 'http://missing').searchParams.get('code') ?? ''

export const token = (form: Record<string, string>) => plain('POST', `${LEGACY}/token`, { form })
export const userinfo = (accessToken: string | null) =>
  plain('GET', `${LEGACY}/userinfo`, { headers: accessToken === null ? {} : { authorization: `Bearer ${accessToken}` } })
