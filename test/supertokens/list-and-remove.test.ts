import { describe, expect, it } from 'vitest'
import { clientBody, newApp, stClient } from './helpers'

const pause = () => new Promise((r) => setTimeout(r, 5))

describe('GET /recipe/saml/clients/list', () => {
  it('answers OK with no clients for a tenant that has none', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).list()
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('application/json; charset=UTF-8')
    expect(res.body).toEqual({ status: 'OK', clients: [] })
  })

  it('lists every client of the tenant, newest first, as PUT returned them (without the secret)', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const created = []
    for (const clientId of ['first', 'second', 'third']) {
      created.push((await st.put(clientBody({ clientId, clientSecret: 'secret' }))).body)
      await pause()
    }
    const res = await st.list()
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      status: 'OK',
      clients: created.reverse().map(({ status: _s, clientSecret: _c, ...client }) => client),
    })
  })

  it('keeps a client in its creation place after an update', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    await st.put(clientBody({ clientId: 'old' }))
    await pause()
    await st.put(clientBody({ clientId: 'new' }))
    await pause()
    await st.put(clientBody({ clientId: 'old' }))
    const res = await st.list()
    expect(res.body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['new', 'old'])
  })
})

describe('POST /recipe/saml/clients/remove', () => {
  it('removes the client and says it existed', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    await st.put(clientBody({ clientId: 'keep' }))
    const gone = await st.put(clientBody({ clientId: 'gone' }))
    expect(gone.status).toBe(200)

    const res = await st.remove('gone')
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('application/json; charset=UTF-8')
    expect(res.body).toEqual({ status: 'OK', didExist: true })
    expect((await st.list()).body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['keep'])
  })

  it('answers didExist false for an unknown clientId, and for a second removal', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    expect((await st.remove('never-existed')).body).toEqual({ status: 'OK', didExist: false })
    await st.put(clientBody({ clientId: 'once' }))
    expect((await st.remove('once')).body).toEqual({ status: 'OK', didExist: true })
    expect((await st.remove('once')).body).toEqual({ status: 'OK', didExist: false })
  })

  it('frees the IdP entity id and the clientId for a new client', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const body = clientBody({ clientId: 'reuse' })
    const first = await st.put(body)
    await st.remove('reuse')
    await pause()
    const second = await st.put(body)
    expect(second.body.status).toBe('OK')
    expect(second.body.createdAt).toBeGreaterThan(first.body.createdAt)
  })
})
