import { sameCertificateSet } from '../domain/certificate-expiry'
import { connectionEvent, type DomainEvent } from '../domain/events'
import type { IdpCertificate, SamlConnection } from '../domain/saml-connection'
import { base64ToBytes } from '../saml'

/**
 * The events of a connection's lifecycle and the facts each carries (README, Lifecycle). Field
 * names are the Clerk-style wire names, as a webhook will deliver them.
 */

export type RefreshTrigger = 'scheduled' | 'manual' | 'on_demand'

/** A certificate as events describe it: its SHA-256 thumbprint (over the DER) and validity, never the whole body. */
async function summary(c: IdpCertificate) {
  const der = base64ToBytes(c.certificate) ?? new Uint8Array()
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der))
  return { sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''), issued_at: c.issuedAt, expires_at: c.expiresAt }
}
const summaries = (certs: readonly IdpCertificate[]) => Promise.all(certs.map(summary))

/** The wire names of the IdP fields a refresh may change that differ between two versions. */
export function changedIdpFields(before: SamlConnection, after: SamlConnection): string[] {
  const changed: string[] = []
  if (before.idpSsoUrl !== after.idpSsoUrl) changed.push('idp_sso_url')
  if (before.idpSsoBinding !== after.idpSsoBinding) changed.push('idp_sso_binding')
  if (!sameCertificateSet(before.idpCertificates, after.idpCertificates)) changed.push('idp_certificates')
  return changed
}

/** `updated` for any change a refresh applies, and `certificates_rotated` as well when the certificate set changed. */
export async function refreshChangeEvents(before: SamlConnection, after: SamlConnection, trigger: RefreshTrigger, now: number): Promise<DomainEvent[]> {
  const changed = changedIdpFields(before, after)
  const events = [connectionEvent('saml_connection.updated', after, { changed, source: 'metadata_refresh', trigger }, now)]
  if (changed.includes('idp_certificates')) {
    const kept = new Set(before.idpCertificates.map((c) => c.certificate))
    const current = new Set(after.idpCertificates.map((c) => c.certificate))
    events.push(
      connectionEvent(
        'saml_connection.certificates_rotated',
        after,
        {
          trigger,
          added: await summaries(after.idpCertificates.filter((c) => !kept.has(c.certificate))),
          removed: await summaries(before.idpCertificates.filter((c) => !current.has(c.certificate))),
          certificates: await summaries(after.idpCertificates),
        },
        now,
      ),
    )
  }
  return events
}

export const refreshFailedEvent = (
  c: SamlConnection,
  f: { error: string; reason: string; failures: number; nextAttemptAt: number; trigger: RefreshTrigger },
  now: number,
): DomainEvent =>
  connectionEvent(
    'saml_connection.metadata_refresh_failed',
    c,
    { idp_metadata_url: c.idpMetadataUrl, error: f.error, reason: f.reason, consecutive_failures: f.failures, next_attempt_at: f.nextAttemptAt, trigger: f.trigger },
    now,
  )

/** `certificate_expiring` at a threshold (days), `certificate_expired` at stage 0. */
export async function expiryEvent(c: SamlConnection, stageDays: number, expiresAt: number, now: number): Promise<DomainEvent> {
  const certificates = await summaries(c.idpCertificates)
  return stageDays === 0
    ? connectionEvent('saml_connection.certificate_expired', c, { expired_at: expiresAt, certificates }, now)
    : connectionEvent('saml_connection.certificate_expiring', c, { threshold_days: stageDays, expires_at: expiresAt, certificates }, now)
}
