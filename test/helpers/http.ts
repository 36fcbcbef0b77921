/** The Worker under test as every test calls it, and the one shape a test sees of an answer. */
import { SELF } from 'cloudflare:test'

export const ORIGIN = 'http://saml-edge.test'

export interface Answer {
  status: number
  headers: Headers
  contentType: string | null
  location: string | null
  text: string
  /** The parsed JSON body, or the text when it is not JSON. */
  body: any
}

export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    /* a text or HTML answer */
  }
  return { status: res.status, headers: res.headers, contentType: res.headers.get('content-type'), location: res.headers.get('location'), text, body }
}

export interface SendInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array | ReadableStream<Uint8Array>
}

/** A raw request to the Worker (redirects not followed), answered as it came: no schema check. */
export async function send(path: string, init: SendInit = {}): Promise<Answer> {
  return answerOf(await SELF.fetch(`${ORIGIN}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body, redirect: 'manual' }))
}

/** A body of `prefix`, then `chunks` chunks of 64 KiB, streamed without a Content-Length. */
export function chunkedBody(prefix: string, chunks: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
  let sent = -1
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      sent++
      if (sent === 0) controller.enqueue(new TextEncoder().encode(prefix))
      else if (sent <= chunks) controller.enqueue(chunk)
      else controller.close()
    },
  })
}
