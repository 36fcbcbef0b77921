import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { inflateSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BINDING_REDIRECT, metadataXml } from '../helpers/idp-metadata'
import { freshSignedResponse, toBase64 } from '../helpers/test-idp'
import { makeIdpKey } from './idp-key'
import { startWorker, type RunningWorker } from './worker'
import { xmlsecSign, type XmlsecSigning } from './xmlsec-sign'

// Sign-ins end to end through the Clerk-style ACS with the signature algorithms xml-crypto cannot
// make: ECDSA (P-256, P-384, P-521) for IdPs with EC certificates, RSA-SHA384 with the SHA-384
// digest, and Lasso's RSA-SHA512 over a SHA-384 digest. The IdP's answer is made now, for this
// connection's entity ids, ACS and AuthnRequest, and signed by xmlsec1 (test/node/xmlsec-sign.ts).

const APP_CALLBACK = 'https://app.example.com/sso/callback'
const SECRET = { authorization: 'Bearer sk_test_local_development_key' }

type Curve = 'P-256' | 'P-384' | 'P-521'
const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${btoa(String.fromCharCode(...new Uint8Array(der))).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`

/** An IdP key of this run on `curve`, with a self-signed certificate valid for a day. */
async function makeEcKey(curve: Curve): Promise<{ key: string; cert: string; bareCert: string }> {
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[curve]
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
    name: `CN=saml-edge test IdP ${curve}`,
    notBefore: new Date(now - 60 * 60_000),
    notAfter: new Date(now + 24 * 60 * 60_000),
    signingAlgorithm: { name: 'ECDSA', hash },
    keys,
  })
  const certPem = cert.toString('pem')
  return { key: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)), cert: certPem, bareCert: certPem.replace(/-----[A-Z ]+-----|\s/g, '') }
}

const [p256, p384, p521, otherP256, rsa] = await Promise.all([makeEcKey('P-256'), makeEcKey('P-384'), makeEcKey('P-521'), makeEcKey('P-256'), makeIdpKey()])

let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker()
})
afterAll(async () => {
  await worker?.stop()
})

type IdpKey = { key: string; cert: string; bareCert: string }
type Connection = { entityId: string; id: string; spEntityId: string; user: string }

/** A connection made through the Clerk API, trusting `idp` by its metadata or by idp_certificate alone. */
async function clerkConnection(idp: IdpKey, by: 'metadata' | 'idp_certificate'): Promise<Connection> {
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  // A connection's domains are its own: each gets one, and its user an address there.
  const domain = `a-${crypto.randomUUID().slice(0, 8)}.example.com`
  const trust =
    by === 'metadata'
      ? { idp_metadata: metadataXml({ entityId, bindings: [BINDING_REDIRECT], certs: [idp.bareCert] }) }
      : { idp_entity_id: entityId, idp_sso_url: 'https://idp.example.com/sso', idp_certificate: idp.cert }
  const res = await fetch(`${worker.origin}/v1/saml_connections`, {
    method: 'POST',
    headers: { ...SECRET, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `algorithms ${by}`,
      provider: 'saml_custom',
      domain,
      domains: [domain],
      ...trust,
      active: true,
      redirect_uris: [APP_CALLBACK],
      attribute_mapping: { email_address: 'mail', first_name: 'givenName' },
    }),
  })
  const body = (await res.json()) as { id: string; sp_entity_id: string; idp_certificate: string | null }
  if (res.status !== 200) throw new Error(`create failed: ${JSON.stringify(body)}`)
  expect(body.idp_certificate?.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(idp.bareCert)
  return { entityId, id: body.id, spEntityId: body.sp_entity_id, user: `ada@${domain}` }
}

/** One SP-initiated login: the AuthnRequest read from the redirect, answered by the IdP and posted to the ACS. */
async function signIn(conn: Connection, signing: XmlsecSigning, sign: ('assertion' | 'response')[]) {
  const start = await fetch(`${worker.origin}/v1/saml/login?${new URLSearchParams({ connection_id: conn.id, redirect_uri: APP_CALLBACK })}`, { redirect: 'manual' })
  const url = new URL(start.headers.get('location') ?? '')
  const request = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(url.searchParams.get('SAMLRequest') ?? ''), (c) => c.charCodeAt(0))))
  const attr = (name: string) => request.match(new RegExp(` ${name}="([^"]+)"`))?.[1] ?? ''
  const acsUrl = attr('AssertionConsumerServiceURL')
  let xml = freshSignedResponse(
    { entityId: conn.entityId, spEntityId: conn.spEntityId, acsUrl, inResponseTo: attr('ID') },
    { nameId: conn.user, attributes: { mail: [conn.user], givenName: ['Ada'] }, sign: 'none' },
  )
  // As IdPs that sign both do: the Assertion first, then the Response around it.
  for (const on of sign) xml = await xmlsecSign(xml, on, signing)
  const form = new URLSearchParams({ SAMLResponse: toBase64(xml), RelayState: url.searchParams.get('RelayState') ?? '' })
  return fetch(acsUrl, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })
}

/** The profile the code exchange (POST /v1/saml/token) returns for the app callback's code. */
async function profileAfter(back: Response) {
  expect(back.status).toBe(302)
  const landed = new URL(back.headers.get('location') ?? '')
  expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK)
  const res = await fetch(`${worker.origin}/v1/saml/token`, {
    method: 'POST',
    headers: { ...SECRET, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: landed.searchParams.get('code') ?? '' }),
  })
  expect(res.status).toBe(200)
  return res.json()
}

const CASES: { label: string; idp: IdpKey; by: 'metadata' | 'idp_certificate'; signing: Omit<XmlsecSigning, 'key' | 'cert'>; sign: ('assertion' | 'response')[] }[] = [
  { label: 'ECDSA P-256 / SHA-256, Response signed, certificate given as idp_certificate', idp: p256, by: 'idp_certificate', signing: { signatureMethod: 'ecdsa-sha256', digestMethod: 'sha256' }, sign: ['response'] },
  { label: 'ECDSA P-256 / SHA-256, Assertion signed, certificate from metadata', idp: p256, by: 'metadata', signing: { signatureMethod: 'ecdsa-sha256', digestMethod: 'sha256' }, sign: ['assertion'] },
  { label: 'ECDSA P-384 / SHA-384, Assertion signed, certificate from metadata', idp: p384, by: 'metadata', signing: { signatureMethod: 'ecdsa-sha384', digestMethod: 'sha384' }, sign: ['assertion'] },
  { label: 'ECDSA P-384 / SHA-384, both signed, certificate given as idp_certificate', idp: p384, by: 'idp_certificate', signing: { signatureMethod: 'ecdsa-sha384', digestMethod: 'sha384' }, sign: ['assertion', 'response'] },
  { label: 'ECDSA P-521 / SHA-512, Response signed, certificate from metadata', idp: p521, by: 'metadata', signing: { signatureMethod: 'ecdsa-sha512', digestMethod: 'sha512' }, sign: ['response'] },
  { label: 'RSA-SHA384 with the SHA-384 digest, Response signed', idp: rsa, by: 'metadata', signing: { signatureMethod: 'rsa-sha384', digestMethod: 'sha384' }, sign: ['response'] },
  { label: 'RSA-SHA384 with the SHA-384 digest, Assertion signed, certificate given as idp_certificate', idp: rsa, by: 'idp_certificate', signing: { signatureMethod: 'rsa-sha384', digestMethod: 'sha384' }, sign: ['assertion'] },
  { label: "Lasso's pairing: RSA-SHA512 over a SHA-384 digest, Assertion signed", idp: rsa, by: 'metadata', signing: { signatureMethod: 'rsa-sha512', digestMethod: 'sha384' }, sign: ['assertion'] },
]

describe('the Clerk-style ACS takes ECDSA and RSA-SHA384 signatures made by xmlsec1', () => {
  it.each(CASES)('signs in: $label', async ({ idp, by, signing, sign }) => {
    const conn = await clerkConnection(idp, by)
    const back = await signIn(conn, { ...signing, key: idp.key, cert: idp.cert }, sign)
    expect(await profileAfter(back)).toMatchObject({ connection_id: conn.id, name_id: conn.user, email_address: conn.user, first_name: 'Ada' })
  })

  it('refuses an ECDSA signature by another P-256 key, an RSA signature for an EC connection, and an ECDSA one for an RSA connection', async () => {
    const ec = await clerkConnection(p256, 'idp_certificate')
    const rsaConn = await clerkConnection(rsa, 'metadata')
    const attempts = [
      await signIn(ec, { key: otherP256.key, cert: otherP256.cert, signatureMethod: 'ecdsa-sha256', digestMethod: 'sha256' }, ['response']),
      await signIn(ec, { key: rsa.key, cert: rsa.cert, signatureMethod: 'rsa-sha256', digestMethod: 'sha256' }, ['response']),
      await signIn(rsaConn, { key: p256.key, cert: p256.cert, signatureMethod: 'ecdsa-sha256', digestMethod: 'sha256' }, ['response']),
    ]
    expect(attempts.map((a) => a.status)).toEqual([400, 400, 400])
    // No code reached the app: each answer is the ACS's refusal, not a redirect.
    expect(attempts.map((a) => a.headers.get('location'))).toEqual([null, null, null])
  })
})
