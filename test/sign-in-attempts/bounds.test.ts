/**
 * What keeps attempts from hurting anyone: at most MAX_STORED_ATTEMPTS_PER_MINUTE stored per
 * connection per minute (the rest counted), 7 days kept (the cron purges), and a failed write
 * that leaves the refusal the refusal it was.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { connectionEvent } from '../../src/domain/events'
import { newSamlConnectionId, newSignInAttemptId } from '../../src/domain/ids'
import { MAX_STORED_ATTEMPTS_PER_MINUTE, MAX_STORED_RESPONSES_PER_MINUTE, SIGN_IN_ATTEMPT_RETENTION_MS, type SignInAttempt } from '../../src/domain/sign-in-attempt'
import { d1SignInAttempts } from '../../src/storage/d1/sign-in-attempts'
import { failFirst, FaultInjector, faultyEnv, type FaultMode } from '../helpers/faulty-bindings'
import { ORIGIN } from '../helpers/http'
import { activeConnection, signedResponseXmlFor } from '../helpers/sso'
import { toBase64, type ResponseOptions } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'
import { runCron } from '../lifecycle/lifecycle.helpers'
import { attemptsOnceThere, signInEvents } from './helpers'

const logs = captureLogs()
const repo = () => d1SignInAttempts(env.DB)
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

const failedAttempt = (connectionId: string, createdAt: number): SignInAttempt => ({
  id: newSignInAttemptId(), instanceId: 'ins_bounds', connectionId, status: 'failed', reason: 'audience_mismatch', flow: 'idp_initiated',
  nameId: null, emailAddress: null, samlResponse: '<samlp:Response/>', createdAt,
})
const record = (a: SignInAttempt) => repo().record(a, connectionEvent('sign_in.failed', { id: a.connectionId, instanceId: a.instanceId }, { id: a.id }, a.createdAt))
const rows = async (table: string, connectionId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE connection_id = ?`).bind(connectionId).first<{ n: number }>())?.n ?? 0

describe('the per-minute bound', () => {
  it(`stores ${MAX_STORED_ATTEMPTS_PER_MINUTE} attempts of a connection in a minute and only counts the rest, with no event for those`, async () => {
    const connectionId = newSamlConnectionId()
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE
    const extra = 7
    const outcomes = []
    for (let i = 0; i < MAX_STORED_ATTEMPTS_PER_MINUTE + extra; i++) outcomes.push(await record(failedAttempt(connectionId, minute + i)))
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(MAX_STORED_ATTEMPTS_PER_MINUTE)
    expect(outcomes.slice(MAX_STORED_ATTEMPTS_PER_MINUTE)).toEqual(Array(extra).fill('counted'))
    expect(await rows('sign_in_attempts', connectionId)).toBe(MAX_STORED_ATTEMPTS_PER_MINUTE)
    expect(await rows('events', connectionId)).toBe(MAX_STORED_ATTEMPTS_PER_MINUTE)
    expect(await repo().countNotStored(connectionId, minute - DAY)).toBe(extra)

    // The next minute has a bound of its own; another connection never shared this one.
    expect(await record(failedAttempt(connectionId, minute + MINUTE))).toBe('stored')
    expect(await record(failedAttempt(newSamlConnectionId(), minute + 1))).toBe('stored')
    const page = await repo().list(connectionId, { limit: 1, offset: 0, since: minute - DAY })
    expect(page.total).toBe(MAX_STORED_ATTEMPTS_PER_MINUTE + 1)
    expect(page.items[0]?.createdAt).toBe(minute + MINUTE)
  })

  it(`keeps the SAMLResponse of only the first ${MAX_STORED_RESPONSES_PER_MINUTE} failed attempts of a minute, so a flood cannot fill D1 with XML`, async () => {
    const connectionId = newSamlConnectionId()
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE
    for (let i = 0; i < MAX_STORED_RESPONSES_PER_MINUTE + 4; i++) await record(failedAttempt(connectionId, minute + i))
    const kept = await env.DB.prepare('SELECT COUNT(*) AS n FROM sign_in_attempts WHERE connection_id = ? AND saml_response IS NOT NULL').bind(connectionId).first<{ n: number }>()
    expect([kept?.n, await rows('sign_in_attempts', connectionId)]).toEqual([MAX_STORED_RESPONSES_PER_MINUTE, MAX_STORED_RESPONSES_PER_MINUTE + 4])
  })
})

describe('retention', () => {
  it('lists only the last 7 days, and the cron forgets older attempts and their counters', async () => {
    const connectionId = newSamlConnectionId()
    const now = Date.now()
    const old = failedAttempt(connectionId, now - SIGN_IN_ATTEMPT_RETENTION_MS - DAY)
    const recent = failedAttempt(connectionId, now - DAY)
    await record(old)
    await record(recent)
    const listed = await repo().list(connectionId, { limit: 10, offset: 0, since: now - SIGN_IN_ATTEMPT_RETENTION_MS })
    expect(listed.items.map((a) => a.id)).toEqual([recent.id])
    expect(await rows('sign_in_attempt_minutes', connectionId)).toBe(2)

    await runCron()
    expect(await rows('sign_in_attempts', connectionId)).toBe(1)
    expect(await rows('sign_in_attempt_minutes', connectionId)).toBe(1)
    expect((await repo().list(connectionId, { limit: 10, offset: 0, since: 0 })).items).toEqual([recent])
  })
})

describe('faults', () => {
  const app = createApp()
  /** The connection's IdP answer for another audience (refused after verification starts), posted to an app whose first D1 batch fails. */
  async function postThroughFault(mode: FaultMode, extra: Partial<ResponseOptions> = { audience: 'https://sp.other.example/saml' }) {
    const c = await activeConnection({ allow_idp_initiated: true })
    const conn = c.connection as { id: string; sp_entity_id: string; acs_url: string }
    const faults = new FaultInjector(failFirst('d1.batch', mode))
    const body = new URLSearchParams({ SAMLResponse: toBase64(signedResponseXmlFor(conn, c.entityId, null, extra)) }).toString()
    const res = await app.request(`${ORIGIN}/v1/saml/acs/${conn.id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }, faultyEnv(env, faults))
    return { ...c, id: conn.id, res, faults }
  }

  it('a refusal whose attempt cannot be written is still the refusal, logged, and leaves neither attempt nor event', async () => {
    for (const mode of ['before', 'midBatch'] as const) {
      const c = await postThroughFault(mode)
      expect(c.res.status).toBe(400)
      expect(await c.res.text()).toContain('The SAML response could not be verified.')
      expect(c.faults.fired).toMatch(/^d1\.batch/)
      expect(logs.take().some((l) => l.event === 'sign_in_attempt_write_failed' && l.connection_id === c.id && l.reason === 'audience_mismatch')).toBe(true)
      expect(await rows('sign_in_attempts', c.id)).toBe(0)
      expect(await signInEvents(c.id)).toEqual([])
    }
  })

  it('a sign-in whose batch fails half-way is a failed attempt (internal_error), never a success without its code', async () => {
    const c = await postThroughFault('midBatch', {})
    expect(c.res.status).toBe(500)
    const [only] = await attemptsOnceThere(c.secretKey, c.id, 1)
    expect(only).toMatchObject({ status: 'failed', reason: 'internal_error' })
    expect((await signInEvents(c.id)).map((e) => e.type)).toEqual(['sign_in.failed'])
    const codes = await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_codes WHERE json_extract(payload, '$.connectionId') = ?").bind(c.id).first<{ n: number }>()
    expect(codes?.n).toBe(0)
  })
})
