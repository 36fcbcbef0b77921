import { isAppError } from '../domain/errors'
import { SIGN_IN_FAILURE_REASONS, type SignInFailureReason } from '../domain/sign-in-attempt'
import type { SamlFailure } from '../saml'

/**
 * Every reason the engine gives, placed on the admin's list. Typed over the whole union, so a new
 * engine reason does not compile until it is placed here. Metadata reasons cannot come out of a
 * sign-in; they are placed for completeness.
 */
const ENGINE: Record<SamlFailure['reason'], SignInFailureReason> = {
  too_large: 'malformed_response',
  not_xml: 'malformed_response',
  dtd_forbidden: 'malformed_response',
  too_deep: 'malformed_response',
  not_metadata: 'internal_error',
  missing_entity_id: 'internal_error',
  missing_sso_url: 'internal_error',
  invalid_sso_url: 'internal_error',
  missing_certificate: 'internal_error',
  invalid_certificate: 'internal_error',
  invalid_base64: 'malformed_response',
  malformed_response: 'malformed_response',
  not_saml_response: 'malformed_response',
  status_not_success: 'status_not_success',
  duplicate_id: 'malformed_response',
  assertion_missing: 'malformed_response',
  multiple_assertions: 'malformed_response',
  encrypted_assertion_unsupported: 'decryption_failed',
  decryption_failed: 'decryption_failed',
  assertion_not_encrypted: 'assertion_not_encrypted',
  signature_missing: 'signature_missing',
  assertion_signature_missing: 'signature_missing',
  malformed_signature: 'signature_invalid',
  algorithm_not_allowed: 'algorithm_not_allowed',
  reference_mismatch: 'signature_invalid',
  signature_invalid: 'signature_invalid',
  digest_mismatch: 'signature_invalid',
  certificate_expired: 'certificate_expired',
  no_usable_certificate: 'unknown_signing_key',
  certificate_key_mismatch: 'unknown_signing_key',
  issuer_mismatch: 'issuer_mismatch',
  issuer_format_invalid: 'issuer_mismatch',
  audience_mismatch: 'audience_mismatch',
  destination_mismatch: 'destination_mismatch',
  recipient_mismatch: 'recipient_mismatch',
  subject_confirmation_invalid: 'subject_confirmation_invalid',
  not_yet_valid: 'not_yet_valid',
  expired: 'expired',
  in_response_to_mismatch: 'in_response_to_unknown',
  unsolicited_not_allowed: 'idp_initiated_not_allowed',
  name_id_missing: 'user_id_missing',
  authn_statement_missing: 'malformed_response',
  internal_error: 'internal_error',
}

/** The service's own refusals (the `reason` of an AppError's internal detail) that are not already on the list. */
const SERVICE: Record<string, SignInFailureReason> = {
  transient_name_id_without_user_id: 'user_id_missing',
  recipient_not_allowed: 'recipient_mismatch',
}

// A refusal may name a listed reason itself (email_domain_mismatch, replayed, login_already_completed, ...).
const listed = (r: string): SignInFailureReason | undefined => (Object.hasOwn(SIGN_IN_FAILURE_REASONS, r) ? (r as SignInFailureReason) : undefined)
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined)

/** The posted document's KeyInfo certificates: never trusted for verification, read here only to say which key signed. */
function keyInfoCertificates(xml: string): string[] {
  return [...xml.matchAll(/<(?:[A-Za-z_][\w.-]*:)?X509Certificate\b[^>]*>([^<]*)</g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''))
}

/**
 * Why a sign-in failed, for the admin. `signature_invalid` becomes `unknown_signing_key` when the
 * response names, in its KeyInfo, only certificates the connection does not trust.
 */
export function failureReasonOf(error: unknown, seen: { xml: string | null; trusted: readonly string[] }): SignInFailureReason {
  if (!isAppError(error)) return 'internal_error'
  const internal = error.opts.internal
  const detail = typeof internal === 'object' && internal !== null && 'reason' in internal ? String(internal.reason) : null
  if (detail !== null) {
    const reason = own(ENGINE, detail) ?? own(SERVICE, detail) ?? listed(detail)
    if (reason === 'signature_invalid' && seen.xml !== null) {
      const named = keyInfoCertificates(seen.xml)
      if (named.length > 0 && !named.some((c) => seen.trusted.includes(c))) return 'unknown_signing_key'
    }
    if (reason) return reason
  }
  if (error.code === 'invalid_relay_state') return 'in_response_to_unknown'
  if (error.code === 'idp_login_disallowed') return 'idp_initiated_not_allowed'
  return 'internal_error'
}
