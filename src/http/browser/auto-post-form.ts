import { html } from 'hono/html'

/** The HTTP-POST binding's page: a form the browser submits at once (a button without JavaScript). */
export function autoPostForm(action: string, fields: Record<string, string>) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${action}">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<noscript><button type="submit">Continue to your identity provider</button></noscript></form></body></html>`
}
