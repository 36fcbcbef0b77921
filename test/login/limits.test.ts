/** The login start's limits: a refusal is the browser error page, and no login is stored. */
import { describe, expect, it } from 'vitest'
import { send } from '../helpers/http'
import { activeConnection, APP_CALLBACK } from '../helpers/sso'
import { captureLogs, expectBrowserError } from '../helpers/wire'

captureLogs()

describe('field caps', () => {
  it('login: refuses a redirect_uri over 4096 characters with 400 invalid_request', async () => {
    const { connection } = await activeConnection()
    const res = await send(`/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: `${APP_CALLBACK}?${'x'.repeat(4097)}` })}`)
    expectBrowserError(res, 'html')
    expect(res.status).toBe(400)
    expect(res.text).toContain('invalid_request')
  })
})
