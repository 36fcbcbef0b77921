/**
 * The URL rule at the SuperTokens-core-style API (src/domain/urls.ts): redirect URIs and the IdP's
 * SSO URL in `metadataXML` are absolute http(s) URLs without whitespace, control characters or
 * credentials, stored normalised. A refusal is the core's 400 text, and changes nothing.
 */
import { describe, expect, it } from 'vitest'
import { HOSTILE_URLS } from '../helpers/hostile-urls'
import { clientBody, newApp, stClient, tenantWithOneClient, uniqueEntityId } from './helpers'
import { toBase64 } from '../helpers/test-idp'
import { BINDING_POST, BINDING_REDIRECT } from '../helpers/idp-metadata'
import { idpMetadataXml } from '../helpers/keys'
import { type Answer } from '../helpers/http'

const INVALID_METADATA = 'metadataXML does not have a valid SAML metadata'
const urlRefused = (field: string) => `Field name '${field}' is invalid in JSON input: must be an absolute http(s) URL`

function expectText(res: Answer, status: number, message: string) {
  expect([res.status, res.contentType, res.text]).toEqual([status, 'text/html; charset=UTF-8', `${message}\n`])
}

describe('PUT /recipe/saml/clients refuses redirect URIs outside the rule', () => {
  for (const [what, url] of HOSTILE_URLS) {
    it(`answers 400 for a redirect URI and a defaultRedirectURI with ${what}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      const good = 'https://app.example.com/auth/callback/saml'
      for (const clientId of [undefined, 'existing']) {
        expectText(await t.st.put(clientBody({ clientId, redirectURIs: [good, url], defaultRedirectURI: good })), 400, urlRefused('redirectURIs'))
        expectText(await t.st.put(clientBody({ clientId, redirectURIs: [url], defaultRedirectURI: url })), 400, urlRefused('defaultRedirectURI'))
      }
      await t.expectUnchanged()
    })
  }
})

describe('PUT /recipe/saml/clients refuses metadataXML whose SSO URL breaks the rule', () => {
  const cases: [string, string[], string][] = [
    ['a javascript: HTTP-POST Location', [BINDING_POST], 'javascript:alert(document.domain)//'],
    ['a data: HTTP-POST Location', [BINDING_POST], 'data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a mixed-case JAVASCRIPT: HTTP-Redirect Location', [BINDING_REDIRECT], 'JaVaScRiPt:alert(1)'],
    ['CR/LF as character references in the Location', [BINDING_REDIRECT, BINDING_POST], 'https://idp.example.com/sso&#13;&#10;Set-Cookie: x=1'],
    ['a leading tab, then javascript:', [BINDING_POST], '&#9;javascript:alert(1)'],
  ]
  for (const [what, bindings, ssoUrl] of cases) {
    it(`answers 400 "${INVALID_METADATA}" for ${what}, and changes nothing`, async () => {
      const t = await tenantWithOneClient()
      const metadataXML = toBase64(idpMetadataXml({ entityId: uniqueEntityId(), bindings, ssoUrl }))
      expectText(await t.st.put(clientBody({ metadataXML })), 400, INVALID_METADATA)
      expectText(await t.st.put(clientBody({ clientId: 'existing', metadataXML })), 400, INVALID_METADATA)
      await t.expectUnchanged()
    })
  }
})

describe('URLs are stored normalised', () => {
  it('writes redirectURIs, defaultRedirectURI and the metadata SSO URL as new URL(x).href does', async () => {
    const st = stClient((await newApp()).apiKey)
    const put = await st.put(
      clientBody(
        { redirectURIs: ['https://App.Example.com', 'http://localhost:3000/cb'], defaultRedirectURI: 'https://App.Example.com' },
        { ssoUrl: 'https://IdP.Example.com:443/sso?x=<1>'.replace('<', '&lt;').replace('>', '&gt;') },
      ),
    )
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({
      redirectURIs: ['https://app.example.com/', 'http://localhost:3000/cb'],
      defaultRedirectURI: 'https://app.example.com/',
      idpSsoUrl: 'https://idp.example.com/sso?x=%3C1%3E',
    })
  })
})
