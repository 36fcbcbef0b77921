import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/domain/secrets'
import { makeSignedResponse, toBase64, type ResponseOptions, type SignTarget } from '../helpers/test-idp'
import { activeConnection, APP_CALLBACK, exchange, postToAcs, signedResponseXmlFor, startLogin } from '../helpers/sso'

/** The test IdP's answer for a connection, valid now, for an SP-initiated request (or none). */
function idpResponse(conn: Record<string, any>, entityId: string, requestId: string | null, extra: Partial<ResponseOptions> & { sign?: SignTarget } = {}) {
  return toBase64(
    signedResponseXmlFor(conn as { sp_entity_id: string; acs_url: string }, entityId, requestId, {
      nameId: 'ada@acme.example',
      attributes: { mail: ['ada@acme.example'], givenName: ['Ada'], sn: ['Lovelace'], groups: ['admins', 'eng'] },
      ...extra,
    }),
  )
}

const codeFrom = (res: Response) => {
  const location = new URL(res.headers.get('location') ?? 'http://invalid')
  return { location, code: location.searchParams.get('code'), state: location.searchParams.get('state') }
}

describe('SP-initiated sign-in, end to end', () => {
  it('logs in, redirects with a one-time code and state, and the code exchange returns the mapped profile', async () => {
    const { connection, entityId, secretKey } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK, state: 'st-123' })
    expect(login.res.status).toBe(302)

    const acs = await postToAcs(connection.id, idpResponse(connection, entityId, login.requestId!), login.relayState)
    expect(acs.status).toBe(302)
    const { location, code, state } = codeFrom(acs)
    expect(`${location.origin}${location.pathname}`).toBe(APP_CALLBACK)
    expect(state).toBe('st-123')
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/)

    const res = await exchange(code!, { secretKey })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      object: 'saml_profile',
      connection_id: connection.id,
      organization_id: null,
      idp_entity_id: entityId,
      name_id: 'ada@acme.example',
      name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      session_index: '_session_77',
      user_id: 'ada@acme.example',
      email_address: 'ada@acme.example',
      first_name: 'Ada',
      last_name: 'Lovelace',
      attributes: { mail: ['ada@acme.example'], givenName: ['Ada'], sn: ['Lovelace'], groups: ['admins', 'eng'] },
      custom_attributes: {},
    })

    // single use: the second exchange fails, and so does a replay of the same RelayState
    const again = await exchange(code!, { secretKey })
    expect(again.status).toBe(400)
    expect(((await again.json()) as any).error).toBe('invalid_grant')
  })

  it('accepts assertion-only signatures and an attribute_mapping for user_id', async () => {
    const { connection, entityId, secretKey, api } = await activeConnection()
    await api.update(connection.id, { attribute_mapping: { user_id: 'employeeId' } })
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const saml = idpResponse(connection, entityId, login.requestId!, { sign: 'assertion', attributes: { employeeId: ['E-42'], email: ['ada@acme.example'] } })
    const acs = await postToAcs(connection.id, saml, login.relayState)
    expect(acs.status).toBe(302)
    const profile = (await (await exchange(codeFrom(acs).code!, { secretKey })).json()) as any
    expect(profile.user_id).toBe('E-42')
    expect(profile.email_address).toBe('ada@acme.example')
  })

  it('refuses the same assertion twice (replay), and a RelayState used twice', async () => {
    const { connection, entityId } = await activeConnection({ allow_idp_initiated: true })
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const saml = idpResponse(connection, entityId, login.requestId!)
    expect((await postToAcs(connection.id, saml, login.relayState)).status).toBe(302)
    expect((await postToAcs(connection.id, saml, login.relayState)).status).toBe(400)
    const unsolicited = idpResponse(connection, entityId, null)
    expect((await postToAcs(connection.id, unsolicited)).status).toBe(302)
    const codes = () => env.DB.prepare("SELECT COUNT(*) AS n FROM pending_codes WHERE json_extract(payload, '$.connectionId') = ?").bind(connection.id).first<{ n: number }>()
    expect((await codes())?.n).toBe(2)
    // The replay is refused in the same D1 batch that would store its code: no code is issued.
    expect((await postToAcs(connection.id, unsolicited)).status).toBe(400)
    expect((await codes())?.n).toBe(2)
  })

  it('refuses a response whose InResponseTo does not match the stored request', async () => {
    const { connection, entityId } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const acs = await postToAcs(connection.id, idpResponse(connection, entityId, '_someone_elses_request'), login.relayState)
    expect(acs.status).toBe(400)
    expect(acs.headers.get('content-type')).toContain('text/html')
    expect(acs.headers.get('location')).toBeNull()
  })

  it('refuses a response signed by another key, naming no reason on the wire', async () => {
    const { connection, entityId } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const forged = toBase64(
      makeSignedResponse({
        issuer: entityId, responseIssuer: entityId, audience: connection.sp_entity_id, recipient: connection.acs_url, destination: connection.acs_url,
        inResponseTo: login.requestId!, issueInstant: Date.now(), notBefore: Date.now() - 1000, notOnOrAfter: Date.now() + 60_000, subjectNotOnOrAfter: Date.now() + 60_000,
        signing: { key: 'attacker' },
      }),
    )
    const acs = await postToAcs(connection.id, forged, login.relayState)
    expect(acs.status).toBe(400)
    const body = await acs.text()
    expect(body).toContain('invalid_saml_response')
    expect(body).not.toContain('signature')
  })
})

describe('IdP-initiated sign-in', () => {
  it('works only when the connection allows it, landing on the first redirect URI', async () => {
    const { connection, entityId, secretKey, api } = await activeConnection()
    const refused = await postToAcs(connection.id, idpResponse(connection, entityId, null))
    expect(refused.status).toBe(403)

    await api.update(connection.id, { allow_idp_initiated: true })
    const acs = await postToAcs(connection.id, idpResponse(connection, entityId, null))
    expect(acs.status).toBe(302)
    const { location, code, state } = codeFrom(acs)
    expect(`${location.origin}${location.pathname}`).toBe(APP_CALLBACK)
    expect(state).toBeNull()
    expect((await exchange(code!, { secretKey })).status).toBe(200)
  })

  it('uses a RelayState that names a registered redirect URI', async () => {
    const { connection, entityId } = await activeConnection({ allow_idp_initiated: true })
    const acs = await postToAcs(connection.id, idpResponse(connection, entityId, null), 'https://app.example.com/other')
    expect(acs.status).toBe(302)
    expect(acs.headers.get('location')).toMatch(/^https:\/\/app\.example\.com\/other\?code=/)
  })
})

describe('inactive and deleted connections', () => {
  it('stop signing people in once deactivated or deleted', async () => {
    const { connection, entityId, api } = await activeConnection({ allow_idp_initiated: true })
    await api.update(connection.id, { active: false })
    expect((await postToAcs(connection.id, idpResponse(connection, entityId, null))).status).toBe(400)
    await api.update(connection.id, { active: true })
    expect((await postToAcs(connection.id, idpResponse(connection, entityId, null))).status).toBe(302)
    await api.remove(connection.id)
    expect((await postToAcs(connection.id, idpResponse(connection, entityId, null))).status).toBe(400)
  })
})

describe('the code exchange', () => {
  it('needs the owning instance’s key or the connection’s client secret; refusals leave the code usable', async () => {
    const { connection, entityId, secretKey } = await activeConnection({ allow_idp_initiated: true })
    const acs = await postToAcs(connection.id, idpResponse(connection, entityId, null))
    const { code } = codeFrom(acs)
    const other = await activeConnection()
    expect((await exchange(code!, { secretKey: other.secretKey })).status).toBe(401)
    expect((await exchange(code!, {})).status).toBe(401)
    expect((await exchange(code!, { clientSecret: 'guess' })).status).toBe(401)
    const consumed = await env.DB.prepare('SELECT COUNT(*) AS n FROM consumed_codes WHERE code_hash = ?').bind(await sha256Hex(code!)).first<{ n: number }>()
    expect(consumed?.n).toBe(0)
    expect((await exchange(code!, { secretKey })).status).toBe(200)
  })

  it('redeems a code where KV has not seen it yet (a backend in another region), from D1, once', async () => {
    const { connection, entityId, secretKey } = await activeConnection({ allow_idp_initiated: true })
    const { code } = codeFrom(await postToAcs(connection.id, idpResponse(connection, entityId, null)))
    await env.KV.delete(`code:${await sha256Hex(code!)}`)
    expect((await exchange(code!, { secretKey })).status).toBe(200)
    expect((await exchange(code!, { secretKey })).status).toBe(400)
  })

  it('refuses unknown codes', async () => {
    const { secretKey } = await activeConnection()
    const res = await exchange('not-a-code', { secretKey })
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error).toBe('invalid_grant')
  })
})
