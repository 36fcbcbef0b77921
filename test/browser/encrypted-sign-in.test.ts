import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import encryptionCert from '../fixtures/keys/sp-encryption.cert.pem?raw'
import nextEncryptionCert from '../fixtures/keys/sp-encryption-next.cert.pem?raw'
import spCert from '../fixtures/keys/sp.cert.pem?raw'
import nextSpCert from '../fixtures/keys/sp-next.cert.pem?raw'
import { activeConnection, APP_CALLBACK, exchange, postToAcs, signedResponseXmlFor, startLogin, userOf } from '../helpers/sso'
import { elementXml, replaceElement, signResponse, TEST_KEYS, toBase64 } from '../helpers/test-idp'
import { encryptToCertificate, flipCipherByte } from '../helpers/xml-encrypt'

// The deployment's encryption keys (SP_ENCRYPTION_* and SP_NEXT_ENCRYPTION_*, test-only ones from
// vitest.config.ts) reach the Clerk-style ACS and every connection's SP metadata. The algorithm
// matrix, from xml-encryption and xmlsec1, is in test/saml/encrypted-assertion.test.ts and, over
// HTTP against the Worker under wrangler, test/node/encrypted-sign-in.test.ts.

const bare = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
type Conn = { id: string; sp_entity_id: string; acs_url: string; sp_metadata_url: string; domain?: string | null }

/** The test IdP's answer with its (signed) Assertion encrypted to `cert`; `signResponse` signs the Response around it instead. */
async function encryptedAnswer(conn: Conn, entityId: string, requestId: string, cert: string, options: { signResponse?: boolean; content?: 'AES-GCM' | 'AES-CBC' } = {}) {
  const xml = signedResponseXmlFor(conn, entityId, requestId, { sign: options.signResponse ? 'none' : 'assertion' })
  const encrypted = replaceElement(xml, 'saml:Assertion', await encryptToCertificate(elementXml(xml, 'saml:Assertion'), cert, { content: options.content ?? 'AES-GCM' }))
  return options.signResponse ? signResponse(encrypted) : encrypted
}

async function signIn(options: Parameters<typeof encryptedAnswer>[4] & { cert?: string; tamper?: (xml: string) => string } = {}) {
  const { connection, entityId, secretKey } = await activeConnection()
  const conn = connection as Conn
  const login = await startLogin({ connection_id: conn.id, redirect_uri: APP_CALLBACK })
  const xml = await encryptedAnswer(conn, entityId, login.requestId!, options.cert ?? encryptionCert, options)
  const res = await postToAcs(conn.id, toBase64((options.tamper ?? ((x) => x))(xml)), login.relayState)
  return { conn, res, secretKey }
}

describe('encrypted assertions at the Clerk-style ACS', () => {
  it.each([
    { name: 'AES-256-GCM, assertion signed, to the current key', options: {} },
    { name: 'AES-256-CBC, Response signed, to the current key', options: { content: 'AES-CBC' as const, signResponse: true } },
    { name: 'AES-256-GCM, to the next key of a rollover', options: { cert: nextEncryptionCert } },
  ])('signs in: $name', async ({ options }) => {
    const { conn, res, secretKey } = await signIn(options)
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(APP_CALLBACK)
    const profile = (await (await exchange(location.searchParams.get('code') ?? '', { secretKey })).json()) as Record<string, unknown>
    expect(profile).toMatchObject({ connection_id: conn.id, name_id: userOf(conn) })
  })

  it('refuses a wrong key, a tampered ciphertext and a tampered Response alike, with the answer of any unverifiable response', async () => {
    const refusals = [
      await signIn({ cert: TEST_KEYS.attacker.cert }),
      await signIn({ tamper: (xml) => flipCipherByte(xml, 'content', 30) }),
      await signIn({ tamper: (xml) => flipCipherByte(xml, 'key', 30) }),
      await signIn({ signResponse: true, tamper: (xml) => flipCipherByte(xml, 'content', 30) }),
    ]
    const { connection, entityId } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const unsigned = toBase64(signedResponseXmlFor(connection as Conn, entityId, login.requestId!, { sign: 'none' }))
    const baseline = await postToAcs(connection.id, unsigned, login.relayState)
    // Each answer names its own request id; apart from that they must be the same bytes.
    const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: (await res.text()).replace(/req_[0-9A-Za-z]+/g, 'req_') })
    const expected = await answer(baseline)
    expect(expected.status).toBe(400)
    for (const { res } of refusals) expect(await answer(res)).toEqual(expected)
  })
})

describe('SP metadata publishes the deployment keys', () => {
  const keyDescriptors = (xml: string, use: string) =>
    [...xml.matchAll(new RegExp(`<md:KeyDescriptor use="${use}">[\\s\\S]*?</md:KeyDescriptor>`, 'g'))].map((m) => m[0])

  it('every connection: both encryption certificates with the accepted EncryptionMethods, GCM first', async () => {
    const { connection } = await activeConnection({ enable_request_signing: false })
    const res = await SELF.fetch((connection as Conn).sp_metadata_url)
    const xml = await res.text()
    expect(res.status).toBe(200)
    const encryption = keyDescriptors(xml, 'encryption')
    expect(encryption.map((kd) => kd.match(/<ds:X509Certificate>([^<]+)</)?.[1])).toEqual([bare(encryptionCert), bare(nextEncryptionCert)])
    for (const kd of encryption) expect(kd.match(/EncryptionMethod Algorithm="[^"]+"/)?.[0]).toBe('EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"')
    expect(keyDescriptors(xml, 'signing')).toEqual([])
  })

  it('a connection signing its requests: the current and the next signing certificate', async () => {
    const { connection } = await activeConnection({ enable_request_signing: true })
    const xml = await (await SELF.fetch((connection as Conn).sp_metadata_url)).text()
    expect(keyDescriptors(xml, 'signing').map((kd) => kd.match(/<ds:X509Certificate>([^<]+)</)?.[1])).toEqual([bare(spCert), bare(nextSpCert)])
  })
})
