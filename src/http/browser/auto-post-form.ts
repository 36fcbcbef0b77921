import type { Context } from 'hono'
import { html } from 'hono/html'
import { AppError } from '../../domain/errors'
import { normalizeHttpUrl } from '../../domain/urls'
import { htmlPage, newNonce } from '../middleware/content-security-policy'

/**
 * The HTTP-POST binding's page: a form the browser submits at once (a button without JavaScript).
 * Only an http(s) target is rendered, and the policy lets the form post to that origin alone and
 * runs only the nonce'd submit script, so a stored `javascript:` action can never run here.
 */
export function autoPostPage(c: Context, action: string, fields: Record<string, string>): Response | Promise<Response> {
  const target = normalizeHttpUrl(action)
  if (target === null) throw new AppError('invalid_client', { internal: 'auto-post target breaks the URL rule' })
  const nonce = newNonce()
  const body = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body><form method="post" action="${target}">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<noscript><button type="submit">Continue</button></noscript></form><script nonce="${nonce}">document.forms[0].submit()</script></body></html>`
  return htmlPage(c, body, { nonce, formAction: [new URL(target).origin] })
}
