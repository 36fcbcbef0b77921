import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { recordExpiryWarnings } from '../../src/services/certificate-expiry'
import { buildDeps } from '../../src/wiring/deps'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { idpCertPem } from '../helpers/keys'
import { documentName, documentUrl, eventsOf, makeCertificate, makeDue, metadataFor, publish, runCron } from './lifecycle.helpers'

const clerk = freshInstanceEachTest()
const DAY = 86_400_000
const HOUR = 3_600_000

/** A certificate expiring `days` from now, as X.509 keeps it (whole seconds). */
async function certificateFor(days: number) {
  const notAfter = Math.floor((Date.now() + days * DAY) / 1000) * 1000
  return { ...(await makeCertificate(notAfter)), notAfter }
}

async function activeConnection(certs: string[], extra: Record<string, unknown> = {}) {
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  const res = await clerk.api.create(connectionInput({ idp_metadata: metadataFor(entityId, certs), active: true, ...extra }))
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.id as string
}

const warnings = async (id: string) =>
  (await eventsOf(id)).filter((e) => e.type.startsWith('saml_connection.certificate_exp')).map((e) => [e.type.replace('saml_connection.', ''), e.data.threshold_days ?? null])

/** The cron's expiry pass as it would run at `at`. */
const expiryPassAt = (at: number) => recordExpiryWarnings({ ...buildDeps(env, 'expiry_test'), clock: () => at })

describe('certificate expiry warnings', () => {
  it('records certificate_expiring once when every certificate expires within 30 days (a cert 10 days out)', async () => {
    const cert = await certificateFor(10)
    const id = await activeConnection([cert.cert])
    await runCron()
    await runCron()
    const [event, ...more] = await eventsOf(id)
    expect(more).toEqual([])
    expect(event).toMatchObject({ type: 'saml_connection.certificate_expiring', instance_id: clerk.instanceId, data: { threshold_days: 30, expires_at: cert.notAfter } })
    expect(event?.data.certificates).toEqual([{ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), issued_at: expect.any(Number), expires_at: cert.notAfter }])
  })

  it('again at 7 days and at 1 day, then certificate_expired, each once', async () => {
    const cert = await certificateFor(10)
    const id = await activeConnection([cert.cert])
    for (const at of [cert.notAfter - 10 * DAY + HOUR, cert.notAfter - 5 * DAY, cert.notAfter - 4 * DAY, cert.notAfter - 12 * HOUR, cert.notAfter + HOUR, cert.notAfter + 2 * DAY]) await expiryPassAt(at)
    expect(await warnings(id)).toEqual([
      ['certificate_expiring', 30],
      ['certificate_expiring', 7],
      ['certificate_expiring', 1],
      ['certificate_expired', null],
    ])
    expect((await eventsOf(id, 'saml_connection.certificate_expired'))[0]?.data.expired_at).toBe(cert.notAfter)
  })

  it('gives a connection first seen late only the stage it is at', async () => {
    const cert = await certificateFor(3)
    const id = await activeConnection([cert.cert])
    await runCron()
    expect(await warnings(id)).toEqual([['certificate_expiring', 7]])
  })

  it('records nothing while one certificate lasts, nor for an inactive connection', async () => {
    const soon = await certificateFor(10)
    const lasting = await activeConnection([soon.cert, idpCertPem])
    const inactive = await activeConnection([soon.cert], { active: false })
    await runCron()
    await expiryPassAt(soon.notAfter + HOUR)
    expect(await warnings(lasting)).toEqual([])
    expect(await warnings(inactive)).toEqual([])
  })

  it('starts over when a refresh brings another certificate set', async () => {
    const name = documentName('expiry')
    const entityId = `https://idp.example.com/${name}`
    const old = await certificateFor(10)
    await publish(name, metadataFor(entityId, [old.cert]))
    const res = await clerk.api.create(connectionInput({ idp_metadata_url: documentUrl(name), active: true }))
    const id = res.body.id as string
    await runCron()
    expect(await warnings(id)).toEqual([['certificate_expiring', 30]])

    // A fresh certificate beside the old one: nothing is about to expire any more.
    const fresh = await certificateFor(400)
    await publish(name, metadataFor(entityId, [old.cert, fresh.cert]))
    await makeDue(id)
    await runCron()
    await expiryPassAt(old.notAfter - 5 * DAY)
    expect(await warnings(id)).toEqual([['certificate_expiring', 30]])

    // The IdP then moves to a set that expires in 5 days: its own warning, at the stage it is at.
    const next = await certificateFor(5)
    await publish(name, metadataFor(entityId, [next.cert]))
    await makeDue(id)
    await runCron()
    expect(await warnings(id)).toEqual([
      ['certificate_expiring', 30],
      ['certificate_expiring', 7],
    ])
    expect((await eventsOf(id)).map((e) => e.type)).toContain('saml_connection.certificates_rotated')
  })
})
