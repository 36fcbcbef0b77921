import { describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { awaitDeliveries, createEndpoint, receiver, typesOf } from './webhooks.helpers'

// Deliveries through the real local queue (wrangler.toml's producer and consumer, run by miniflare)
// to a receiver outside the Worker, checked with an independent Standard Webhooks implementation.

const clerk = freshInstanceEachTest()

describe('webhook deliveries', () => {
  it('delivers a connection created through the Clerk-style API, signed as Standard Webhooks says', async () => {
    const hook = await receiver('created')
    const endpoint = await createEndpoint(clerk.api, { url: hook.url })
    const created = await clerk.api.create(connectionInput())
    expect(created.status).toBe(200)

    const [delivery] = await awaitDeliveries(hook.name, (d) => d.length >= 1)
    if (!delivery) throw new Error('no delivery')
    const verified = new Webhook(endpoint.secret).verify(delivery.body, delivery.headers) as Record<string, any>
    expect(verified.type).toBe('saml_connection.created')
    expect(verified.data).toEqual(created.body)
    expect(delivery.headers['webhook-id']).toMatch(/^evt_/)
  })
})
