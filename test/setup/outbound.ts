// Runs in Node, inside the vitest config: answers the Worker's outbound fetches during tests,
// standing in for IdPs that publish metadata at a URL and for webhook receivers. Nothing else leaves the sandbox.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BINDING_POST, metadataXml } from '../helpers/idp-metadata'
import { documentsService } from './metadata-documents'
import { WEBHOOK_HOST, webhookReceiverService } from './webhook-receiver'

const certPem = readFileSync(path.join(import.meta.dirname, '../fixtures/keys/idp.cert.pem'), 'utf8')

export const METADATA_HOST = 'idp-metadata.test'

const metadata = (entityId: string) => metadataXml({ entityId, ssoUrl: `https://${METADATA_HOST}/sso`, bindings: [BINDING_POST], certs: [certPem] })

// Every URL the Worker tried to fetch, so tests can show a refused target was never requested.
const attempts: string[] = []
const MAX_ATTEMPTS = 10_000

export async function outboundService(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.hostname === METADATA_HOST && url.pathname === '/__attempts') {
    const marker = url.searchParams.get('marker') ?? ''
    return Response.json({ count: marker ? attempts.filter((a) => a.includes(marker)).length : 0 })
  }
  attempts.push(request.url)
  if (attempts.length > MAX_ATTEMPTS) attempts.shift()
  if (url.hostname === WEBHOOK_HOST) return webhookReceiverService(request, url)
  if (url.hostname !== METADATA_HOST) return new Response('no network in tests', { status: 502 })
  const published = await documentsService(request, url)
  if (published) return published
  switch (url.pathname) {
    case '/metadata.xml':
      return new Response(metadata(`https://${METADATA_HOST}/${url.searchParams.get('tenant') ?? 'default'}`), { headers: { 'content-type': 'application/samlmetadata+xml' } })
    case '/redirect':
      return new Response(null, { status: 302, headers: { location: '/metadata.xml?tenant=redirected' } })
    case '/redirect-to-loopback':
      return new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:1/metadata.xml' } })
    case '/huge':
      return new Response('<a>' + 'x'.repeat(2 * 1024 * 1024) + '</a>')
    case '/slow':
      await new Promise((r) => setTimeout(r, 8_000))
      return new Response(metadata('https://slow.example'))
    case '/not-xml':
      return new Response('{"hello":"world"}', { headers: { 'content-type': 'application/json' } })
    default:
      return new Response('not found', { status: 404 })
  }
}
