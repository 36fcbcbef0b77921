import { MAX_METADATA_BYTES, METADATA_FETCH_MAX_REDIRECTS, METADATA_FETCH_TIMEOUT_MS } from '../saml'
import { AppError } from '../domain/errors'
import { guardedFetch, type OutboundPolicy } from './outbound-url'

const ACCEPT = 'application/samlmetadata+xml, application/xml, text/xml'

/**
 * Fetches IdP metadata from a user-given URL under the outbound URL policy (`outbound-url.ts`);
 * `timeoutMs` covers the whole fetch, redirects and body included.
 */
export function makeMetadataFetcher(doFetch: typeof fetch, development: boolean, timeoutMs = METADATA_FETCH_TIMEOUT_MS) {
  const policy: OutboundPolicy = { development, failure: 'idp_metadata_fetch_failed', maxBytes: MAX_METADATA_BYTES, maxRedirects: METADATA_FETCH_MAX_REDIRECTS, timeoutMs }
  return async (raw: string): Promise<string> => {
    const res = await guardedFetch(doFetch, raw, policy, { headers: { accept: ACCEPT } })
    if (res.status < 200 || res.status > 299) throw new AppError(policy.failure, { internal: `status ${res.status}` })
    return res.text
  }
}
