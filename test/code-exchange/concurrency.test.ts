/** Concurrency at the code exchange: one code redeemed many times at once gives one profile, because D1 consumes it in one statement. */
import { describe, expect, it } from 'vitest'
import { activeConnection, APP_CALLBACK, exchange, postToAcs, signedResponseXmlFor, startLogin } from '../helpers/sso'
import { consumedCodeCount } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'

captureLogs()
const SLOW = 60_000

describe('concurrent exchanges', () => {
  const signedFor = (connection: Record<string, any>, entityId: string, inResponseTo: string | null) =>
    toBase64(signedResponseXmlFor(connection as { sp_entity_id: string; acs_url: string }, entityId, inResponseTo, { nameId: 'ada@acme.example' }))
  it('exchanging one authorization code 20 times at once: exactly one success, the rest invalid_grant', async () => {
    const { connection, entityId, secretKey } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const acs = await postToAcs(connection.id, signedFor(connection, entityId, login.requestId!), login.relayState)
    expect(acs.status).toBe(302)
    const code = new URL(acs.headers.get('location')!).searchParams.get('code')!
    const before = await consumedCodeCount()

    const answers = await Promise.all(Array.from({ length: 20 }, async () => {
      const res = await exchange(code, { secretKey })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }))
    expect(answers.filter((a) => a.status === 200)).toEqual([{ status: 200, body: expect.objectContaining({ object: 'saml_profile', name_id: 'ada@acme.example' }) }])
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.error])).toEqual(Array(19).fill([400, 'invalid_grant']))
    expect(await consumedCodeCount()).toBe(before + 1)
  }, SLOW)
})
