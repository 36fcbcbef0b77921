// The per-connection assertion policy fields (saml-edge extensions of the Clerk model):
// require_encrypted_assertions, want_assertions_signed and name_id_format.
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'
import { activeConnection, APP_CALLBACK, startLogin } from '../helpers/sso'

const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'

describe('assertion policy fields', () => {
  it('are off / unspecified by default, set on create, changed on update, and kept when an update leaves them out', async () => {
    const { secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const plain = (await api.create(connectionInput())).body
    expect([plain.require_encrypted_assertions, plain.want_assertions_signed, plain.name_id_format]).toEqual([false, false, UNSPECIFIED])

    const created = (await api.create(connectionInput({ require_encrypted_assertions: true, want_assertions_signed: true, name_id_format: EMAIL }))).body
    expect([created.require_encrypted_assertions, created.want_assertions_signed, created.name_id_format]).toEqual([true, true, EMAIL])

    const updated = (await api.update(created.id, { name_id_format: PERSISTENT, require_encrypted_assertions: false })).body
    expect([updated.require_encrypted_assertions, updated.want_assertions_signed, updated.name_id_format]).toEqual([false, true, PERSISTENT])
    const again = (await api.get(created.id)).body
    expect([again.require_encrypted_assertions, again.want_assertions_signed, again.name_id_format]).toEqual([false, true, PERSISTENT])
  })

  it('refuses a NameID format outside the three it can ask for (transient names no one twice) with 422, changing nothing', async () => {
    const { secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const created = (await api.create(connectionInput())).body
    for (const format of ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient', 'email', '']) {
      const res = await api.update(created.id, { name_id_format: format })
      expect(res.status, format).toBe(422)
      expect(res.body.errors[0]).toMatchObject({ code: 'form_param_value_invalid', meta: { param_name: 'name_id_format' } })
    }
    expect((await api.get(created.id)).body.name_id_format).toBe(UNSPECIFIED)
  })

  it('the AuthnRequest asks for the connection\'s NameID format in its NameIDPolicy', async () => {
    for (const format of [UNSPECIFIED, EMAIL, PERSISTENT]) {
      const { connection } = await activeConnection({ name_id_format: format })
      const { authnRequest } = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
      expect(authnRequest).toContain(`<samlp:NameIDPolicy Format="${format}" AllowCreate="true"/>`)
    }
  })

  it('the SP metadata says WantAssertionsSigned as the connection enforces it', async () => {
    const { secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const metadata = async (body: Record<string, unknown>) => {
      const c = (await api.create(connectionInput(body))).body
      return (await SELF.fetch(c.sp_metadata_url.replace(/^https?:\/\/[^/]+/, ORIGIN))).text()
    }
    expect(await metadata({})).toContain('WantAssertionsSigned="false"')
    expect(await metadata({ want_assertions_signed: true })).toContain('WantAssertionsSigned="true"')
  })
})
