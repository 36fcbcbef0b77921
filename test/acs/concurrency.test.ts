/**
 * Concurrency at the ACS: one response posted many times at once signs in once, because D1 reserves
 * its assertion id (and uses up its login request) in one transaction, not because posts arrived
 * one at a time.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { activeConnection, APP_CALLBACK, postToAcs, signedResponseXmlFor, startLogin } from '../helpers/sso'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'

captureLogs()
const SLOW = 60_000
const countBy = <T>(xs: T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>())

describe('concurrent ACS posts', () => {
  const signedFor = (connection: Record<string, any>, entityId: string, inResponseTo: string | null) =>
    toBase64(signedResponseXmlFor(connection as { sp_entity_id: string; acs_url: string }, entityId, inResponseTo, { nameId: 'ada@acme.example' }))
  it('posting one SAMLResponse to the ACS 20 times at once: exactly one redirect with a code', async () => {
    const { connection, entityId } = await activeConnection({ allow_idp_initiated: true })
    const saml = signedFor(connection, entityId, null)
    const answers = await Promise.all(Array.from({ length: 20 }, () => postToAcs(connection.id, saml)))
    expect(countBy(answers.map((a) => a.status))).toEqual(
      new Map([
        [302, 1],
        [400, 19],
      ]),
    )
    const reserved = await env.DB.prepare('SELECT COUNT(*) AS n FROM saml_assertion_ids WHERE connection_id = ?').bind(connection.id).first<{ n: number }>()
    expect(reserved?.n).toBe(1)
  }, SLOW)

  it('posting one SP-initiated response with its RelayState 20 times at once: exactly one redirect', async () => {
    const { connection, entityId } = await activeConnection()
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const saml = signedFor(connection, entityId, login.requestId!)
    const answers = await Promise.all(Array.from({ length: 20 }, () => postToAcs(connection.id, saml, login.relayState)))
    expect(answers.filter((a) => a.status === 302)).toHaveLength(1)
    // Losers either read the RelayState before the winner took it (400: assertion replayed) or after
    // (403: without its request the post is unsolicited, which this connection refuses).
    expect(answers.every((a) => [302, 400, 403].includes(a.status))).toBe(true)
  }, SLOW)
})
