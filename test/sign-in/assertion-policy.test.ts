/**
 * The connection's assertion policy at the ACS, end to end: want_assertions_signed and
 * require_encrypted_assertions refuse what they say, and a transient NameID is never the user id.
 */
import { describe, expect, it } from 'vitest'
import { activeConnection, exchange, postToAcs, signedResponseXmlFor } from '../helpers/sso'
import { toBase64, type ResponseOptions, type SignTarget } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'

const logs = captureLogs()
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'

async function connection(overrides: Record<string, unknown> = {}) {
  const c = await activeConnection({ allow_idp_initiated: true, ...overrides })
  const post = (extra: Partial<ResponseOptions> & { sign?: SignTarget } = {}) =>
    postToAcs(c.connection.id, toBase64(signedResponseXmlFor(c.connection as { sp_entity_id: string; acs_url: string; domain: string }, c.entityId, null, extra)))
  return { ...c, post }
}

async function expectRefused(res: Response, reason: string) {
  expect(res.status).toBe(400)
  expect(res.headers.get('location')).toBeNull()
  const id = res.headers.get('x-request-id')
  expect(logs.take().find((l) => l.request_id === id && l.event === 'refusal')?.reason).toContain(reason)
}

async function profileOf(res: Response, secretKey: string) {
  expect(res.status).toBe(302)
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? ''
  return (await exchange(code, { secretKey })).json<Record<string, unknown>>()
}

describe('want_assertions_signed', () => {
  it('off (the default): a signed Response around an unsigned Assertion signs in', async () => {
    const c = await connection()
    expect((await c.post({ sign: 'response' })).status).toBe(302)
  })

  it('on: the same response is refused (assertion_signature_missing); an Assertion signed itself signs in', async () => {
    const c = await connection({ want_assertions_signed: true })
    await expectRefused(await c.post({ sign: 'response' }), 'assertion_signature_missing')
    expect((await c.post({ sign: 'assertion' })).status).toBe(302)
  })
})

describe('require_encrypted_assertions', () => {
  it('on: a plain assertion is refused (assertion_not_encrypted)', async () => {
    const c = await connection({ require_encrypted_assertions: true })
    await expectRefused(await c.post({ sign: 'both' }), 'assertion_not_encrypted')
  })
})

describe('a transient NameID is never a user_id', () => {
  it('takes the mapped user-id attribute when there is one', async () => {
    const c = await connection({ attribute_mapping: { user_id: 'uid', email_address: 'mail' } })
    const p = await profileOf(await c.post({ nameId: '_tr4ns1ent', nameIdFormat: TRANSIENT, attributes: { uid: ['u-42'], mail: ['ada@acme.example'] } }), c.secretKey)
    expect(p).toMatchObject({ user_id: 'u-42', email_address: 'ada@acme.example' })
  })

  it('else the email', async () => {
    const c = await connection({ attribute_mapping: { email_address: 'mail' } })
    const p = await profileOf(await c.post({ nameId: '_tr4ns1ent', nameIdFormat: TRANSIENT, attributes: { mail: ['ada@acme.example'] } }), c.secretKey)
    expect(p).toMatchObject({ user_id: 'ada@acme.example', email_address: 'ada@acme.example' })
  })

  it('with neither, the sign-in is refused (transient_name_id_without_user_id), even if the NameID looks like an email', async () => {
    const c = await connection({ attribute_mapping: { email_address: 'mail' } })
    await expectRefused(await c.post({ nameId: 'ada@acme.example', nameIdFormat: TRANSIENT, attributes: {} }), 'transient_name_id_without_user_id')
  })
})
