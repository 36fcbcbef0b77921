import { MAX_METADATA_BYTES, METADATA_FETCH_MAX_REDIRECTS, METADATA_FETCH_TIMEOUT_MS } from '../saml'
import { AppError } from '../domain/errors'
import { guardedFetch, type OutboundPolicy } from './outbound-url'

const ACCEPT = 'application/samlmetadata+xml, application/xml, text/xml'

/** What a server said about the version it sent, for a conditional request next time (RFC 9110 §13.1). */
export interface CacheValidators {
  etag: string | null
  lastModified: string | null
}

export type MetadataDownload = { status: 'fetched'; text: string; validators: CacheValidators } | { status: 'not_modified' }

/**
 * Fetches IdP metadata from a user-given URL under the outbound URL policy (`outbound-url.ts`);
 * `timeoutMs` covers the whole fetch, redirects and body included. With validators the request is
 * conditional, and a 304 is `not_modified`; any other answer but a 2xx is `idp_metadata_fetch_failed`.
 */
export function makeMetadataFetcher(doFetch: typeof fetch, development: boolean, timeoutMs = METADATA_FETCH_TIMEOUT_MS) {
  const policy: OutboundPolicy = { development, failure: 'idp_metadata_fetch_failed', maxBytes: MAX_METADATA_BYTES, maxRedirects: METADATA_FETCH_MAX_REDIRECTS, timeoutMs }
  return async (raw: string, validators?: CacheValidators): Promise<MetadataDownload> => {
    const headers: Record<string, string> = { accept: ACCEPT }
    if (validators?.etag) headers['if-none-match'] = validators.etag
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified
    const res = await guardedFetch(doFetch, raw, policy, { headers })
    if (res.status === 304 && validators && (validators.etag || validators.lastModified)) return { status: 'not_modified' }
    if (res.status < 200 || res.status > 299) throw new AppError(policy.failure, { internal: `status ${res.status}` })
    return { status: 'fetched', text: res.text, validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') } }
  }
}
