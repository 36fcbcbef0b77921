// Runs in Node with the outbound stand-in (outbound.ts): IdP metadata documents a test publishes
// and changes while it runs, as a real IdP rolls its certificates. A test publishes with
//   PUT https://idp-metadata.test/__documents/<name>   body: the XML; header x-answer-status: a status to answer instead
// and the Worker fetches GET https://idp-metadata.test/documents/<name>, with an ETag (unless
// x-no-etag was sent) and a Last-Modified, answering 304 to a conditional request that still matches.
// GET /__documents/<name> reports what was served, and the conditional headers last seen.

interface Published {
  body: string
  status: number
  etag: string | null
  lastModified: string
  fetches: number
  notModified: number
  lastConditional: { ifNoneMatch: string | null; ifModifiedSince: string | null }
}

const documents = new Map<string, Published>()
let version = 0
// Every publication is one second after the previous one, so Last-Modified tells any two apart.
const EPOCH = Date.parse('2026-01-01T00:00:00Z')

async function publish(name: string, request: Request): Promise<Response> {
  version++
  const previous = documents.get(name)
  documents.set(name, {
    body: await request.text(),
    status: Number(request.headers.get('x-answer-status') ?? '200'),
    etag: request.headers.has('x-no-etag') ? null : `"v${version}"`,
    lastModified: new Date(EPOCH + version * 1000).toUTCString(),
    fetches: previous?.fetches ?? 0,
    notModified: previous?.notModified ?? 0,
    lastConditional: previous?.lastConditional ?? { ifNoneMatch: null, ifModifiedSince: null },
  })
  return new Response(null, { status: 204 })
}

function serve(doc: Published, request: Request): Response {
  doc.fetches++
  const ifNoneMatch = request.headers.get('if-none-match')
  const ifModifiedSince = request.headers.get('if-modified-since')
  doc.lastConditional = { ifNoneMatch, ifModifiedSince }
  if (doc.status !== 200) return new Response('unavailable', { status: doc.status })
  // RFC 9110 §13.1.3: If-Modified-Since counts only without If-None-Match.
  const fresh = ifNoneMatch !== null ? doc.etag !== null && ifNoneMatch === doc.etag : ifModifiedSince !== null && Date.parse(ifModifiedSince) >= Date.parse(doc.lastModified)
  const headers: Record<string, string> = { 'last-modified': doc.lastModified, ...(doc.etag ? { etag: doc.etag } : {}) }
  if (fresh) {
    doc.notModified++
    return new Response(null, { status: 304, headers })
  }
  return new Response(doc.body, { headers: { ...headers, 'content-type': 'application/samlmetadata+xml' } })
}

/** The answer for the document paths, or null for any other path. */
export async function documentsService(request: Request, url: URL): Promise<Response | null> {
  const control = url.pathname.match(/^\/__documents\/([\w-]+)$/)
  if (control?.[1]) {
    if (request.method === 'PUT') return publish(control[1], request)
    const doc = documents.get(control[1])
    return doc ? Response.json({ fetches: doc.fetches, notModified: doc.notModified, lastConditional: doc.lastConditional, etag: doc.etag }) : new Response('unknown', { status: 404 })
  }
  const served = url.pathname.match(/^\/documents\/([\w-]+)$/)
  if (!served?.[1]) return null
  const doc = documents.get(served[1])
  return doc ? serve(doc, request) : new Response('not found', { status: 404 })
}
