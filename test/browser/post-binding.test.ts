import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SignedXml } from 'xml-crypto'
import spCertPem from '../fixtures/keys/sp.cert.pem?raw'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { BINDING_POST } from '../helpers/idp-metadata'
import { idpMetadataXml } from '../helpers/keys'
import { APP_CALLBACK, postToAcs, userOf } from '../helpers/sso'
import { makeSignedResponse, toBase64 } from '../helpers/test-idp'
import { ORIGIN } from '../helpers/http'

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], unescape(m[2]!)]))

async function postOnlyConnection(overrides: Record<string, unknown> = {}) {
  const api = clerkClient((await newInstance()).secretKey)
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  const res = await api.create(
    connectionInput({ idp_metadata: idpMetadataXml({ entityId, ssoUrl: 'https://idp.example.com/sso/post', bindings: [BINDING_POST] }), active: true, redirect_uris: [APP_CALLBACK], ...overrides }),
  )
  expect(res.status).toBe(200)
  return { api, entityId, connection: res.body as Record<string, any> }
}

describe('IdPs that only take HTTP-POST (e.g. JumpCloud)', () => {
  it('records the binding from the metadata', async () => {
    const { connection } = await postOnlyConnection()
    expect(connection.idp_sso_url).toBe('https://idp.example.com/sso/post')
    expect(connection.idp_sso_binding).toBe('post')
  })

  it('posts a signed AuthnRequest with an auto-submitting form, and the answer completes the sign-in', async () => {
    const { connection, entityId } = await postOnlyConnection()
    const res = await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: APP_CALLBACK, state: 's1' })}`, { redirect: 'manual' })
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('<form method="post" action="https://idp.example.com/sso/post">')
    const fields = hidden(page)
    const authnRequest = new TextDecoder().decode(Uint8Array.from(atob(fields.SAMLRequest ?? ''), (c) => c.charCodeAt(0)))
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${connection.acs_url}"`)

    // The enveloped signature checks out with xml-crypto against the SP certificate.
    const verifier = new SignedXml({ publicCert: spCertPem })
    verifier.loadSignature(authnRequest.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0])
    expect(verifier.checkSignature(authnRequest)).toBe(true)
    const requestId = authnRequest.match(/ ID="([^"]+)"/)![1]!

    const now = Date.now()
    const saml = toBase64(
      makeSignedResponse({
        issuer: entityId, responseIssuer: entityId, audience: connection.sp_entity_id, recipient: connection.acs_url, destination: connection.acs_url,
        inResponseTo: requestId, issueInstant: now, notBefore: now - 60_000, notOnOrAfter: now + 300_000, subjectNotOnOrAfter: now + 300_000,
        nameId: userOf(connection), attributes: { email: [userOf(connection)] },
      }),
    )
    const acs = await postToAcs(connection.id, saml, fields.RelayState)
    expect(acs.status).toBe(302)
    const back = new URL(acs.headers.get('location')!)
    expect(back.searchParams.get('state')).toBe('s1')
    expect(back.searchParams.get('code')).toBeTruthy()
  })

  it('posts an unsigned request when request signing is off, and can be switched back to Redirect', async () => {
    const { connection, api } = await postOnlyConnection({ enable_request_signing: false })
    const page = await (await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: APP_CALLBACK })}`)).text()
    const xml = atob(hidden(page).SAMLRequest ?? '')
    expect(xml).toContain('<samlp:AuthnRequest')
    expect(xml).not.toContain('Signature')

    expect((await api.update(connection.id, { idp_sso_binding: 'redirect' })).body.idp_sso_binding).toBe('redirect')
    const res = await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: APP_CALLBACK })}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
  })
})
