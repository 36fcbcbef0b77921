import { SELF } from 'cloudflare:test'
import { assertClerkPublished } from './clerk-spec'
import { ORIGIN } from './http'
import { assertDocumentedResponse } from './openapi'

// The real @clerk/backend, unchanged, talking HTTP to the Worker under test. The SDK binds `fetch`
// when it loads (its runtime.ts), and the test runtime has no listening socket, so the routing to
// the Worker (SELF) is the global fetch while the SDK is imported, and put back right after: the
// SDK keeps the routing, nothing else sees it. The files of a project share one module graph
// (vitest.config.ts), so every file takes the SDK from here.
//
// Every JSON answer the SDK gets is checked, before the SDK reads it, against saml-edge's
// /openapi.json and Clerk's published document (test/fixtures/clerk-openapi); `checkedAnswers`
// counts them, so a test can tell its answers were seen.
let checked = 0
const realFetch = globalThis.fetch
globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  const url = new URL(request.url)
  if (url.origin !== ORIGIN) return realFetch(input, init)
  const res = await SELF.fetch(request)
  if (res.headers.get('content-type')?.startsWith('application/json')) {
    const body: unknown = await res.clone().json()
    assertDocumentedResponse(request.method, url.pathname, res.status, body)
    assertClerkPublished(request.method, url.pathname, res.status, body)
    checked++
  }
  return res
}) as typeof fetch
const sdk = await import('@clerk/backend').finally(() => {
  globalThis.fetch = realFetch
})
export const { createClerkClient } = sdk
export const { isClerkAPIResponseError } = await import('@clerk/backend/errors')

/** How many SDK answers have been checked so far. */
export const checkedAnswers = (): number => checked

/** A client of the Worker under test for a secret key. */
export const clerkSdk = (secretKey: string) => createClerkClient({ secretKey, apiUrl: ORIGIN, telemetry: { disabled: true } })
