import { AppError } from '../../domain/errors'
import { MAX_SAML_RESPONSE_BYTES } from '../../saml'
import { bodyText, limitBody, parseJsonObject } from '../middleware/body'

/** A posted SAMLResponse is base64 of at most MAX_SAML_RESPONSE_BYTES, with room for the other fields. */
export const browserBodyLimit = limitBody(MAX_SAML_RESPONSE_BYTES * 2)

/** Reads a urlencoded or JSON body (already capped by `browserBodyLimit`), as IdPs and back-channel callers send them. */
export async function readFields(req: Request): Promise<Record<string, string>> {
  const text = await bodyText(req)
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/json') {
    const v = parseJsonObject(text || '{}')
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
  }
  if (type === 'application/x-www-form-urlencoded' || (!type && !text)) return Object.fromEntries(new URLSearchParams(text))
  throw new AppError('unsupported_content_type')
}
