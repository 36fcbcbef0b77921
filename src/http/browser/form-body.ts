import { AppError } from '../../domain/errors'
import { MAX_SAML_RESPONSE_BYTES } from '../../saml'
import { readCappedText } from '../../services/read-capped'

/** Reads a urlencoded or JSON body with a size cap, as IdPs and back-channel callers send them. */
export async function readFields(req: Request): Promise<Record<string, string>> {
  const limit = MAX_SAML_RESPONSE_BYTES * 2
  if (Number(req.headers.get('content-length') ?? '0') > limit) throw new AppError('body_too_large')
  const text = await readCappedText(req.body, limit)
  if (text === null) throw new AppError('body_too_large')
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/json') {
    let v: unknown
    try {
      v = JSON.parse(text || '{}')
    } catch {
      throw new AppError('malformed_body')
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AppError('malformed_body')
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
  }
  if (type === 'application/x-www-form-urlencoded' || (!type && !text)) return Object.fromEntries(new URLSearchParams(text))
  throw new AppError('unsupported_content_type')
}
