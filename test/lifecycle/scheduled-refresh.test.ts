import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MIN_REFRESH_INTERVAL_MS, REFRESH_INTERVAL_MS } from '../../src/domain/metadata-refresh'
import { kvEdgeCopy } from '../../src/storage/kv/edge-copy'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { bare } from '../helpers/idp-metadata'
import { idpCertPem, rolloverCertPem } from '../helpers/keys'
import { documentName, documentStats, documentUrl, eventsOf, makeDue, metadataFor, publish, refreshRow, runCron } from './lifecycle.helpers'

const clerk = freshInstanceEachTest()
const HOUR = 3_600_000

/** A connection created from a freshly published document, as an admin creates one from an IdP's metadata URL. */
async function connectionFromUrl(certs = [idpCertPem], extra: Record<string, unknown> = {}) {
  const name = documentName('scheduled')
  const entityId = `https://idp.example.com/${name}`
  await publish(name, metadataFor(entityId, certs))
  const res = await clerk.api.create(connectionInput({ idp_metadata_url: documentUrl(name), ...extra }))
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return { name, entityId, id: res.body.id as string, created: res.body }
}

const certificatesOf = async (id: string) => ((await clerk.api.get(id)).body.idp_certificates as { certificate: string }[]).map((c) => c.certificate)
const waitAfterAttempt = async (id: string) => {
  const row = await refreshRow(id)
  return (row?.next_refresh_at ?? 0) - (row?.last_attempt_at ?? 0)
}

describe('the schedule of a connection with a metadata URL', () => {
  it('starts a day after the write that fetched it, and ends with the URL', async () => {
    const { id, created } = await connectionFromUrl()
    const row = await refreshRow(id)
    expect(row?.metadata_url).toBe(created.idp_metadata_url)
    expect(row?.next_refresh_at).toBe(created.updated_at + REFRESH_INTERVAL_MS)
    expect(row?.failures).toBe(0)

    const cleared = await clerk.api.update(id, { idp_metadata_url: null })
    expect(cleared.status).toBe(200)
    expect(await refreshRow(id)).toBeNull()
  })

  it('a PATCH to another URL starts afresh; a PATCH of anything else keeps it', async () => {
    const { id } = await connectionFromUrl()
    await env.DB.prepare("UPDATE metadata_refresh SET failures = 3, etag = '\"x\"' WHERE connection_id = ?").bind(id).run()
    await clerk.api.update(id, { name: 'renamed' })
    expect((await refreshRow(id))?.failures).toBe(3)

    const other = await connectionFromUrl()
    await clerk.api.remove(other.id)
    const moved = await clerk.api.update(id, { idp_metadata_url: documentUrl(other.name) })
    expect(moved.status).toBe(200)
    expect(await refreshRow(id)).toMatchObject({ metadata_url: documentUrl(other.name), failures: 0, etag: null })
  })

  it('is removed with the connection', async () => {
    const { id } = await connectionFromUrl()
    expect((await clerk.api.remove(id)).status).toBe(200)
    expect(await refreshRow(id)).toBeNull()
  })
})

describe('the scheduled refresh', () => {
  it('asks conditionally once it has validators, and a 304 leaves the connection as it is for another day', async () => {
    const { id, name, created } = await connectionFromUrl()
    await makeDue(id)
    await runCron()
    const first = await documentStats(name)
    expect(first.lastConditional.ifNoneMatch).toBeNull()
    expect((await refreshRow(id))?.etag).toBe(first.etag)

    await makeDue(id)
    await runCron()
    const second = await documentStats(name)
    expect(second.lastConditional.ifNoneMatch).toBe(first.etag)
    expect(second.notModified).toBe(first.notModified + 1)
    expect((await clerk.api.get(id)).body.updated_at).toBe(created.updated_at)
    expect(await waitAfterAttempt(id)).toBe(REFRESH_INTERVAL_MS)
    expect(await eventsOf(id)).toEqual([])
  })

  it('falls back to If-Modified-Since when the IdP sends no ETag', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    await publish(name, metadataFor(entityId, [idpCertPem]), { etag: false })
    await makeDue(id)
    await runCron()
    const row = await refreshRow(id)
    expect(row?.etag).toBeNull()
    expect(row?.last_modified).toMatch(/GMT$/)

    await makeDue(id)
    await runCron()
    const stats = await documentStats(name)
    expect(stats.lastConditional).toEqual({ ifNoneMatch: null, ifModifiedSince: row?.last_modified })
    expect(stats.notModified).toBe(1)
  })

  it('applies a changed certificate set in one step and records certificates_rotated, and the edge copy follows', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    await publish(name, metadataFor(entityId, [idpCertPem, rolloverCertPem]))
    await makeDue(id)
    await runCron()

    expect(await certificatesOf(id)).toEqual([bare(idpCertPem), bare(rolloverCertPem)])
    expect((await kvEdgeCopy(env.KV).get(id))?.idpCertificates.map((c) => c.certificate)).toEqual([bare(idpCertPem), bare(rolloverCertPem)])
    const [updated, rotated, ...more] = await eventsOf(id)
    expect(more).toEqual([])
    // Handed on by the same cron run (no endpoint wants it, so nothing was sent).
    expect(updated).toMatchObject({ type: 'saml_connection.updated', instance_id: clerk.instanceId, delivered_at: expect.any(Number), data: { changed: ['idp_certificates'], trigger: 'scheduled' } })
    expect(rotated?.type).toBe('saml_connection.certificates_rotated')
    expect(rotated?.id).toMatch(/^evt_[0-9A-Za-z]{27}$/)
    expect(rotated?.data.added).toHaveLength(1)
    expect(rotated?.data.removed).toEqual([])
    expect(rotated?.data.certificates).toHaveLength(2)
    expect(rotated?.data.added[0].sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await waitAfterAttempt(id)).toBe(REFRESH_INTERVAL_MS)

    // The IdP drops the old certificate: it is no longer trusted.
    await publish(name, metadataFor(entityId, [rolloverCertPem]))
    await makeDue(id)
    await runCron()
    expect(await certificatesOf(id)).toEqual([bare(rolloverCertPem)])
    expect((await eventsOf(id, 'saml_connection.certificates_rotated')).at(-1)?.data.removed).toHaveLength(1)
  })

  it('applies a changed SSO URL and binding as an update, without a rotation', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    await publish(name, metadataFor(entityId, [idpCertPem], { ssoUrl: 'https://idp.example.com/moved', bindings: ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'] }))
    await makeDue(id)
    await runCron()
    const got = (await clerk.api.get(id)).body
    expect([got.idp_sso_url, got.idp_sso_binding]).toEqual(['https://idp.example.com/moved', 'redirect'])
    expect((await eventsOf(id)).map((e) => [e.type, e.data.changed])).toEqual([['saml_connection.updated', ['idp_sso_url', 'idp_sso_binding']]])
  })

  it('keeps the last good metadata when the fetch fails, backs off doubling, and records metadata_refresh_failed each time', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    await publish(name, '', { status: 503 })
    await makeDue(id)
    await runCron()
    expect(await certificatesOf(id)).toEqual([bare(idpCertPem)])
    expect(await refreshRow(id)).toMatchObject({ failures: 1, last_failure: 'status 503' })
    expect(await waitAfterAttempt(id)).toBe(MIN_REFRESH_INTERVAL_MS)

    await makeDue(id)
    await runCron()
    expect(await waitAfterAttempt(id)).toBe(2 * MIN_REFRESH_INTERVAL_MS)

    // An invalid document is a failure too, and nothing is cleared.
    await publish(name, '{"not": "metadata"}')
    await makeDue(id)
    await runCron()
    expect(await waitAfterAttempt(id)).toBe(4 * MIN_REFRESH_INTERVAL_MS)
    const failed = await eventsOf(id, 'saml_connection.metadata_refresh_failed')
    expect(failed.map((e) => [e.data.error, e.data.reason, e.data.consecutive_failures])).toEqual([
      ['idp_metadata_fetch_failed', 'status 503', 1],
      ['idp_metadata_fetch_failed', 'status 503', 2],
      ['idp_metadata_invalid', 'not_xml', 3],
    ])
    expect(failed[0]?.data.next_attempt_at).toBeGreaterThan(failed[0]?.created_at ?? Infinity)
    expect(await certificatesOf(id)).toEqual([bare(idpCertPem)])

    // The IdP is back: the failures are forgotten.
    await publish(name, metadataFor(entityId, [idpCertPem]))
    await makeDue(id)
    await runCron()
    expect(await refreshRow(id)).toMatchObject({ failures: 0, last_failure: null })
    expect(await waitAfterAttempt(id)).toBe(REFRESH_INTERVAL_MS)
  })

  it('refuses a document that names another entity or lists no signing certificate, keeping the connection', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    await publish(name, metadataFor('https://someone-else.example.com', [rolloverCertPem]))
    await makeDue(id)
    await runCron()
    await publish(name, metadataFor(entityId, []))
    await makeDue(id)
    await runCron()
    expect((await clerk.api.get(id)).body.idp_entity_id).toBe(entityId)
    expect(await certificatesOf(id)).toEqual([bare(idpCertPem)])
    expect((await eventsOf(id, 'saml_connection.metadata_refresh_failed')).map((e) => e.data.reason)).toEqual(['entity_id_changed', 'missing_certificate'])
  })

  it('comes back sooner when the document asks (cacheDuration, validUntil), never within 15 minutes', async () => {
    const { id, name, entityId } = await connectionFromUrl()
    const withHints = (attributes: string) => metadataFor(entityId, [idpCertPem]).replace('<md:EntityDescriptor ', `<md:EntityDescriptor ${attributes} `)
    for (const [attributes, wait] of [
      ['cacheDuration="PT6H"', 6 * HOUR],
      ['cacheDuration="PT1M"', MIN_REFRESH_INTERVAL_MS],
      [`validUntil="${new Date(Date.now() + 2 * HOUR + 30_000).toISOString()}" cacheDuration="P2D"`, 2 * HOUR],
    ] as const) {
      await publish(name, withHints(attributes))
      await makeDue(id)
      await runCron()
      const waited = await waitAfterAttempt(id)
      if (attributes.startsWith('validUntil')) expect(Math.abs(waited - wait), attributes).toBeLessThan(60_000)
      else expect(waited, attributes).toBe(wait)
    }
  })

  it('takes at most 50 connections a run, earliest due first; the rest wait for the next run', async () => {
    const created = []
    for (let i = 0; i < 55; i += 11) created.push(...(await Promise.all(Array.from({ length: 11 }, () => connectionFromUrl()))))
    const ids = created.map((c) => c.id)
    await makeDue(...ids)
    await runCron()
    const attempted = async () => (await Promise.all(ids.map(refreshRow))).map((r) => r?.last_attempt_at !== null)
    expect(await attempted()).toEqual([...Array(50).fill(true), ...Array(5).fill(false)])
    await runCron()
    expect(await attempted()).toEqual(Array(55).fill(true))
  })
})
