import type { Context } from 'hono'
import { html } from 'hono/html'
import type { TestRun } from '../../domain/test-run'
import { htmlPage, newNonce } from '../middleware/content-security-policy'

const HEADLINE: Record<TestRun['status'], string> = {
  pending: 'Test run in progress: waiting for the IdP\'s response',
  success: 'Test sign-in succeeded',
  failed: 'Test sign-in failed',
}

/**
 * A test run's result, for the person who ran it (often the customer's IdP admin): the verdict,
 * who would be signed in, each check with its fix, and what the IdP sent. Escaped by hono/html; the
 * nonce lets the page's one style apply and nothing else runs.
 */
export function testRunPage(c: Context, run: TestRun): Response | Promise<Response> {
  const nonce = newNonce()
  const user = run.userInfo
  const body = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${HEADLINE[run.status]}</title>
<style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}li{margin:.3rem 0}.error{color:#a40000;font-weight:600}.warning{color:#7a5b00}pre{background:#f6f6f6;padding:1rem;overflow:auto;white-space:pre-wrap;word-break:break-all}</style>
</head><body>
<h1 class="status" data-status="${run.status}">${HEADLINE[run.status]}</h1>
<p>Test run <code>${run.id}</code>, started ${new Date(run.createdAt).toISOString()}. No code was sent to the application.</p>
${user ? html`<h2>User</h2><ul class="user">${Object.entries(user).map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul>` : ''}
<h2>Checks</h2>
<ol class="logs">${run.logs.map((l) => html`<li class="${l.level}" data-code="${l.code}"><strong>${l.short_message}</strong>: ${l.message}</li>`)}</ol>
${run.samlResponse !== null ? html`<h2>What the IdP sent (SAMLResponse, decoded)</h2><pre class="saml-response">${run.samlResponse}</pre>` : ''}
${run.samlRequest !== null ? html`<h2>What saml-edge sent (AuthnRequest)</h2><pre class="saml-request">${run.samlRequest}</pre>` : ''}
</body></html>`
  return htmlPage(c, body, { nonce })
}
