/**
 * The management APIs' size, depth, entity, time and field limits, refused with each style's status
 * and code and accepted right at the limit; a refusal changes nothing in D1.
 *
 * Already covered elsewhere, and not repeated here:
 * - Clerk create over 1 MiB: test/clerk/create-errors.test.ts, "returns 413 for a body over the size cap".
 * - Clerk create with DOCTYPE, XXE and entity expansion in idp_metadata: test/clerk/create-errors.test.ts,
 *   "returns 422 saml_failed_to_parse_idp_metadata for broken or hostile metadata".
 * - SuperTokens PUT over 1 MiB, with and without Content-Length: test/supertokens/bad-input.test.ts,
 *   "answers 400 to a body over 1 MiB, and changes nothing" and "answers 400 to a chunked body over 1 MiB ...".
 * - SuperTokens metadataXML over 512 KiB, with a DOCTYPE, an external entity or nested entities:
 *   test/supertokens/bad-input.test.ts, "answers 400 for metadata larger than 512 KiB, and changes nothing" (and siblings).
 * - SuperTokens redirectURIs over 50 and clientId over 255: test/supertokens/bad-input.test.ts, "answers 400 for more than 50 redirect URIs ...".
 * - Metadata URL body over the cap, and the fetcher timing out: test/clerk/metadata-url.test.ts,
 *   "returns 400 saml_failed_to_fetch_idp_metadata for a body over the size cap" and "gives up on a host that does not answer within the timeout".
 * - Engine-level byte and depth boundaries: test/saml/metadata.security.test.ts.
 * - Clerk list limit=0/501, offset=-1: test/clerk/list.test.ts, "returns 400 invalid_query_parameter_value for out-of-range ...".
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/http/middleware/body'
import { MAX_METADATA_BYTES, MAX_XML_DEPTH } from '../../src/saml/limits'
import { makeMetadataFetcher } from '../../src/services/metadata-fetcher'
import { updateConnection } from '../../src/services/saml-connections'
import { buildDeps } from '../../src/wiring/deps'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { chunkedBody, send, type Answer } from '../helpers/http'
import { idpCertPem, idpMetadataXml } from '../helpers/keys'
import { METADATA_ORIGIN } from '../helpers/outbound'
import { snapshotInstance } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs, expectClerkError } from '../helpers/wire'
import { clientBody, newApp, newTenantId, stClient } from '../supertokens/helpers'

captureLogs()
const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength
const codes = (a: Answer) => a.body.errors.map((e: { code: string; meta?: { param_name?: string } }) => [e.code, e.meta?.param_name])

/** A JSON object body of exactly `bytes` bytes: the given fields plus a padding field. */
function jsonOfSize(fields: Record<string, unknown>, bytes: number): string {
  const base = JSON.stringify({ ...fields, padding: '' })
  return JSON.stringify({ ...fields, padding: 'x'.repeat(bytes - base.length) })
}

/** IdP metadata padded with a comment to exactly `bytes` bytes of UTF-8, with `fill` as the padding character. */
function metadataOfSize(bytes: number, fill = 'x', entityId = `https://idp.example.com/${crypto.randomUUID()}`): string {
  const xml = idpMetadataXml({ entityId })
  const at = xml.indexOf('?>') + 2
  const room = bytes - utf8Length(xml) - '<!---->'.length
  const pad = fill.repeat(Math.floor(room / utf8Length(fill))) + 'x'.repeat(room % utf8Length(fill))
  const out = `${xml.slice(0, at)}<!--${pad}-->${xml.slice(at)}`
  expect(utf8Length(out)).toBe(bytes)
  return out
}

/** Metadata whose deepest element sits at `depth`: the entity wrapped in EntitiesDescriptor elements. */
function metadataOfDepth(depth: number): string {
  const inner = idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }).replace(/^<\?xml[^>]*\?>/, '')
  const wrappers = depth - 6 // EntityDescriptor > IDPSSODescriptor > KeyDescriptor > KeyInfo > X509Data > X509Certificate
  const open = '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'.repeat(wrappers)
  return `<?xml version="1.0"?>${open}${inner}${'</md:EntitiesDescriptor>'.repeat(wrappers)}`
}

describe('request body size', () => {
  it('Clerk: reads a body of exactly 1 MiB, and answers 413 request_body_too_large one byte over, on create and update', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const id = (await api.create(connectionInput())).body.id
    const before = await snapshotInstance(instanceId)
    const atLimit = await api.call('POST', '/v1/saml_connections', jsonOfSize({ name: 'x' }, MAX_BODY_BYTES))
    // Read and validated: only the padding field is wrong.
    expect(atLimit.status).toBe(422)
    expect(atLimit.body.errors.map((e: any) => [e.code, e.meta?.param_name])).toContainEqual(['form_param_unknown', 'padding'])
    for (const [method, path] of [['POST', '/v1/saml_connections'], ['PATCH', `/v1/saml_connections/${id}`]] as const) {
      const res = await api.call(method, path, jsonOfSize({ name: 'x' }, MAX_BODY_BYTES + 1))
      expect(res.status, `${method} ${path}`).toBe(413)
      expect(res.body.errors).toEqual([expect.objectContaining({ code: 'request_body_too_large', meta: { limit: MAX_BODY_BYTES } })])
    }
    const chunked = await send(`/v1/saml_connections/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' }, body: chunkedBody('{"name":"', 17) })
    expectClerkError(chunked)
    expect(codes(chunked)).toEqual([['request_body_too_large', undefined]])
    expect(await snapshotInstance(instanceId)).toEqual(before)
  })

  it('SuperTokens: reads exactly 1 MiB, and answers 400 with the size one byte over, at remove and under a tenant', async () => {
    const { apiKey, instanceId } = await newApp()
    const tenant = newTenantId()
    const st = stClient(apiKey, `/${tenant}`)
    expect((await st.put(clientBody({ clientId: 'kept' }))).body.status).toBe('OK')
    const before = await snapshotInstance(instanceId)
    const atLimit = await st.call('PUT', '/recipe/saml/clients', jsonOfSize(clientBody({ clientId: 'at-limit' }), MAX_BODY_BYTES))
    expect(atLimit.body.status).toBe('OK') // unknown fields are ignored, as the core ignores them
    const after = await snapshotInstance(instanceId)
    for (const [method, path, fields] of [['PUT', '/recipe/saml/clients', clientBody({ clientId: 'kept' })], ['POST', '/recipe/saml/clients/remove', { clientId: 'kept' }]] as const) {
      const res = await st.call(method, path, jsonOfSize(fields, MAX_BODY_BYTES + 1))
      expect([res.status, res.contentType, res.text], `${method} ${path}`).toEqual([400, 'text/html; charset=UTF-8', `Request body is larger than ${MAX_BODY_BYTES} bytes\n`])
    }
    expect(await snapshotInstance(instanceId)).toEqual(after)
    expect(after.connections).toHaveLength(before.connections.length + 1)
  })
})

describe('IdP metadata size', () => {
  it(`Clerk: accepts metadata of exactly ${MAX_METADATA_BYTES} bytes; refuses one more character (422 form_param_value_invalid) or byte (422 saml_failed_to_parse_idp_metadata)`, async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    expect((await api.create(connectionInput({ idp_metadata: metadataOfSize(MAX_METADATA_BYTES) }))).status).toBe(200)
    const before = await snapshotInstance(instanceId)
    const tooManyChars = await api.create(connectionInput({ idp_metadata: metadataOfSize(MAX_METADATA_BYTES + 1) }))
    expect([tooManyChars.status, tooManyChars.body.errors.map((e: any) => [e.code, e.meta?.param_name])]).toEqual([422, [['form_param_value_invalid', 'idp_metadata']]])
    // Fewer characters than the field allows, more bytes than the parser reads.
    const tooManyBytes = metadataOfSize(MAX_METADATA_BYTES + 1, 'é')
    expect(tooManyBytes.length).toBeLessThanOrEqual(MAX_METADATA_BYTES)
    const refused = await api.create(connectionInput({ idp_metadata: tooManyBytes }))
    expect([refused.status, refused.body.errors[0].code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
    expect(await snapshotInstance(instanceId)).toEqual(before)
  })

  it(`SuperTokens: accepts metadataXML of exactly ${MAX_METADATA_BYTES} bytes, refuses one byte more`, async () => {
    const st = stClient((await newApp()).apiKey)
    expect((await st.put(clientBody({ metadataXML: toBase64(metadataOfSize(MAX_METADATA_BYTES)) }))).body.status).toBe('OK')
    const over = await st.put(clientBody({ metadataXML: toBase64(metadataOfSize(MAX_METADATA_BYTES + 1)) }))
    expect([over.status, over.text]).toEqual([400, 'metadataXML does not have a valid SAML metadata\n'])
  })
})

describe(`XML depth (${MAX_XML_DEPTH} nested elements)`, () => {
  it('accepts metadata nested exactly to the limit and refuses one level more, in both styles', async () => {
    const { secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const st = stClient((await newApp()).apiKey)
    expect((await api.create(connectionInput({ idp_metadata: metadataOfDepth(MAX_XML_DEPTH) }))).status).toBe(200)
    expect((await st.put(clientBody({ metadataXML: toBase64(metadataOfDepth(MAX_XML_DEPTH)) }))).body.status).toBe('OK')
    const clerkDeep = await api.create(connectionInput({ idp_metadata: metadataOfDepth(MAX_XML_DEPTH + 1) }))
    expect([clerkDeep.status, clerkDeep.body.errors[0].code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
    const stDeep = await st.put(clientBody({ metadataXML: toBase64(metadataOfDepth(MAX_XML_DEPTH + 1)) }))
    expect([stDeep.status, stDeep.text]).toEqual([400, 'metadataXML does not have a valid SAML metadata\n'])
  })
})

describe('DTDs and entities', () => {
  const lolz = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`

  it('refuses entity expansion in metadata on update too, and changes nothing', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const { id } = (await api.create(connectionInput())).body
    const before = await snapshotInstance(instanceId)
    const xml = idpMetadataXml({ prolog: lolz, entityId: '&lol9;' })
    const res = await api.update(id, { idp_metadata: xml })
    expect([res.status, res.body.errors[0].code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
    expect(await snapshotInstance(instanceId)).toEqual(before)
  })
})

describe('metadata fetch timeout', () => {
  // The deployed timeout is METADATA_FETCH_TIMEOUT_MS; the update runs with a short one injected
  // through Deps, so the test IdP's late answer (8 s) is refused without waiting for it.
  it('gives up on a slow IdP on update: idp_metadata_fetch_failed, nothing changed', async () => {
    const { instanceId, secretKey } = await newInstance()
    const { id } = (await clerkClient(secretKey).create(connectionInput({ idp_entity_id: 'https://idp.example.com/kept' }))).body
    const before = await snapshotInstance(instanceId)
    const deps = { ...buildDeps(env, 'req_timeout_test'), fetchMetadata: makeMetadataFetcher((input, init) => fetch(input, init), true, 50) }
    await expect(updateConnection(deps, instanceId, id, { idpMetadataUrl: `${METADATA_ORIGIN}/slow` })).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
    expect(await snapshotInstance(instanceId)).toEqual(before)
  })

  it('answers a failed fetch on update with 400 saml_failed_to_fetch_idp_metadata, nothing changed', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const { id } = (await api.create(connectionInput({ idp_entity_id: 'https://idp.example.com/kept' }))).body
    const before = await snapshotInstance(instanceId)
    const res = await api.update(id, { idp_metadata_url: `${METADATA_ORIGIN}/missing` })
    expect([res.status, res.body.errors[0].code]).toEqual([400, 'saml_failed_to_fetch_idp_metadata'])
    expect(await snapshotInstance(instanceId)).toEqual(before)
  })
})

describe('field and query caps', () => {
  it('Clerk: refuses arrays and strings over their caps with 422 naming the field, and accepts them at the cap', async () => {
    const { secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const t = crypto.randomUUID().slice(0, 8)
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example.com/cb/${i}`)
    const domains = (n: number, p: string) => Array.from({ length: n }, (_, i) => `d${i}-${p}-${t}.example.com`)
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['domains', { domains: domains(50, 'ok') }, { domains: domains(51, 'no') }],
      ['redirect_uris', { redirect_uris: urls(20) }, { redirect_uris: urls(21) }],
      ['idp_certificates', { idp_certificates: Array(5).fill(idpCertPem) }, { idp_certificates: Array(6).fill(idpCertPem) }],
      ['name', { name: 'n'.repeat(256) }, { name: 'n'.repeat(257) }],
      ['organization_id', { organization_id: `o${t}`.padEnd(128, 'o') }, { organization_id: 'o'.repeat(129) }],
    ]
    for (const [param, ok, over] of cases) {
      const accepted = await api.create(connectionInput(ok))
      expect(accepted.status, `${param} at the cap: ${JSON.stringify(accepted.body).slice(0, 200)}`).toBe(200)
      const refused = await api.create(connectionInput(over))
      expect([refused.status, refused.body.errors.map((e: any) => [e.code, e.meta?.param_name])], param).toEqual([422, [['form_param_value_invalid', param]]])
    }
  })

  it('Clerk list: refuses more than 100 organization_id values and a query over 256 characters with 400, accepts limit=500', async () => {
    const api = clerkClient((await newInstance()).secretKey)
    const orgs = (n: number) => Array.from({ length: n }, (_, i) => `organization_id=org_${i}`).join('&')
    expect((await api.list(`?${orgs(100)}&limit=500`)).status).toBe(200)
    for (const [q, param] of [[`?${orgs(101)}`, 'organization_id'], [`?query=${'q'.repeat(257)}`, 'query']]) {
      const res = await api.list(q)
      expect([res.status, res.body.errors[0].code, res.body.errors[0].meta.param_name]).toEqual([400, 'invalid_query_parameter_value', param])
    }
  })
})
