import { sameCertificateSet } from '../domain/certificate-expiry'
import { ON_DEMAND_INTERVAL_MS } from '../domain/metadata-refresh'
import type { SamlConnection } from '../domain/saml-connection'
import type { SamlFailure } from '../saml'
import type { Deps } from './deps'
import { refreshMetadata } from './metadata-refresh'

/** Failures that say the response was signed by a key the connection does not (or no longer) trust. */
const UNKNOWN_KEY: ReadonlySet<SamlFailure['reason']> = new Set(['signature_invalid', 'no_usable_certificate', 'certificate_key_mismatch', 'certificate_expired'])

/**
 * A rollover in the middle of the day: when a response's signature verifies with none of the
 * connection's certificates and the connection has a metadata URL, its metadata is fetched again
 * (at most once per 5 minutes per connection, one claim at a time, in D1), and the connection with
 * its new certificate set is returned for one more verification. Null when there is nothing new to
 * try. A request that finds the claim taken still gets what D1 holds, which may be newer than the
 * edge copy it verified with.
 */
export async function refreshForUnknownKey(deps: Deps, seen: SamlConnection, failure: SamlFailure): Promise<SamlConnection | null> {
  if (!seen.idpMetadataUrl || !UNKNOWN_KEY.has(failure.reason)) return null
  try {
    let current = await deps.connections.findById(seen.id)
    if (current?.idpMetadataUrl && (await deps.metadataRefresh.claimOnDemand(seen.id, deps.clock(), ON_DEMAND_INTERVAL_MS))) {
      const outcome = await refreshMetadata(deps, current, await deps.metadataRefresh.get(seen.id), 'on_demand')
      current = outcome.kind === 'superseded' ? await deps.connections.findById(seen.id) : outcome.connection
    }
    if (!current?.active || sameCertificateSet(current.idpCertificates, seen.idpCertificates)) return null
    return current
  } catch (e) {
    // The sign-in fails as it would have; the refresh is not its business.
    deps.log.warn('unknown_key_refresh_failed', { connection_id: seen.id, error: String(e) })
    return null
  }
}
