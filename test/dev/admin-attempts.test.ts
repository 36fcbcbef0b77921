import { SELF } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { ORIGIN } from '../helpers/http'
import { toBase64 } from '../helpers/test-idp'

describe('development admin page: a connection\'s sign-in attempts', () => {
  it('links each connection to its recent attempts, with the reason and the XML posted, escaped', async () => {
    await SELF.fetch(`${ORIGIN}/dev/demo-connection`, { method: 'POST', redirect: 'manual' })
    const admin = await (await SELF.fetch(`${ORIGIN}/`)).text()
    // The demo connection, which allows no IdP-initiated sign-in.
    const link = admin.match(/<td>Demo: built-in development IdP<br>.*?class="sign-in-attempts" href="(\/dev\/connections\/(samlc_\w+)\/sign-in-attempts)"/s)
    expect(link).toBeTruthy()
    const marker = crypto.randomUUID()
    const posted = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><script>${marker}</script>`
    const acs = await SELF.fetch(`${ORIGIN}/v1/saml/acs/${link![2]}`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: toBase64(posted) }).toString(),
    })
    expect(acs.status).toBe(403)
    expect(await acs.text()).not.toContain('idp_initiated_not_allowed')

    // The attempt is written after the browser's answer.
    const page = await vi.waitFor(async () => {
      const text = await (await SELF.fetch(`${ORIGIN}${link![1]}`)).text()
      expect(text).toContain(marker)
      return text
    }, { timeout: 10_000, interval: 20 })
    const row = page.split('<tr class="attempt"').find((r) => r.includes(marker))!
    expect(row).toContain('data-status="failed"')
    expect(row).toContain('<code class="reason">idp_initiated_not_allowed</code>')
    expect(row).toContain(`&lt;script&gt;${marker}&lt;/script&gt;`)
    expect(row).not.toContain('<script>')
  })
})
