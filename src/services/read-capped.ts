/**
 * Reads a body stream as UTF-8, stopping as soon as it passes `limit` bytes (chunked bodies have
 * no length to check first). Null when the body is over the limit.
 */
export async function readCappedText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | null> {
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}
