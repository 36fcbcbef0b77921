import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { refreshMetadata } from '../../src/services/metadata-refresh'
import { buildDeps } from '../../src/wiring/deps'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { failFirst, FaultInjector, faultyD1, type FaultMode } from '../helpers/faulty-bindings'
import { idpCertPem, rolloverCertPem } from '../helpers/keys'
import { snapshotInstance } from '../helpers/store'
import { documentName, documentUrl, eventsOf, metadataFor, publish, refreshRow } from './lifecycle.helpers'

// The outbox's promise: an event is written in the batch of the change it describes, so neither
// ever exists without the other, whatever fails and whoever writes in between.

const clerk = freshInstanceEachTest()

/** A connection from a metadata URL whose IdP has since added a certificate (a refresh would change it). */
async function connectionWithPendingRotation() {
  const name = documentName('outbox')
  const entityId = `https://idp.example.com/${name}`
  await publish(name, metadataFor(entityId, [idpCertPem]))
  const res = await clerk.api.create(connectionInput({ idp_metadata_url: documentUrl(name) }))
  await publish(name, metadataFor(entityId, [idpCertPem, rolloverCertPem]))
  const deps = buildDeps(env, 'outbox_test')
  const id = res.body.id as string
  const conn = await deps.connections.findById(id)
  if (!conn) throw new Error('not stored')
  return { name, entityId, id, conn, deps }
}

const faultyDeps = (mode: FaultMode) => {
  const faults = new FaultInjector(failFirst('d1.batch', mode))
  return { deps: buildDeps({ ...env, DB: faultyD1(env.DB, faults) }, 'outbox_fault_test'), faults }
}

describe('the event outbox', () => {
  it('a batch that fails half-way leaves neither the change nor its events, and the schedule as it was', async () => {
    const { id, conn, deps } = await connectionWithPendingRotation()
    const before = await snapshotInstance(clerk.instanceId)
    const schedule = await refreshRow(id)
    const { deps: broken, faults } = faultyDeps('midBatch')
    await expect(refreshMetadata(broken, conn, await deps.metadataRefresh.get(id), 'scheduled')).rejects.toThrow(/injected fault|json/i)
    expect(faults.fired).toMatch(/^d1.batch/)
    expect(await snapshotInstance(clerk.instanceId)).toEqual(before)
    expect(await eventsOf(id)).toEqual([])
    expect(await refreshRow(id)).toEqual(schedule)
  })

  it('a batch whose answer is lost has committed the change and its events together', async () => {
    const { id, conn, deps } = await connectionWithPendingRotation()
    const { deps: broken } = faultyDeps('after')
    await expect(refreshMetadata(broken, conn, await deps.metadataRefresh.get(id), 'scheduled')).rejects.toThrow(/injected fault/)
    expect((await deps.connections.findById(id))?.idpCertificates).toHaveLength(2)
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['saml_connection.updated', 'saml_connection.certificates_rotated'])
  })

  it('a failed refresh whose batch fails records neither the failure nor its event', async () => {
    const { id, name, conn, deps } = await connectionWithPendingRotation()
    await publish(name, '', { status: 502 })
    const { deps: broken } = faultyDeps('midBatch')
    await expect(refreshMetadata(broken, conn, await deps.metadataRefresh.get(id), 'scheduled')).rejects.toThrow()
    expect(await eventsOf(id)).toEqual([])
    expect((await refreshRow(id))?.failures).toBe(0)
  })

  it("an admin's write while the refresh fetched wins: the refresh applies nothing and records no event", async () => {
    const { id, conn, deps } = await connectionWithPendingRotation()
    const state = await deps.metadataRefresh.get(id)
    const patched = await clerk.api.update(id, { name: 'renamed by the admin' })
    expect(patched.status).toBe(200)
    expect(await refreshMetadata(deps, conn, state, 'scheduled')).toEqual({ kind: 'superseded' })
    expect((await clerk.api.get(id)).body).toEqual(patched.body)
    expect(await eventsOf(id)).toEqual([])
  })

  it('keeps what a deliverer needs: undelivered events oldest first, marked once delivered', async () => {
    const { id, conn } = await connectionWithPendingRotation()
    // Without a queue bound, nothing hands the events on: the outbox alone is under test.
    const deps = buildDeps({ ...env, WEBHOOK_QUEUE: undefined } as unknown as Env, 'outbox_test')
    await refreshMetadata(deps, conn, await deps.metadataRefresh.get(id), 'manual')
    const mine = await eventsOf(id)
    const ids = mine.map((e) => e.id)
    expect((await deps.events.listForConnection(id, 10)).map((e) => e.id).filter((x) => ids.includes(x))).toEqual([...ids].reverse())
    const pending = (await deps.events.undelivered(10_000)).map((e) => e.id)
    expect(pending.filter((x) => ids.includes(x))).toEqual(ids)
    await deps.events.markDelivered(ids, Date.now())
    expect((await deps.events.undelivered(10_000)).map((e) => e.id).filter((x) => ids.includes(x))).toEqual([])
    expect((await eventsOf(id)).every((e) => e.delivered_at !== null)).toBe(true)
  })
})
