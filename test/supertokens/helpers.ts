import { env, SELF } from 'cloudflare:test'
import idpCertPem from '../fixtures/keys/idp.cert.pem?raw'
import rolloverCertPem from '../fixtures/keys/idp-rollover.cert.pem?raw'
import { assertDocumentedResponse } from '../helpers/openapi'
import { sha256Hex } from '../../src/domain/secrets'

export { idpCertPem, rolloverCertPem }

export const ORIGIN = 'http://saml-edge.test'
export const DEV_API_KEY = 'local-development-api-key'
export const DEV_CLERK_KEY = 'sk_test_local_development_key'
export const LOCAL_INSTANCE_ID = 'ins_local'

export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'

const randomId = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
export const newTenantId = () => randomId('t-')

/** Stores an API key the way `npm run keys` does: only its SHA-256, with its owner. */
export async function storeKey(kind: 'supertokens_api_key' | 'clerk_secret_key', key: string, instanceId: string, appId = 'public') {
  await env.DB.prepare('INSERT INTO api_keys (key_hash, kind, instance_id, app_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(await sha256Hex(key), kind, instanceId, appId, 'test', Date.now())
    .run()
}

/** A fresh instance (and app) with its own SuperTokens API key, so tests never see each other's clients. */
export async function newApp({ appId = 'public', instanceId = randomId('ins_') } = {}) {
  const apiKey = randomId('st-key-')
  await storeKey('supertokens_api_key', apiKey, instanceId, appId)
  return { apiKey, instanceId, appId }
}

export interface Answer {
  status: number
  contentType: string | null
  text: string
  body: any
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    /* a plain-text answer */
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, body }
}

/** Calls the SuperTokens-style API as the SDKs do: `api-key`, `cdi-version: 5.4`, `rid: saml`. */
export function stClient(apiKey: string | null, prefix = '') {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await SELF.fetch(`${ORIGIN}${prefix}${path}`, {
      method,
      headers: {
        ...(apiKey === null ? {} : { 'api-key': apiKey }),
        'cdi-version': '5.4',
        rid: 'saml',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const a = await answer(res)
    // Every JSON answer a test sees must match the published OpenAPI document.
    if (a.contentType?.startsWith('application/json')) assertDocumentedResponse(method, `${prefix}${path}`.split('?')[0] ?? path, a.status, a.body)
    return a
  }
  return {
    call,
    put: (body: unknown, headers?: Record<string, string>) => call('PUT', '/recipe/saml/clients', body, headers),
    list: (headers?: Record<string, string>) => call('GET', '/recipe/saml/clients/list', undefined, headers),
    remove: (clientId: unknown) => call('POST', '/recipe/saml/clients/remove', { clientId }),
  }
}

/** Calls the Clerk-style API of the same Worker. */
export function clerkClient(secretKey: string) {
  const call = async (method: string, path: string, body?: unknown) =>
    answer(
      await SELF.fetch(`${ORIGIN}${path}`, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
  return {
    get: (id: string) => call('GET', `/v1/saml_connections/${id}`),
    create: (body: unknown) => call('POST', '/v1/saml_connections', body),
    update: (id: string, body: unknown) => call('PATCH', `/v1/saml_connections/${id}`, body),
    list: (query = '') => call('GET', `/v1/saml_connections${query}`),
    remove: (id: string) => call('DELETE', `/v1/saml_connections/${id}`),
  }
}

/** The base64 DER body of a PEM certificate: what the core calls `idpSigningCertificate`. */
export const bare = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

/** PEM with 64-character lines, as `idpCertificate` is served. */
export const pem = (pemText: string): string => {
  const b = bare(pemText)
  return `-----BEGIN CERTIFICATE-----\n${b.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`
}

export interface MetadataOptions {
  entityId?: string | null
  ssoUrl?: string
  bindings?: string[]
  certs?: string[]
  /** Raw XML placed before the root element (e.g. a DOCTYPE). */
  prolog?: string
}

/** IdP metadata in the shape most IdPs publish (md: and ds: prefixes). */
export function idpMetadataXml({ entityId = 'https://idp.example.com/metadata', ssoUrl = 'https://idp.example.com/sso', bindings = [BINDING_POST, BINDING_REDIRECT], certs = [idpCertPem], prolog = '' }: MetadataOptions = {}): string {
  const keys = certs
    .map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${bare(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('')
  const services = bindings.map((b) => `<md:SingleSignOnService Binding="${b}" Location="${ssoUrl}"/>`).join('')
  const entityAttr = entityId === null ? '' : ` entityID="${entityId}"`
  return `<?xml version="1.0" encoding="UTF-8"?>${prolog}<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"${entityAttr}><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}${services}</md:IDPSSODescriptor></md:EntityDescriptor>`
}

/** Standard base64 of UTF-8 text, as the SDKs expect the caller to encode `metadataXML`. */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

export const uniqueEntityId = () => `https://idp.example.com/${crypto.randomUUID()}`

/** A valid PUT body with a fresh IdP entity id. */
export function clientBody(overrides: Record<string, unknown> = {}, metadata: MetadataOptions = {}) {
  return {
    redirectURIs: ['https://app.example.com/auth/callback/saml'],
    defaultRedirectURI: 'https://app.example.com/auth/callback/saml',
    metadataXML: base64(idpMetadataXml({ entityId: uniqueEntityId(), ...metadata })),
    ...overrides,
  }
}
