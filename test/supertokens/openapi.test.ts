import { expect, it } from 'vitest'
import { supertokensApi } from '../../src/http/supertokens/routes'

it('describes the SuperTokens-style API in one OpenAPI document, each route once', () => {
  const doc = supertokensApi().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'saml-edge: SuperTokens core style', version: '1' } })
  expect(Object.keys(doc.paths ?? {}).sort()).toEqual(['/.well-known/sp-metadata', '/apiversion', '/recipe/saml/callback', '/recipe/saml/clients', '/recipe/saml/clients/list', '/recipe/saml/clients/remove', '/recipe/saml/legacy/authorize', '/recipe/saml/legacy/callback', '/recipe/saml/legacy/token', '/recipe/saml/legacy/userinfo', '/recipe/saml/login', '/recipe/saml/user'])
  const form = doc.paths?.['/recipe/saml/legacy/callback']?.post?.requestBody
  expect(Object.keys(form && 'content' in form ? form.content : {})).toEqual(['application/x-www-form-urlencoded'])
  expect(Object.keys(doc.paths?.['/recipe/saml/clients'] ?? {})).toEqual(['put'])
  expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
    expect.arrayContaining(['SupertokensCreateOrUpdateSamlClientBody', 'SupertokensSamlClient', 'SupertokensListSamlClientsResponse']),
  )
})
