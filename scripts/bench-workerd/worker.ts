// The engine bench Worker: POST /setup takes the cases (a SAMLResponse and the configuration it is
// verified with), GET /verify?case=&n= verifies that case n times and says how many succeeded.
// workerd does not advance Date.now() or performance.now() while a request only computes, so the
// time is taken by the caller around each request (scripts/bench-workerd.mjs), not in here.
import { importDecryptionKey, verifySamlResponse, type SamlResponseConfig } from '../../src/saml'

interface CaseInput {
  name: string
  samlResponseBase64: string
  config: Omit<SamlResponseConfig, 'decryptionKeys'>
  decryptionKeyPem: string | null
}

const cases = new Map<string, { samlResponseBase64: string; config: SamlResponseConfig }>()

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/noop') return Response.json({})
    if (url.pathname === '/setup' && request.method === 'POST') {
      for (const c of (await request.json()) as CaseInput[]) {
        cases.set(c.name, { samlResponseBase64: c.samlResponseBase64, config: { ...c.config, decryptionKeys: c.decryptionKeyPem ? [importDecryptionKey(c.decryptionKeyPem)] : [] } })
      }
      return Response.json({ cases: cases.size })
    }
    if (url.pathname === '/verify') {
      const c = cases.get(url.searchParams.get('case') ?? '')
      const n = Number(url.searchParams.get('n') ?? '0')
      if (!c || !Number.isInteger(n) || n < 0) return Response.json({ error: 'unknown case or bad n' }, { status: 400 })
      const now = Date.now()
      let ok = 0
      for (let i = 0; i < n; i++) if ((await verifySamlResponse({ samlResponseBase64: c.samlResponseBase64 }, c.config, now)).ok) ok++
      // Reported beside the outside timing: the clock moves only when the event loop turns.
      return Response.json({ ok, n, clockMovedMs: Date.now() - now })
    }
    return new Response('not found', { status: 404 })
  },
}
