import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { ORIGIN } from '../helpers/http'

const form = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"')]))

describe('development admin page and IdP', () => {
  it('runs a whole sign-in against the built-in IdP and shows the mapped profile', async () => {
    const created = await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    expect(created.status).toBe(303)
    const admin = await (await SELF.fetch(`${ORIGIN}/`)).text()
    const link = admin.match(/class="test-sign-in" href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&')
    expect(link).toBeTruthy()

    const toIdp = await SELF.fetch(`${ORIGIN}${link}`, { redirect: 'manual' })
    expect(toIdp.status).toBe(302)
    const idpUrl = new URL(toIdp.headers.get('location')!)
    expect(idpUrl.pathname).toBe('/dev/idp/sso')
    const idpPage = await (await SELF.fetch(idpUrl)).text()
    const fields = { ...form(idpPage), email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', groups: 'navy' }

    const posted = await (await SELF.fetch(`${ORIGIN}/dev/idp/sso`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })).text()
    const acsUrl = posted.match(/<form method="post" action="([^"]+)"/)?.[1]
    expect(acsUrl).toMatch(/\/v1\/saml\/acs\/samlc_/)
    const acs = await SELF.fetch(acsUrl!, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form(posted)).toString() })
    expect(acs.status).toBe(302)
    const callback = new URL(acs.headers.get('location')!)
    expect(callback.pathname).toBe('/dev/callback')
    expect(callback.searchParams.get('state')).toBe('admin-test')

    const done = await (await SELF.fetch(callback)).text()
    const profile = JSON.parse(done.match(/<pre id="profile">([\s\S]*?)<\/pre>/)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
    expect(profile).toMatchObject({ name_id: 'grace@example.com', email_address: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', attributes: { groups: ['navy'] } })
  })

  it('a test run from the admin page goes through the built-in IdP and ends on the result page, with no code', async () => {
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    const admin = await (await SELF.fetch(`${ORIGIN}/`)).text()
    const row = admin.split('<tr data-connection-id=').find((r) => r.includes('Demo: built-in development IdP')) ?? ''
    const action = row.match(/<form method="post" action="([^"]+\/test-run)"/)?.[1]
    expect(action).toMatch(/^\/dev\/connections\/samlc_\w+\/test-run$/)
    const created = await SELF.fetch(`${ORIGIN}${action}`, { method: 'POST', redirect: 'manual' })
    expect(created.status).toBe(303)
    const toIdp = await SELF.fetch(created.headers.get('location')!, { redirect: 'manual' })
    const idpUrl = new URL(toIdp.headers.get('location')!)
    expect(idpUrl.pathname).toBe('/dev/idp/sso')
    const fields = { ...form(await (await SELF.fetch(idpUrl)).text()), email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', groups: 'navy' }
    const posted = await (await SELF.fetch(`${ORIGIN}/dev/idp/sso`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })).text()
    const acsUrl = posted.match(/<form method="post" action="([^"]+)"/)?.[1]
    const acs = await SELF.fetch(acsUrl!, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form(posted)).toString() })
    expect([acs.status, acs.headers.get('location')]).toEqual([200, null])
    const result = await acs.text()
    expect(result).toContain('Test sign-in succeeded')
    expect(result).toContain('grace@example.com')
  })

  it('the demo connection can require encrypted assertions: then only the IdP\'s encrypted answer signs in', async () => {
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    // Other tests share the local instance, so everything is read from the demo connection's own row.
    const demoRow = (page: string) => page.split('<tr data-connection-id=').find((row) => row.includes('Demo: built-in development IdP')) ?? ''
    const admin = demoRow(await (await SELF.fetch(`${ORIGIN}/`)).text())
    const toggle = admin.match(/<form method="post" action="(\/dev\/connections\/samlc_\w+\/encryption)"><input type="hidden" name="require" value="on">/)?.[1]
    expect(toggle).toBeTruthy()
    const switched = await SELF.fetch(`${ORIGIN}${toggle}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'require=on' })
    expect(switched.status).toBe(303)
    expect(demoRow(await (await SELF.fetch(`${ORIGIN}/`)).text())).toContain('Encrypted assertions required: turn off')

    const signIn = async (extra: Record<string, string>) => {
      const page = demoRow(await (await SELF.fetch(`${ORIGIN}/`)).text())
      const link = page.match(/class="test-sign-in" href="([^"]+)"/)![1]!.replace(/&amp;/g, '&')
      const idpUrl = new URL((await SELF.fetch(`${ORIGIN}${link}`, { redirect: 'manual' })).headers.get('location')!)
      const idpPage = await (await SELF.fetch(idpUrl)).text()
      expect(idpPage).toContain('name="encrypt"')
      const fields = { ...form(idpPage), email: 'grace@example.com', ...extra }
      const posted = await (await SELF.fetch(`${ORIGIN}/dev/idp/sso`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })).text()
      const answer = form(posted)
      const acs = await SELF.fetch(posted.match(/<form method="post" action="([^"]+)"/)![1]!, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(answer).toString() })
      return { acs, xml: atob(answer.SAMLResponse ?? '') }
    }

    const plain = await signIn({})
    expect(plain.xml).not.toContain('EncryptedAssertion')
    expect(plain.acs.status).toBe(400)
    const encrypted = await signIn({ encrypt: 'on' })
    expect(encrypted.xml).toContain('<saml:EncryptedAssertion')
    expect(encrypted.xml).not.toContain('<saml:Assertion')
    expect(encrypted.acs.status).toBe(302)
    expect(new URL(encrypted.acs.headers.get('location')!).pathname).toBe('/dev/callback')

    await SELF.fetch(`${ORIGIN}${toggle}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'require=off' })
    expect((await signIn({})).acs.status).toBe(302)
  })

  it('adds the demo connection once', async () => {
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM saml_connections WHERE instance_id = 'ins_local' AND idp_entity_id = ?").bind(`${ORIGIN}/dev/idp`).first<{ n: number }>()
    expect(n?.n).toBe(1)
  })

  it('does not exist outside development', async () => {
    const app = createApp()
    const prod = { ...env, ENVIRONMENT: 'production' } as Env
    for (const [method, path] of [['GET', '/'], ['POST', '/dev/demo-connection'], ['POST', '/dev/connections/samlc_x/encryption'], ['GET', '/dev/idp/metadata'], ['GET', '/dev/callback?code=x']]) {
      expect((await app.request(`${ORIGIN}${path}`, { method }, prod)).status, path).toBe(404)
    }
  })
})
