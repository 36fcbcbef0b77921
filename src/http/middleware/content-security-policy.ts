import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { randomBase62 } from '../../domain/ids'

/** What one page may do beyond showing its own markup. */
export interface PagePolicy {
  /** `<script>` and `<style>` elements carrying this nonce may run; no other script or style does. */
  nonce?: string
  /** Where the page's forms may post (CSP sources: an origin, or `'self'`); nowhere when absent. */
  formAction?: string[]
}

/**
 * The Content-Security-Policy of the pages this service renders: nothing loads, no inline script
 * or style runs without the page's nonce, forms post only where the page says, nobody frames it.
 * A stored URL that slipped past every check still cannot run script on this origin.
 */
export function pagePolicy({ nonce, formAction = [] }: PagePolicy = {}): string {
  return [
    "default-src 'none'",
    ...(nonce ? [`script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`] : []),
    `form-action ${formAction.length ? formAction.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * The API reference at /docs (Scalar), looser than the other pages where Scalar needs it: it injects
 * styles at run time and sets style attributes ('unsafe-inline' styles), uses data: fonts and
 * images, and its "try it" client calls this origin. Its script comes from this origin by nonce;
 * no other host is named, so nothing of the page loads from elsewhere. Still no framing.
 */
export function apiReferencePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A fresh nonce per response (base62 is within the base64 alphabet CSP asks for). */
export const newNonce = (): string => randomBase62(22)

/** An HTML answer under its page's policy. */
export const htmlPage = (c: Context, body: string | Promise<string>, policy: PagePolicy, status: ContentfulStatusCode = 200): Response | Promise<Response> =>
  c.html(body, status, { 'content-security-policy': pagePolicy(policy) })

/**
 * Every HTML answer that set no policy of its own (the browser error page, the SuperTokens-style
 * text errors, which the core serves as text/html) gets the strictest one.
 */
export const defaultContentSecurityPolicy = createMiddleware(async (c, next) => {
  await next()
  const html = c.res.headers.get('content-type')?.toLowerCase().startsWith('text/html')
  if (html && !c.res.headers.has('content-security-policy')) c.res.headers.set('content-security-policy', pagePolicy())
})
