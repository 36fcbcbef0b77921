import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clientBody, newApp, stClient, tenantWithOneClient, uniqueEntityId } from './helpers'
import { toBase64 } from '../helpers/test-idp'
import { BINDING_POST } from '../helpers/idp-metadata'
import { idpCertPem, idpMetadataXml } from '../helpers/keys'
import { type Answer, ORIGIN } from '../helpers/http'

const INVALID_METADATA = 'metadataXML does not have a valid SAML metadata'
const field = (name: string) => `Field name '${name}' is invalid in JSON input`

function expectText(res: Answer, status: number, message: string) {
  expect(res.status).toBe(status)
  expect(res.contentType).toBe('text/html; charset=UTF-8')
  expect(res.text).toBe(`${message}\n`)
}

/** The base64url form of some XML, padded with spaces until it holds a character base64url spells differently. */
function urlSafeBase64(xml: string): string {
  for (let pad = ''; ; pad += ' ') {
    const b = toBase64(xml + pad)
    if (/[+/]/.test(b)) return b.replace(/\+/g, '-').replace(/\//g, '_')
  }
}

const metadataCases: [string, string][] = [
  ['not base64', 'this is not base64!'],
  ['base64 with line breaks', toBase64(idpMetadataXml()).replace(/(.{76})/g, '$1\n')],
  ['URL-safe base64', urlSafeBase64(idpMetadataXml())],
  ['empty', ''],
  ['text that is not XML', toBase64('hello world')],
  ['XML that is not metadata', toBase64('<?xml version="1.0"?><hello>world</hello>')],
  ['SP-only metadata', toBase64(idpMetadataXml().replace(/IDPSSODescriptor/g, 'SPSSODescriptor'))],
  ['metadata without entityID', toBase64(idpMetadataXml({ entityId: null }))],
  ['metadata without an SSO endpoint', toBase64(idpMetadataXml({ bindings: [] }))],
  ['metadata with an SSO endpoint of an unknown binding', toBase64(idpMetadataXml({ bindings: ['urn:example:binding'] }))],
  ['metadata without a certificate', toBase64(idpMetadataXml({ certs: [] }))],
  ['metadata with an encryption-only certificate', toBase64(idpMetadataXml().replace('use="signing"', 'use="encryption"'))],
  ['metadata with a certificate that is not X.509', toBase64(idpMetadataXml({ certs: ['-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxsLCBqdXN0IHNvbWUgdGV4dCB0aGF0IGlzIGxvbmcgZW5vdWdoIHRvIHBhc3M=\n-----END CERTIFICATE-----'] }))],
  ['metadata with a certificate that is not base64', toBase64(idpMetadataXml({ certs: ['-----BEGIN CERTIFICATE-----\n!!not*base64%%\n-----END CERTIFICATE-----'] }))],
  ['metadata with a DOCTYPE', toBase64(idpMetadataXml({ prolog: '<!DOCTYPE md:EntityDescriptor>' }))],
  ['metadata with an external entity', toBase64(idpMetadataXml({ prolog: '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', entityId: '&xxe;' }))],
  ['metadata with nested entity expansion', toBase64(idpMetadataXml({ prolog: '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', entityId: '&b;' }))],
  ['metadata larger than 512 KiB', toBase64(idpMetadataXml({ entityId: `https://idp.example.com/${'x'.repeat(600 * 1024)}` }))],
]

describe('PUT /recipe/saml/clients: refused metadata', () => {
  for (const [name, metadataXML] of metadataCases) {
    it(`answers 400 for ${name}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      expectText(await t.st.put(clientBody({ metadataXML })), 400, INVALID_METADATA)
      expectText(await t.st.put(clientBody({ clientId: 'existing', metadataXML })), 400, INVALID_METADATA)
      await t.expectUnchanged()
    })
  }

  it('still accepts the same metadata once it is well-formed (the cases above fail for their own reason)', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).put(clientBody({ metadataXML: toBase64(idpMetadataXml({ entityId: uniqueEntityId(), certs: [idpCertPem], bindings: [BINDING_POST] })) }))
    expect(res.status).toBe(200)
  })
})

describe('PUT /recipe/saml/clients: refused fields', () => {
  const good = () => clientBody()
  const without = (key: string) => {
    const b: Record<string, unknown> = good()
    delete b[key]
    return b
  }
  const cases: [string, unknown, string][] = [
    ['defaultRedirectURI missing', without('defaultRedirectURI'), field('defaultRedirectURI')],
    ['defaultRedirectURI null', { ...good(), defaultRedirectURI: null }, field('defaultRedirectURI')],
    ['defaultRedirectURI a number', { ...good(), defaultRedirectURI: 42 }, field('defaultRedirectURI')],
    ['redirectURIs missing', without('redirectURIs'), field('redirectURIs')],
    ['redirectURIs a string', { ...good(), redirectURIs: 'https://app.example.com/auth/callback/saml' }, field('redirectURIs')],
    ['redirectURIs empty', { ...good(), redirectURIs: [] }, 'redirectURIs is required in the input'],
    ['redirectURIs holding a number', { ...good(), redirectURIs: ['https://app.example.com/auth/callback/saml', 7] }, field('redirectURIs')],
    ['metadataXML missing', without('metadataXML'), field('metadataXML')],
    ['metadataXML an object', { ...good(), metadataXML: { xml: '<x/>' } }, field('metadataXML')],
    ['clientId a number', { ...good(), clientId: 12 }, field('clientId')],
    ['clientId null', { ...good(), clientId: null }, field('clientId')],
    ['clientId empty', { ...good(), clientId: '' }, 'clientId must not be empty'],
    ['clientId longer than 255 characters', { ...good(), clientId: 'c'.repeat(256) }, 'clientId must be at most 255 characters'],
    ['clientSecret a boolean', { ...good(), clientSecret: true }, field('clientSecret')],
    ['allowIDPInitiatedLogin a string', { ...good(), allowIDPInitiatedLogin: 'true' }, field('allowIDPInitiatedLogin')],
    ['allowIDPInitiatedLogin null', { ...good(), allowIDPInitiatedLogin: null }, field('allowIDPInitiatedLogin')],
    ['enableRequestSigning a number', { ...good(), enableRequestSigning: 1 }, field('enableRequestSigning')],
    ['defaultRedirectURI relative', { ...good(), defaultRedirectURI: '/auth/callback', redirectURIs: ['/auth/callback'] }, `${field('defaultRedirectURI')}: must be an absolute http(s) URL`],
    ['a redirect URI that is not a URL', { ...good(), redirectURIs: ['https://app.example.com/auth/callback/saml', 'not a url'] }, `${field('redirectURIs')}: must be an absolute http(s) URL`],
    ['a redirect URI with a javascript: scheme', { ...good(), redirectURIs: ['https://app.example.com/auth/callback/saml', 'javascript:alert(1)'] }, `${field('redirectURIs')}: must be an absolute http(s) URL`],
    ['redirectURIs without defaultRedirectURI', { ...good(), redirectURIs: ['https://app.example.com/other'] }, 'redirectURIs must contain defaultRedirectURI'],
    ['more than 50 redirect URIs', { ...good(), redirectURIs: Array.from({ length: 51 }, (_, i) => `https://app.example.com/auth/callback/saml${i || ''}`.replace(/saml0$/, 'saml')) }, 'redirectURIs must hold at most 50 URIs'],
  ]
  for (const [name, body, message] of cases) {
    it(`answers 400 for ${name}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      expectText(await t.st.put(body), 400, message)
      // The same mistake in an update of the existing client (clientId cases name their own client).
      if (!name.startsWith('clientId')) expectText(await t.st.put({ ...(body as object), clientId: 'existing' }), 400, message)
      await t.expectUnchanged()
    })
  }

  it('names the first bad field in the order the core checks them', async () => {
    const { apiKey } = await newApp()
    expectText(await stClient(apiKey).put({ clientId: 1, defaultRedirectURI: 2, redirectURIs: 3, metadataXML: 4 }), 400, field('clientId'))
    expectText(await stClient(apiKey).put({ metadataXML: 4, redirectURIs: 3 }), 400, field('defaultRedirectURI'))
  })
})

describe('refused bodies', () => {
  const bodies: [string, string][] = [
    ['an empty body', ''],
    ['a body that is not JSON', 'clientId=abc'],
    ['truncated JSON', '{"clientId": "a"'],
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ]
  for (const [name, body] of bodies) {
    it(`answers 400 Invalid Json Input to PUT and remove for ${name}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      expectText(await t.st.call('PUT', '/recipe/saml/clients', body), 400, 'Invalid Json Input')
      expectText(await t.st.call('POST', '/recipe/saml/clients/remove', body), 400, 'Invalid Json Input')
      await t.expectUnchanged()
    })
  }

  it('answers 400 to a body over 1 MiB, and changes nothing', async () => {
    const t = await tenantWithOneClient()
    const huge = JSON.stringify(clientBody({ clientId: 'existing', padding: 'x'.repeat(1024 * 1024) }))
    expectText(await t.st.call('PUT', '/recipe/saml/clients', huge), 400, 'Request body is larger than 1048576 bytes')
    await t.expectUnchanged()
  })

  it('answers 400 to a chunked body over 1 MiB (no Content-Length), and changes nothing', async () => {
    const t = await tenantWithOneClient()
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 20) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const res = await SELF.fetch(`${ORIGIN}/recipe/saml/clients`, { method: 'PUT', headers: { 'api-key': t.apiKey }, body: stream })
    expect(res.status).toBe(400)
    expect(await res.text()).toBe('Request body is larger than 1048576 bytes\n')
    await t.expectUnchanged()
  })
})

describe('POST /recipe/saml/clients/remove: refused fields', () => {
  for (const [name, body] of [
    ['clientId missing', {}],
    ['clientId null', { clientId: null }],
    ['clientId a number', { clientId: 5 }],
    ['clientId an array', { clientId: ['existing'] }],
  ] as const) {
    it(`answers 400 for ${name}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      expectText(await t.st.call('POST', '/recipe/saml/clients/remove', body), 400, field('clientId'))
      await t.expectUnchanged()
    })
  }
})
