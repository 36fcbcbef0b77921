import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { idpMetadataXml } from '../helpers/keys'
import { outboxOf } from './webhooks.helpers'

// Which events an admin's writes leave in the outbox (the deliveries are in delivery.test.ts).

const clerk = freshInstanceEachTest()
const types = async () => (await outboxOf(clerk.instanceId)).map((e) => e.type.replace('saml_connection.', ''))
const activatable = () => connectionInput({ idp_metadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }) })

describe('the events of admin writes', () => {
  it('records a flip only when active changes: not for a rename, nor for deactivating what is inactive', async () => {
    const { body } = await clerk.api.create(activatable())
    await clerk.api.update(body.id, { active: false })
    await clerk.api.update(body.id, { name: 'still off' })
    await clerk.api.update(body.id, { active: true })
    await clerk.api.update(body.id, { name: 'still on' })
    expect(await types()).toEqual(['created', 'updated', 'updated', 'updated', 'activated', 'updated'])
  })

  it('of two admins activating at once, records one activation: the flip is judged by the stored row', async () => {
    const { body } = await clerk.api.create(activatable())
    const answers = await Promise.all([clerk.api.update(body.id, { active: true }), clerk.api.update(body.id, { active: true })])
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect((await types()).filter((t) => t === 'activated')).toEqual(['activated'])
  })

  it('records nothing for a delete of a connection that is not there', async () => {
    const { body } = await clerk.api.create(connectionInput())
    expect((await clerk.api.remove(body.id)).status).toBe(200)
    expect((await clerk.api.remove(body.id)).status).toBe(404)
    expect(await types()).toEqual(['created', 'deleted'])
  })

  it('keeps with each event the connection as its batch left it, the deleted one as it was', async () => {
    const { body } = await clerk.api.create(activatable())
    await clerk.api.update(body.id, { name: 'renamed' })
    await clerk.api.remove(body.id)
    const rows = await env.DB.prepare('SELECT type, subject_json FROM events WHERE connection_id = ? ORDER BY created_at, rowid').bind(body.id).all<{ type: string; subject_json: string }>()
    expect(rows.results.map((r) => [r.type, JSON.parse(r.subject_json).name])).toEqual([
      ['saml_connection.created', body.name],
      ['saml_connection.updated', 'renamed'],
      ['saml_connection.deleted', 'renamed'],
    ])
  })
})
