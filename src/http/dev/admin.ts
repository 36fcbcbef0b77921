import { type Context, Hono } from 'hono'
import { html } from 'hono/html'
import { AppError } from '../../domain/errors'
import { spUrls } from '../../domain/sp-urls'
import { LOCAL_INSTANCE_ID } from '../../services/api-keys'
import { createConnection, findConnectionByIdpEntityId, listConnections, updateConnection } from '../../services/saml-connections'
import { exchangeCode } from '../../services/codes'
import { createTestRun } from '../../services/test-runs'
import { countAttemptsNotStored, listSignInAttempts } from '../../services/sign-in-attempts'
import { findRefreshSchedules } from '../../services/scheduled-refresh'
import { SIGN_IN_FAILURE_REASONS } from '../../domain/sign-in-attempt'
import type { SamlConnection } from '../../domain/saml-connection'
import type { RefreshState } from '../../storage/types'
import { toProfileJson } from '../browser/profile-json'
import type { AppEnv } from '../env'
import { htmlPage, newNonce } from '../middleware/content-security-policy'
import { devIdpEntityId, devIdpMetadata } from './idp'

const LOCAL = { instanceId: LOCAL_INSTANCE_ID, appId: 'public', tenantId: 'public' }
const callbackUrl = (origin: string) => `${origin}/dev/callback`

// Its only form posts back here; the nonce lets the inline style apply and nothing else.
const page = (c: Context, title: string, body: unknown, nonce = newNonce()) => htmlPage(c, html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{font-size:13px}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>
</head><body>${body}</body></html>`, { nonce, formAction: ["'self'"] })

const at = (ms: number) => new Date(ms).toISOString()

// What the schedule in metadata_refresh holds: the last good fetch, when the cron takes it next
// (after a failure, the backoff's time), and the failure while it is the latest attempt's.
function refreshStatus(conn: SamlConnection, s: RefreshState | undefined, now: number) {
  if (!conn.idpMetadataUrl) return html`<small>Metadata pasted, not refreshed</small>`
  const failed = s?.lastFailure
    ? html`<br><span class="refresh-failed">Last attempt failed${s.lastAttemptAt === null ? '' : ` at ${at(s.lastAttemptAt)}`} (${s.failures} in a row): <code class="refresh-failure">${s.lastFailure}</code></span>`
    : ''
  return html`<div class="metadata-refresh"><code>${conn.idpMetadataUrl}</code><br>Last refreshed: <span class="last-refreshed">${s?.lastSuccessAt ? at(s.lastSuccessAt) : 'not since the URL was saved'}</span>
<br>Next due: <span class="next-refresh">${s ? `${at(s.nextRefreshAt)}${s.nextRefreshAt <= now ? ' (due now)' : ''}` : 'not scheduled'}</span>${failed}</div>`
}

/**
 * The development admin page: the local instance's connections with their SP URLs and metadata
 * refresh status, and a "Test sign-in" that runs the SP-initiated flow and shows the mapped profile.
 */
export function adminRoutes() {
  const app = new Hono<AppEnv>()

  app.get('/', async (c) => {
    const { items, total } = await listConnections(c.var.deps, { instanceId: LOCAL_INSTANCE_ID, limit: 100, offset: 0, order: { field: 'created_at', direction: 'desc' } })
    const callback = callbackUrl(c.var.origin)
    const schedules = await findRefreshSchedules(c.var.deps, items)
    const now = c.var.deps.clock()
    const rows = items.map((conn) => {
      const sp = spUrls(c.var.origin, conn.id)
      const canTest = conn.active && conn.redirectUris.includes(callback)
      const login = `/v1/saml/login?${new URLSearchParams({ connection_id: conn.id, redirect_uri: callback, state: 'admin-test' })}`
      return html`<tr data-connection-id="${conn.id}"><td>${conn.name}<br><code>${conn.id}</code></td><td>${conn.active ? 'active' : 'inactive'}<br><a class="sign-in-attempts" href="/dev/connections/${conn.id}/sign-in-attempts">Sign-in attempts</a></td>
<td>SP metadata: <a href="${sp.spMetadataUrl}"><code>${sp.spMetadataUrl}</code></a><br>ACS: <code>${sp.acsUrl}</code><br>SP entity id: <code>${sp.spEntityId}</code></td>
<td>${canTest ? html`<a class="test-sign-in" href="${login}"><button type="button">Test sign-in</button></a>` : html`<small>To test, make it active and add <code>${callback}</code> to its redirect URIs.</small>`}
<form method="post" action="/dev/connections/${conn.id}/test-run"><button class="test-run" type="submit">Test run (result page, no code)</button></form></td>
<td><form method="post" action="/dev/connections/${conn.id}/encryption"><input type="hidden" name="require" value="${conn.requireEncryptedAssertions ? 'off' : 'on'}">
<button class="toggle-encryption" type="submit">${conn.requireEncryptedAssertions ? 'Encrypted assertions required: turn off' : 'Require encrypted assertions'}</button></form></td>
<td>${refreshStatus(conn, schedules.get(conn.id), now)}</td></tr>`
    })
    return page(
      c,
      'saml-edge (local)',
      html`<h1>saml-edge: local instance <code>${LOCAL_INSTANCE_ID}</code></h1>
<p>${total} connection(s). API: <a href="/docs">/docs</a>, <a href="/openapi.json">/openapi.json</a>. Keys: <code>sk_test_local_development_key</code> (Clerk style), <code>local-development-api-key</code> (SuperTokens style).</p>
<form method="post" action="/dev/demo-connection"><button id="create-demo" type="submit">Add a demo connection (built-in development IdP)</button></form>
<table><thead><tr><th>Connection</th><th>State</th><th>Service-provider URLs</th><th></th><th>Encryption</th><th>Metadata refresh</th></tr></thead><tbody>${rows}</tbody></table>`,
    )
  })

  // A connection to the built-in development IdP, so the whole flow runs with no external IdP.
  app.post('/dev/demo-connection', async (c) => {
    const deps = c.var.deps
    const certificate = c.env.DEV_IDP_CERTIFICATE
    if (!certificate) throw new AppError('internal', { internal: 'DEV_IDP_CERTIFICATE is not set' })
    const existing = await findConnectionByIdpEntityId(deps, LOCAL, devIdpEntityId(c.var.origin))
    if (!existing) {
      await createConnection(deps, LOCAL, {
        name: 'Demo: built-in development IdP',
        idpMetadata: devIdpMetadata(c.var.origin, certificate),
        active: true,
        allowIdpInitiated: false,
        redirectUris: [callbackUrl(c.var.origin)],
      })
    }
    return c.redirect('/', 303)
  })

  // The demo's encryption switch: with it on, a plain assertion is refused and the development
  // IdP's "Encrypt the assertion" box decides whether a sign-in gets through.
  app.post('/dev/connections/:id/encryption', async (c) => {
    const form = new URLSearchParams(await c.req.text())
    await updateConnection(c.var.deps, LOCAL_INSTANCE_ID, c.req.param('id'), { requireEncryptedAssertions: form.get('require') === 'on' })
    return c.redirect('/', 303)
  })

  // What POST /v1/enterprise_connections/{id}/test_runs gives an admin: the run's URL, opened at once.
  app.post('/dev/connections/:id/test-run', async (c) => {
    const { url } = await createTestRun(c.var.deps, LOCAL_INSTANCE_ID, c.req.param('id'), c.var.origin)
    return c.redirect(url, 303)
  })

  // What the admin API's sign_in_attempts answers, readable: the reason of every refusal, the XML posted.
  app.get('/dev/connections/:id/sign-in-attempts', async (c) => {
    const id = c.req.param('id')
    const { items, total } = await listSignInAttempts(c.var.deps, LOCAL_INSTANCE_ID, id, { limit: 50, offset: 0 })
    const notStored = await countAttemptsNotStored(c.var.deps, id)
    const rows = items.map(
      (a) => html`<tr class="attempt" data-status="${a.status}"><td>${new Date(a.createdAt).toISOString()}</td><td>${a.status}</td>
<td>${a.reason ? html`<code class="reason">${a.reason}</code><br><small>${SIGN_IN_FAILURE_REASONS[a.reason]}</small>` : ''}</td><td>${a.flow}</td><td>${a.nameId ?? ''}<br>${a.emailAddress ?? ''}</td>
<td>${a.samlResponse ? html`<details><summary>SAML response</summary><pre>${a.samlResponse}</pre></details>` : ''}</td></tr>`,
    )
    return page(
      c,
      'Sign-in attempts',
      html`<h1>Sign-in attempts of <code>${id}</code></h1>
<p>${total} in the last 7 days, newest ${items.length} shown${notStored ? html`; ${notStored} more over the per-minute bound were counted, not stored` : ''}. <a href="/">Back</a></p>
<table><thead><tr><th>When</th><th>Status</th><th>Reason</th><th>Flow</th><th>NameID / email</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
    )
  })

  app.get('/dev/callback', async (c) => {
    const code = c.req.query('code')
    if (!code) throw new AppError('invalid_input', { issues: [{ param: 'code', kind: 'missing' }] })
    const profile = await exchangeCode(c.var.deps, code, async (_connectionId, instanceId) => instanceId === LOCAL_INSTANCE_ID)
    return page(
      c,
      'Signed in',
      html`<h1>Signed in</h1><p>State: <code>${c.req.query('state') ?? ''}</code></p>
<p>The profile your backend gets from <code>POST /v1/saml/token</code>:</p><pre id="profile">${JSON.stringify(toProfileJson(profile), null, 2)}</pre><p><a href="/">Back</a></p>`,
    )
  })
  return app
}
