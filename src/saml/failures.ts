/**
 * Why the engine refused an input. These stay values inside the engine; services turn them into
 * `AppError`s, whose wire text stays generic while the reason goes to the log.
 */
export type SamlFailure =
  | { reason: 'too_large'; limit: number }
  | { reason: 'not_xml'; detail?: string }
  | { reason: 'dtd_forbidden' }
  | { reason: 'too_deep'; limit: number }
  | { reason: 'not_metadata'; detail: string }
  | { reason: 'missing_entity_id' }
  | { reason: 'missing_sso_url' }
  | { reason: 'invalid_sso_url' }
  | { reason: 'missing_certificate' }
  | { reason: 'invalid_certificate' }
  // SAML Response verification (response.ts, signature.ts, conditions.ts)
  | { reason: 'invalid_base64' }
  | { reason: 'malformed_response'; detail: string }
  | { reason: 'not_saml_response'; got: string }
  | { reason: 'status_not_success'; status: string | null }
  | { reason: 'duplicate_id'; id: string }
  | { reason: 'assertion_missing' }
  | { reason: 'multiple_assertions'; count: number }
  /** An EncryptedAssertion, and no decryption key is configured. */
  | { reason: 'encrypted_assertion_unsupported' }
  /**
   * Any failure to decrypt an EncryptedAssertion, whatever the cause (algorithm, key, padding, tag,
   * plaintext), and deliberately nothing more, so the ACS is no decryption oracle.
   */
  | { reason: 'decryption_failed' }
  | { reason: 'assertion_not_encrypted' }
  | { reason: 'signature_missing' }
  /** The connection wants the Assertion itself signed, and only the Response around it is. */
  | { reason: 'assertion_signature_missing' }
  | { reason: 'malformed_signature'; detail: string }
  | { reason: 'algorithm_not_allowed'; algorithm: string }
  | { reason: 'reference_mismatch'; detail: string }
  | { reason: 'signature_invalid' }
  | { reason: 'digest_mismatch' }
  | { reason: 'certificate_expired' }
  | { reason: 'no_usable_certificate' }
  /** No configured certificate holds a key of the family the SignatureMethod needs (RSA or EC). */
  | { reason: 'certificate_key_mismatch'; algorithm: string }
  | { reason: 'issuer_mismatch'; expected: string; got: string | null }
  /** An Issuer whose Format is not the entity format (SAML Profiles §4.1.4.2). */
  | { reason: 'issuer_format_invalid'; format: string }
  | { reason: 'audience_mismatch'; expected: string; got: string[] }
  | { reason: 'destination_mismatch'; expected: string; got: string }
  | { reason: 'recipient_mismatch'; expected: string; got: string | null }
  | { reason: 'subject_confirmation_invalid'; detail: string }
  | { reason: 'not_yet_valid'; notBefore: number; now: number }
  | { reason: 'expired'; notOnOrAfter: number; now: number }
  | { reason: 'in_response_to_mismatch'; expected: string | null; got: string | null }
  | { reason: 'unsolicited_not_allowed' }
  | { reason: 'name_id_missing' }
  | { reason: 'authn_statement_missing' }
  | { reason: 'internal_error'; detail: string }

export type Result<T, F = SamlFailure> = { ok: true; value: T } | { ok: false; failure: F }
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })
export const fail = <F>(failure: F): Result<never, F> => ({ ok: false, failure })
