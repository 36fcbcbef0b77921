import { expect } from 'vitest'
import { idpMetadataXml } from '../helpers/keys'
import { send, type Answer } from '../helpers/http'
import type { MetadataOptions } from '../helpers/idp-metadata'
import { documented } from '../helpers/openapi'
import { storeKey } from '../helpers/store'

export const DEV_API_KEY = 'local-development-api-key'
export const LOCAL_INSTANCE_ID = 'ins_local'

const randomId = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
export const newTenantId = () => randomId('t-')

/** A fresh instance (and app) with its own SuperTokens API key, so tests never see each other's clients. */
export async function newApp({ appId = 'public', instanceId = randomId('ins_') } = {}) {
  const apiKey = randomId('st-key-')
  await storeKey('supertokens_api_key', apiKey, instanceId, appId)
  return { apiKey, instanceId, appId }
}

/** Calls the SuperTokens-style API as the SDKs do: `api-key`, `cdi-version: 5.4`, `rid: saml`. */
export function stClient(apiKey: string | null, prefix = '') {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const a = await send(`${prefix}${path}`, {
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
    // Every JSON answer a test sees must match the published OpenAPI document.
    return documented(method, `${prefix}${path}`, a)
  }
  return {
    call,
    put: (body: unknown, headers?: Record<string, string>) => call('PUT', '/recipe/saml/clients', body, headers),
    list: (headers?: Record<string, string>) => call('GET', '/recipe/saml/clients/list', undefined, headers),
    remove: (clientId: unknown) => call('POST', '/recipe/saml/clients/remove', { clientId }),
  }
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

/** A tenant holding one client, and a check that a refused request left its list exactly as it was. */
export async function tenantWithOneClient() {
  const { apiKey } = await newApp()
  const st = stClient(apiKey)
  expect((await st.put(clientBody({ clientId: 'existing' }))).status).toBe(200)
  const before = (await st.list()).body
  return { st, apiKey, expectUnchanged: async () => expect((await st.list()).body).toEqual(before) }
}
