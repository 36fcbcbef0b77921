import { inflateSync } from 'fflate'
import SAML from 'supertokens-node/recipe/saml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BINDING_REDIRECT, metadataXml } from '../helpers/idp-metadata'
import { freshSignedResponse, signResponse, toBase64, type KeyPair, type SignTarget } from '../helpers/test-idp'
import { encryptAssertion, XENC, XENC11, type Encryption, type Implementation } from './encrypt'
import { makeIdpKey } from './idp-key'
import { DEV_API_KEY, initSupertokens } from './supertokens-init'
import { readRepoFile, startWorker, type RunningWorker } from './worker'

// Sign-ins with an EncryptedAssertion made by xml-encryption (npm) and xmlsec1 (libxmlsec1), over HTTP
// against the Worker under wrangler, which has the test SP encryption keys (test/node/worker.ts):
// every algorithm pair through the Clerk-style ACS, and one sign-in each through the SuperTokens
// callback (driven by supertokens-node) and the legacy callback, which share the same pipeline.

const idpKey: KeyPair & { bareCert: string } = await makeIdpKey()
const spEncryptionCert = await readRepoFile('test/fixtures/keys/sp-encryption.cert.pem')
const spNextEncryptionCert = await readRepoFile('test/fixtures/keys/sp-encryption-next.cert.pem')
const attackerCert = await readRepoFile('test/fixtures/keys/attacker.cert.pem')
const APP_CALLBACK = 'https://app.example.com/sso/callback'
const USER = 'ada@acme.example'

let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker()
  initSupertokens(worker.origin)
})
afterAll(async () => {
  await worker?.stop()
})

const entity = () => `https://idp.example.com/${crypto.randomUUID()}`
const metadata = (entityId: string) => metadataXml({ entityId, bindings: [BINDING_REDIRECT], certs: [idpKey.bareCert] })
const get = (url: string) => fetch(url, { redirect: 'manual' })
const postForm = (url: string, form: Record<string, string>) =>
  fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })

/** What the IdP reads from the browser's visit: the AuthnRequest's ID, ACS URL and Issuer, and the RelayState. */
function readRedirect(location: string) {
  const url = new URL(location)
  const xml = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(url.searchParams.get('SAMLRequest') ?? ''), (c) => c.charCodeAt(0))))
  const attr = (name: string) => xml.match(new RegExp(` ${name}="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&') ?? ''
  return { relayState: url.searchParams.get('RelayState') ?? '', requestId: attr('ID'), acsUrl: attr('AssertionConsumerServiceURL'), spEntityId: xml.match(/<saml:Issuer>([^<]+)</)?.[1] ?? '' }
}

type Request = { entityId: string; spEntityId: string; acsUrl: string; inResponseTo: string | null }

/** The IdP's answer, signed by this run's key, its Assertion encrypted by `implementation` to `cert`. */
async function encryptedXml(p: Request, implementation: Implementation, encryption: Encryption, { cert = spEncryptionCert, sign = 'assertion' as SignTarget } = {}): Promise<string> {
  const attributes = { mail: [USER], givenName: ['Ada'] }
  // As IdPs do: the Assertion is signed before it is encrypted, the Response after.
  const signAssertion = sign === 'both' || sign === 'assertion'
  const plain = freshSignedResponse(p, { nameId: USER, attributes, sign: signAssertion ? 'assertion' : 'none', signing: { key: idpKey } })
  const encrypted = await encryptAssertion(plain, implementation, encryption, cert)
  return sign === 'response' || sign === 'both' ? signResponse(encrypted, { key: idpKey }) : encrypted
}

const encryptedAnswer = async (...args: Parameters<typeof encryptedXml>) => toBase64(await encryptedXml(...args))

// ---- The Clerk-style ACS, on the development instance.

async function clerkConnection() {
  const entityId = entity()
  const res = await fetch(`${worker.origin}/v1/saml_connections`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'encrypted',
      provider: 'saml_custom',
      domain: `e-${crypto.randomUUID().slice(0, 8)}.example.com`,
      domains: ['acme.example'],
      idp_metadata: metadata(entityId),
      active: true,
      redirect_uris: [APP_CALLBACK],
      attribute_mapping: { email_address: 'mail', first_name: 'givenName' },
    }),
  })
  const body = (await res.json()) as { id: string; sp_entity_id: string }
  if (res.status !== 200) throw new Error(`create failed: ${JSON.stringify(body)}`)
  return { entityId, id: body.id, spEntityId: body.sp_entity_id }
}

/** One SP-initiated login at the Clerk-style ACS, answered with `answer`. */
async function clerkSignIn(conn: { entityId: string; id: string; spEntityId: string }, answer: (p: Request) => Promise<string>) {
  const start = await get(`${worker.origin}/v1/saml/login?${new URLSearchParams({ connection_id: conn.id, redirect_uri: APP_CALLBACK })}`)
  const req = readRedirect(start.headers.get('location') ?? '')
  const samlResponse = await answer({ entityId: conn.entityId, spEntityId: conn.spEntityId, acsUrl: req.acsUrl, inResponseTo: req.requestId })
  return postForm(req.acsUrl, { SAMLResponse: samlResponse, RelayState: req.relayState })
}

const GCM = (bits: number) => `${XENC11}aes${bits}-gcm`
const CBC = (bits: number) => `${XENC}aes${bits}-cbc`
const MGF1P = `${XENC}rsa-oaep-mgf1p`
const OAEP11 = `${XENC11}rsa-oaep`
const name = (e: Encryption) =>
  `${e.content.split('#')[1]} + ${e.transport.split('#')[1]}${e.digest ? ` ${e.digest}` : ''}${e.mgf ? `/mgf1${e.mgf}` : ''}${e.placement ? `, EncryptedKey ${e.placement}` : ''}`

const accepted: { implementation: Implementation; encryption: Encryption; sign?: SignTarget; cert?: string }[] = [
  ...[128, 192, 256].flatMap((bits) => [GCM(bits), CBC(bits)].map((content) => ({ implementation: 'xmlsec1' as const, encryption: { content, transport: MGF1P } }))),
  ...[128, 256].flatMap((bits) =>
    [GCM(bits), CBC(bits)].flatMap((content) => [
      { implementation: 'xml-encryption' as const, encryption: { content, transport: MGF1P } },
      ...(['sha1', 'sha256', 'sha384', 'sha512'] as const).map((hash) => ({ implementation: 'xml-encryption' as const, encryption: { content, transport: OAEP11, digest: hash, mgf: hash } })),
    ]),
  ),
  ...(['retrieval-method', 'key-name', 'sibling'] as const).flatMap((placement) => [
    { implementation: 'xmlsec1' as const, encryption: { content: GCM(256), transport: MGF1P, placement } },
    { implementation: 'xml-encryption' as const, encryption: { content: CBC(128), transport: MGF1P, placement } },
  ]),
  { implementation: 'xmlsec1', encryption: { content: GCM(256), transport: MGF1P }, sign: 'response' },
  { implementation: 'xml-encryption', encryption: { content: CBC(256), transport: OAEP11, digest: 'sha256', mgf: 'sha256' }, sign: 'both' },
  { implementation: 'xmlsec1', encryption: { content: CBC(256), transport: MGF1P }, cert: spNextEncryptionCert },
]

describe('the Clerk-style ACS decrypts what xml-encryption and xmlsec1 encrypt', () => {
  let conn: Awaited<ReturnType<typeof clerkConnection>>
  beforeAll(async () => {
    conn = await clerkConnection()
  })

  it.each(accepted.map((c) => ({ ...c, label: `${c.implementation}: ${name(c.encryption)}${c.sign ? `, ${c.sign} signed` : ''}${c.cert ? ', next key' : ''}` })))(
    'signs in: $label',
    async ({ implementation, encryption, sign, cert }) => {
      const back = await clerkSignIn(conn, (p) => encryptedAnswer(p, implementation, encryption, { sign, cert }))
      expect(back.status).toBe(302)
      const landed = new URL(back.headers.get('location') ?? '')
      expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK)
      const profile = await fetch(`${worker.origin}/v1/saml/token`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code: landed.searchParams.get('code') ?? '' }),
      })
      expect(await profile.json()).toMatchObject({ connection_id: conn.id, name_id: USER, email_address: USER, first_name: 'Ada' })
    },
  )

  it('refuses RSA-1_5, 3DES, OAEP pairs WebCrypto cannot do, a wrong key, tampering and a second assertion, all with one answer', async () => {
    const refusedCases: { implementation: Implementation; encryption: Encryption; cert?: string; tamper?: (xml: string, p: Request) => string }[] = [
      { implementation: 'xmlsec1', encryption: { content: CBC(256), transport: `${XENC}rsa-1_5` } },
      { implementation: 'xml-encryption', encryption: { content: GCM(256), transport: `${XENC}rsa-1_5` } },
      { implementation: 'xmlsec1', encryption: { content: `${XENC}tripledes-cbc`, transport: MGF1P } },
      { implementation: 'xml-encryption', encryption: { content: GCM(256), transport: MGF1P, digest: 'sha256' } },
      { implementation: 'xml-encryption', encryption: { content: GCM(256), transport: OAEP11, digest: 'sha256', mgf: 'sha1' } },
      { implementation: 'xmlsec1', encryption: { content: GCM(256), transport: MGF1P }, cert: attackerCert },
      { implementation: 'xml-encryption', encryption: { content: CBC(128), transport: MGF1P }, cert: attackerCert },
      { implementation: 'xmlsec1', encryption: { content: GCM(128), transport: MGF1P }, tamper: (xml) => flipBase64(xml, 'xenc:CipherValue', -1) },
      { implementation: 'xml-encryption', encryption: { content: CBC(256), transport: MGF1P }, tamper: (xml) => flipBase64(xml, 'e:CipherValue', 10) },
      // Beside the EncryptedAssertion, a plain Assertion for the same request, signed by the IdP too.
      {
        implementation: 'xmlsec1',
        encryption: { content: GCM(256), transport: MGF1P },
        tamper: (xml, p) => {
          const plain = freshSignedResponse(p, { nameId: USER, attributes: { mail: [USER] }, sign: 'assertion', signing: { key: idpKey } })
          const assertion = plain.slice(plain.indexOf('<saml:Assertion '), plain.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length)
          return xml.replace('</samlp:Status>', `</samlp:Status>${assertion}`)
        },
      },
    ]
    const answers: { status: number; body: string }[] = []
    for (const c of refusedCases) {
      const back = await clerkSignIn(conn, async (p) => {
        const xml = await encryptedXml(p, c.implementation, c.encryption, { cert: c.cert })
        return toBase64(c.tamper ? c.tamper(xml, p) : xml)
      })
      answers.push({ status: back.status, body: (await back.text()).replace(/req_[0-9A-Za-z]+/g, 'req_') })
    }
    // The same answer as for a response with no signature at all.
    const unsigned = await clerkSignIn(conn, async (p) => toBase64(freshSignedResponse(p, { nameId: USER, sign: 'none' })))
    const expected = { status: unsigned.status, body: (await unsigned.text()).replace(/req_[0-9A-Za-z]+/g, 'req_') }
    expect(expected.status).toBe(400)
    expect(answers).toEqual(refusedCases.map(() => expected))
  })
})

/** Flips the low bit of byte `at` (negative: from the end) of the first `<qname>` base64 value. */
function flipBase64(xml: string, qname: string, at: number): string {
  const start = xml.indexOf(`<${qname}>`) + qname.length + 2
  const end = xml.indexOf(`</${qname}>`, start)
  const bytes = Uint8Array.from(atob(xml.slice(start, end).replace(/\s+/g, '')), (c) => c.charCodeAt(0))
  const i = at < 0 ? bytes.length + at : at
  bytes[i] = (bytes[i] ?? 0) ^ 1
  return xml.slice(0, start) + btoa(String.fromCharCode(...bytes)) + xml.slice(end)
}

// Each implementation's algorithm pairs and EncryptedKey placements, through both SuperTokens callbacks too.
const pairs = accepted.filter((c) => !c.sign && !c.cert).map((c) => ({ ...c, label: `${c.implementation}: ${name(c.encryption)}` }))

describe('the SuperTokens callback (driven by supertokens-node) decrypts every pair', () => {
  const callback = 'http://localhost:3000/auth/callback/saml'
  let tenantId: string
  let clientId: string
  let entityId: string
  beforeAll(async () => {
    tenantId = `t-${crypto.randomUUID().slice(0, 8)}`
    entityId = entity()
    const created = await SAML.createOrUpdateClient({ tenantId, redirectURIs: [callback], defaultRedirectURI: callback, metadataXML: toBase64(metadata(entityId)) })
    if (created.status !== 'OK') throw new Error(created.status)
    clientId = created.clientId
  })

  it.each(pairs)('verifySAMLResponse signs in: $label', async ({ implementation, encryption }) => {
    const acsURL = `http://localhost:3001/auth/${tenantId}/saml/callback`
    const login = await SAML.createLoginRequest({ tenantId, clientId, redirectURI: callback, acsURL })
    if (login.status !== 'OK') throw new Error(login.status)
    const req = readRedirect(login.redirectURI)
    const samlResponse = await encryptedAnswer({ entityId, spEntityId: req.spEntityId, acsUrl: acsURL, inResponseTo: req.requestId }, implementation, encryption)
    const verified = await SAML.verifySAMLResponse({ tenantId, samlResponse, relayState: req.relayState })
    expect(verified.status).toBe('OK')
    if (verified.status !== 'OK') return
    const code = new URL(verified.redirectURI).searchParams.get('code') ?? ''
    expect(await SAML.getUserInfo({ tenantId, accessToken: code, clientId })).toMatchObject({ status: 'OK', sub: USER, email: USER })
  })
})

describe('the legacy callback decrypts every pair', () => {
  let client: { status: string; clientId: string; spEntityId: string }
  let entityId: string
  beforeAll(async () => {
    entityId = entity()
    const put = await fetch(`${worker.origin}/recipe/saml/clients`, {
      method: 'PUT',
      headers: { 'api-key': DEV_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: 'legacy-secret', redirectURIs: [APP_CALLBACK], defaultRedirectURI: APP_CALLBACK, metadataXML: toBase64(metadata(entityId)) }),
    })
    client = (await put.json()) as typeof client
    if (client.status !== 'OK') throw new Error(client.status)
  })

  it.each(pairs)('signs in: $label', async ({ implementation, encryption }) => {
    const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: APP_CALLBACK, response_type: 'code', instance_id: 'ins_local' })
    const req = readRedirect((await get(`${worker.origin}/recipe/saml/legacy/authorize?${query}`)).headers.get('location') ?? '')
    const samlResponse = await encryptedAnswer({ entityId, spEntityId: client.spEntityId, acsUrl: req.acsUrl, inResponseTo: req.requestId }, implementation, encryption)
    const back = await postForm(req.acsUrl, { SAMLResponse: samlResponse, RelayState: req.relayState })
    expect(back.status).toBe(302)
    const code = new URL(back.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const token = await postForm(`${worker.origin}/recipe/saml/legacy/token`, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: 'legacy-secret', code, redirect_uri: APP_CALLBACK })
    const { access_token } = (await token.json()) as { access_token: string }
    const user = await fetch(`${worker.origin}/recipe/saml/legacy/userinfo`, { headers: { authorization: `Bearer ${access_token}` } })
    expect(await user.json()).toMatchObject({ id: USER, email: USER })
  })
})
