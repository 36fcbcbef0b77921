import { beforeAll, describe, expect, it } from 'vitest'
import { supertokensApi } from '../../src/http/supertokens/routes'
import { newApp, stClient } from './helpers'
import { acsFor, CALLBACK, tenantWithClient } from './login-flow.helpers'
import { toBase64 } from '../helpers/test-idp'
import { type Answer } from '../helpers/http'

const field = (name: string) => `Field name '${name}' is invalid in JSON input`
const MALFORMED = 'Invalid or malformed SAML response input'

function expectText(res: Answer, status: number, message: string) {
  expect(res.status).toBe(status)
  expect(res.contentType).toBe('text/html; charset=UTF-8')
  expect(res.text).toBe(`${message}\n`)
}

describe('login-flow endpoints: malformed input is a 400 with the core\'s text', () => {
  let st: ReturnType<typeof stClient>
  beforeAll(async () => {
    st = stClient((await newApp()).apiKey)
  })
  const post = (path: string, body: unknown) => st.call('POST', `/recipe/saml/${path}`, body)
  const login = { clientId: 'c', redirectURI: CALLBACK, acsURL: acsFor() }

  const cases: [string, string, unknown, string][] = [
    ['login', 'an empty body', '', 'Invalid Json Input'],
    ['login', 'a JSON array', '[]', 'Invalid Json Input'],
    ['login', 'text that is not JSON', 'clientId=c', 'Invalid Json Input'],
    ['login', 'no clientId', { ...login, clientId: undefined }, field('clientId')],
    ['login', 'a numeric clientId', { ...login, clientId: 1 }, field('clientId')],
    ['login', 'no redirectURI', { ...login, redirectURI: undefined }, field('redirectURI')],
    ['login', 'no acsURL', { ...login, acsURL: undefined }, field('acsURL')],
    ['login', 'a relative acsURL', { ...login, acsURL: '/auth/public/saml/callback' }, `${field('acsURL')}: must be an absolute http(s) URL`],
    ['login', 'a javascript: acsURL', { ...login, acsURL: 'javascript:alert(1)' }, `${field('acsURL')}: must be an absolute http(s) URL`],
    ['login', 'a null state', { ...login, state: null }, field('state')],
    ['login', 'a numeric state', { ...login, state: 7 }, field('state')],
    ['login', 'an overlong state', { ...login, state: 'x'.repeat(4097) }, 'state must be at most 4096 characters'],
    ['callback', 'an empty body', '', 'Invalid Json Input'],
    ['callback', 'no samlResponse', {}, field('samlResponse')],
    ['callback', 'a null samlResponse', { samlResponse: null }, field('samlResponse')],
    ['callback', 'a null relayState', { samlResponse: toBase64('<x/>'), relayState: null }, field('relayState')],
    ['callback', 'an empty samlResponse', { samlResponse: '' }, MALFORMED],
    ['callback', 'a samlResponse that is not base64', { samlResponse: 'not base64!' }, MALFORMED],
    ['callback', 'a samlResponse that is not XML', { samlResponse: toBase64('hello') }, MALFORMED],
    ['callback', 'a samlResponse that is not a SAML Response', { samlResponse: toBase64('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>') }, MALFORMED],
    ['callback', 'a samlResponse with a DOCTYPE', { samlResponse: toBase64('<!DOCTYPE x [<!ENTITY a "b">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>') }, MALFORMED],
    ['user', 'no accessToken', { clientId: 'c' }, field('accessToken')],
    ['user', 'no clientId', { accessToken: 'code' }, field('clientId')],
    ['user', 'a null accessToken', { accessToken: null, clientId: 'c' }, field('accessToken')],
  ]
  for (const [path, name, body, message] of cases) {
    it(`POST /recipe/saml/${path} with ${name}`, async () => {
      expectText(await post(path, body), 400, message)
    })
  }
})

describe('login-flow endpoints: auth, versions and methods', () => {
  it('answers 401 Invalid API key without a key or with a wrong one', async () => {
    for (const key of [null, 'wrong-key']) {
      for (const path of ['login', 'callback', 'user']) {
        expectText(await stClient(key).call('POST', `/recipe/saml/${path}`, {}), 401, 'Invalid API key')
      }
    }
  })

  it('checks cdi-version as for every core API', async () => {
    const { apiKey } = await newApp()
    expectText(await stClient(apiKey).call('POST', '/recipe/saml/user', { accessToken: 'x', clientId: 'c' }, { 'cdi-version': '9.9' }), 400, 'cdi-version 9.9 not supported')
  })

  it('answers 405 Method not supported for another method', async () => {
    const { apiKey } = await newApp()
    for (const path of ['login', 'callback', 'user']) expectText(await stClient(apiKey).call('GET', `/recipe/saml/${path}`), 405, 'Method not supported')
    expectText(await stClient(apiKey).call('POST', '/.well-known/sp-metadata', {}), 405, 'Method not supported')
  })

  it('answers the accepted statuses as HTTP 200 JSON', async () => {
    const c = await tenantWithClient()
    const res = await c.st.call('POST', '/recipe/saml/callback', { samlResponse: toBase64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), relayState: 'unknown' })
    expect(res).toMatchObject({ status: 200, contentType: 'application/json; charset=UTF-8', body: { status: 'INVALID_RELAY_STATE_ERROR' } })
  })
})

describe('login-flow endpoints in the OpenAPI document', () => {
  it('documents each of them once, with the SuperTokens api key except for SP metadata', () => {
    const doc = supertokensApi().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } }) as any
    for (const path of ['/recipe/saml/login', '/recipe/saml/callback', '/recipe/saml/user']) {
      expect(Object.keys(doc.paths[path]), path).toEqual(['post'])
      expect(doc.paths[path].post.security).toEqual([{ SupertokensApiKey: [] }])
    }
    expect(Object.keys(doc.paths['/.well-known/sp-metadata'])).toEqual(['get'])
    expect(doc.paths['/.well-known/sp-metadata'].get.security).toBeUndefined()
    expect(Object.keys(doc.paths['/.well-known/sp-metadata'].get.responses['200'].content)).toEqual(['text/xml'])
  })
})
