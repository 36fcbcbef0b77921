import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, DEV_SECRET_KEY } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'
import { idpCertPem } from '../helpers/keys'
import { documentName, documentUrl, metadataFor, publish, refreshRow } from '../lifecycle/lifecycle.helpers'

// The admin page reads the schedule the refresh keeps (metadata_refresh); other tests share the
// local instance, so everything is read from the connection's own row.
const local = clerkClient(DEV_SECRET_KEY)
const iso = (ms: number) => new Date(ms).toISOString()

async function rowOf(id: string): Promise<string> {
  const page = await (await SELF.fetch(`${ORIGIN}/`)).text()
  const row = page.split('<tr data-connection-id=').find((r) => r.startsWith(`"${id}"`))
  expect(row, `no row for ${id}`).toBeTruthy()
  return row!.slice(0, row!.indexOf('</tr>'))
}

const refreshCell = (row: string) => row.slice(row.indexOf('<div class="metadata-refresh">'))

async function connectionFromUrl() {
  const name = documentName('admin-refresh')
  await publish(name, metadataFor(`https://idp.example.com/${name}`, [idpCertPem]))
  const res = await local.create(connectionInput({ idp_metadata_url: documentUrl(name) }))
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return { name, id: res.body.id as string, url: documentUrl(name) }
}

describe('development admin page: metadata refresh status', () => {
  it('shows when a metadata URL was last refreshed, when it is due next, and the last failure with its reason', async () => {
    const { name, id, url } = await connectionFromUrl()
    const created = await refreshRow(id)
    const fresh = refreshCell(await rowOf(id))
    expect(fresh).toContain(`<code>${url}</code>`)
    expect(fresh).toContain('<span class="last-refreshed">not since the URL was saved</span>')
    expect(fresh).toContain(`<span class="next-refresh">${iso(created!.next_refresh_at)}</span>`)
    expect(fresh).not.toContain('refresh-failed')

    expect((await local.call('POST', `/v1/saml_connections/${id}/refresh_metadata`)).status).toBe(200)
    const good = (await refreshRow(id))!
    expect(refreshCell(await rowOf(id))).toContain(`<span class="last-refreshed">${iso(good.last_success_at!)}</span>`)

    await publish(name, '', { status: 503 })
    expect((await local.call('POST', `/v1/saml_connections/${id}/refresh_metadata`)).status).toBe(400)
    const failed = (await refreshRow(id))!
    expect(failed).toMatchObject({ failures: 1, last_failure: 'status 503', last_success_at: good.last_success_at })
    const cell = refreshCell(await rowOf(id))
    expect(cell).toContain(`<span class="last-refreshed">${iso(good.last_success_at!)}</span>`)
    expect(cell).toContain(`<span class="next-refresh">${iso(failed.next_refresh_at)}</span>`)
    expect(cell).toContain(`Last attempt failed at ${iso(failed.last_attempt_at!)} (1 in a row): <code class="refresh-failure">status 503</code>`)
  })

  it('escapes what the schedule holds', async () => {
    const { id } = await connectionFromUrl()
    const marker = crypto.randomUUID()
    await env.DB.prepare('UPDATE metadata_refresh SET last_failure = ?, failures = 2, last_attempt_at = 0 WHERE connection_id = ?').bind(`<script>${marker}</script>`, id).run()
    const cell = refreshCell(await rowOf(id))
    expect(cell).toContain(`<code class="refresh-failure">&lt;script&gt;${marker}&lt;/script&gt;</code>`)
    expect(cell).not.toContain('<script>')
  })

  it("a new metadata URL starts afresh: the old URL's refreshes and failure are not shown as the new one's", async () => {
    const { name, id } = await connectionFromUrl()
    expect((await local.call('POST', `/v1/saml_connections/${id}/refresh_metadata`)).status).toBe(200)
    await publish(name, '', { status: 503 })
    expect((await local.call('POST', `/v1/saml_connections/${id}/refresh_metadata`)).status).toBe(400)

    const next = documentName('admin-refresh-next')
    await publish(next, metadataFor(`https://idp.example.com/${name}`, [idpCertPem]))
    expect((await local.update(id, { idp_metadata_url: documentUrl(next) })).status).toBe(200)
    const cell = refreshCell(await rowOf(id))
    expect(cell).toContain(`<code>${documentUrl(next)}</code>`)
    expect(cell).toContain('<span class="last-refreshed">not since the URL was saved</span>')
    expect(cell).not.toContain('refresh-failed')
  })

  it('says a connection with pasted metadata is not refreshed', async () => {
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    const page = await (await SELF.fetch(`${ORIGIN}/`)).text()
    const demo = page.split('<tr data-connection-id=').find((r) => r.includes('Demo: built-in development IdP'))
    expect(demo).toContain('<small>Metadata pasted, not refreshed</small>')
  })
})
