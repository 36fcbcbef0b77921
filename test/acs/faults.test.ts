/**
 * Fault injection at the ACS: the D1 batch that reserves the assertion id and stores the code, or
 * the code's KV edge copy, fails. A failed batch leaves the assertion unused (the browser's re-post
 * signs in), a lost reply never yields a second code for the same assertion, and a failed KV write
 * still signs in with a code the exchange redeems from D1.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { sha256Hex } from '../../src/domain/secrets'
import { activeConnection, exchange, signedResponseXmlFor } from '../helpers/sso'
import { toBase64 } from '../helpers/test-idp'
import { failFirst, FaultInjector, faultyEnv, type FaultMode } from '../helpers/faulty-bindings'
import { captureLogs } from '../helpers/wire'
import { type Answer, answerOf, ORIGIN } from '../helpers/http'

captureLogs()
const app = createApp()

async function setup() {
  const ctx = await activeConnection({ allow_idp_initiated: true })
  const samlResponse = toBase64(signedResponseXmlFor(ctx.connection as { sp_entity_id: string; acs_url: string }, ctx.entityId, null))
  return { ...ctx, samlResponse }
}

async function postAcs(connectionId: string, samlResponse: string, faults: FaultInjector | null): Promise<Answer> {
  const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() }
  return answerOf(await app.request(`${ORIGIN}/v1/saml/acs/${connectionId}`, init, faults ? faultyEnv(env, faults) : env))
}

const codeOf = (a: Answer) => new URL(a.location ?? 'http://missing').searchParams.get('code') ?? ''
const pendingCodes = async (connectionId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_codes WHERE json_extract(payload, '$.connectionId') = ?").bind(connectionId).first<{ n: number }>())?.n

describe('the ACS when its D1 batch fails', () => {
  for (const mode of ['before', 'midBatch'] as FaultMode[]) {
    it(`(${mode}): answers 500, stores no code and burns no assertion id; the re-post signs in`, async () => {
      const c = await setup()
      const faults = new FaultInjector(failFirst('d1.batch', mode))
      const failed = await postAcs(c.connection.id, c.samlResponse, faults)
      expect(faults.fired).toMatch(/^d1\.batch/)
      expect(failed.status).toBe(500)
      expect(failed.location).toBeNull()
      expect(await pendingCodes(c.connection.id)).toBe(0)

      const retried = await postAcs(c.connection.id, c.samlResponse, null)
      expect(retried.status).toBe(302)
      expect((await exchange(codeOf(retried), { secretKey: c.secretKey })).status).toBe(200)
    })
  }

  it('(after: committed, reply lost): answers 500, and the re-post is a replay that gets no second code', async () => {
    const c = await setup()
    const faults = new FaultInjector(failFirst('d1.batch', 'after'))
    expect((await postAcs(c.connection.id, c.samlResponse, faults)).status).toBe(500)
    expect(await pendingCodes(c.connection.id)).toBe(1)
    expect((await postAcs(c.connection.id, c.samlResponse, null)).status).toBe(400)
    expect(await pendingCodes(c.connection.id)).toBe(1)
  })
})

describe('the ACS when the code\'s KV edge copy fails', () => {
  it('still signs in, and the exchange redeems the code from D1, once', async () => {
    const c = await setup()
    const faults = new FaultInjector(failFirst('kv.put', 'before'))
    const res = await postAcs(c.connection.id, c.samlResponse, faults)
    expect(faults.fired).toMatch(/^kv\.put/)
    expect(res.status).toBe(302)
    // The write that failed was the code's: KV has no copy of it.
    expect(await env.KV.get(`code:${await sha256Hex(codeOf(res))}`)).toBeNull()
    expect((await exchange(codeOf(res), { secretKey: c.secretKey })).status).toBe(200)
    expect((await exchange(codeOf(res), { secretKey: c.secretKey })).status).toBe(400)
  })
})

/** Posts to the ACS with an execution context and the real KV binding, whose puts wait until `release`. */
async function postWithHeldKvPuts(connectionId: string, samlResponse: string) {
  let release = () => {}
  const gate = new Promise<void>((r) => (release = r))
  const held = new Proxy(env.KV, {
    get(target, prop) {
      if (prop === 'put') return async (...args: Parameters<KVNamespace['put']>) => gate.then(() => target.put(...args))
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const ctx = createExecutionContext()
  const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() }
  const res = await answerOf(await app.request(`${ORIGIN}/v1/saml/acs/${connectionId}`, init, { ...env, KV: held }, ctx))
  return { res, ctx, release }
}

describe('the ACS and the code\'s KV edge copy', () => {
  it('answers before the copy is written (waitUntil), and the code redeems from D1 meanwhile', async () => {
    const c = await setup()
    const { res, ctx, release } = await postWithHeldKvPuts(c.connection.id, c.samlResponse)
    expect(res.status).toBe(302)
    const key = `code:${await sha256Hex(codeOf(res))}`
    expect(await env.KV.get(key)).toBeNull()

    release()
    await waitOnExecutionContext(ctx)
    expect(await env.KV.get(key)).not.toBeNull()
    expect((await exchange(codeOf(res), { secretKey: c.secretKey })).status).toBe(200)
  })

  it('a copy that lands after the code was redeemed does not redeem it again', async () => {
    const c = await setup()
    const { res, ctx, release } = await postWithHeldKvPuts(c.connection.id, c.samlResponse)
    expect((await exchange(codeOf(res), { secretKey: c.secretKey })).status).toBe(200)
    release()
    await waitOnExecutionContext(ctx)
    expect(await env.KV.get(`code:${await sha256Hex(codeOf(res))}`)).not.toBeNull()
    expect((await exchange(codeOf(res), { secretKey: c.secretKey })).status).toBe(400)
  })
})
