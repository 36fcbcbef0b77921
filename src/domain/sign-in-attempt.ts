import { z } from 'zod'

/**
 * Why a sign-in failed, as an admin reads it (README, Lifecycle). A closed list: the engine's
 * failures and the service's refusals map onto it in one table (services/sign-in-failure-reason.ts),
 * which fails to compile when the engine gains a reason nobody placed. The browser never sees it.
 */
export const SIGN_IN_FAILURE_REASONS = {
  signature_missing: 'The Response or Assertion carries no signature where one is required (want_assertions_signed: the Assertion itself).',
  signature_invalid: 'The signature does not verify with the trusted certificates: the signed bytes were changed, or the signature is malformed.',
  unknown_signing_key: 'Signed with a certificate the connection does not trust (the IdP rolled its key?), or no trusted certificate has a key of the signature\'s kind.',
  certificate_expired: 'The signature verifies only with a trusted certificate that has expired.',
  algorithm_not_allowed: 'A signature or digest algorithm outside the allowed list (SHA-1 needs allow_sha1).',
  issuer_mismatch: 'The Issuer is not the connection\'s IdP entity id.',
  audience_mismatch: 'The Audience is not this connection\'s SP entity id.',
  recipient_mismatch: 'The SubjectConfirmationData Recipient is not the ACS URL the response was posted to.',
  destination_mismatch: 'The Response Destination is not the ACS URL the response was posted to.',
  subject_confirmation_invalid: 'No usable bearer SubjectConfirmation.',
  expired: 'The assertion is past NotOnOrAfter (allowing for clock skew).',
  not_yet_valid: 'The assertion is before NotBefore (allowing for clock skew).',
  in_response_to_unknown: 'The response answers no pending login of this connection (InResponseTo or RelayState unknown, expired or of another connection).',
  login_already_completed: 'Another response already completed the login this one answers.',
  idp_initiated_not_allowed: 'An IdP-initiated response, and the connection does not allow IdP-initiated sign-in.',
  replayed: 'This assertion was already used.',
  email_domain_mismatch: 'The user\'s email is not in one of the connection\'s domains.',
  user_id_missing: 'No user id: no NameID, or a transient NameID without a user-id attribute or email.',
  decryption_failed: 'The EncryptedAssertion could not be decrypted (or no SP decryption key is configured).',
  assertion_not_encrypted: 'The connection requires encrypted assertions and the assertion is in the clear.',
  status_not_success: 'The IdP answered with a status other than Success (the user was not signed in there).',
  malformed_response: 'Not a well-formed SAML Response: base64, XML, size, or structure (no or several assertions).',
  connection_inactive: 'The connection is not active.',
  redirect_uri_missing: 'The connection has no redirect URI to send the user to.',
  internal_error: 'The service failed while handling the response.',
} as const satisfies Record<string, string>
export type SignInFailureReason = keyof typeof SIGN_IN_FAILURE_REASONS
export const SignInFailureReasonSchema = z.enum(Object.keys(SIGN_IN_FAILURE_REASONS) as [SignInFailureReason, ...SignInFailureReason[]])

export const SIGN_IN_FLOWS = ['sp_initiated', 'idp_initiated'] as const
export type SignInFlow = (typeof SIGN_IN_FLOWS)[number]

/** Attempts older than this are purged by the cron. */
export const SIGN_IN_ATTEMPT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000
/** Rows stored per connection per minute; past it attempts are only counted, so a flood cannot fill D1. */
export const MAX_STORED_ATTEMPTS_PER_MINUTE = 60
/** The decoded SAMLResponse kept with a failed attempt is cut to this many characters. */
export const MAX_STORED_SAML_RESPONSE_CHARS = 16 * 1024
/**
 * Failed attempts per connection per minute that keep their SAMLResponse; later ones in the minute
 * are stored without it. A flood at the bound then stores at most ~0.8 GB of XML a week per
 * connection (5 x 16 KiB a minute), where 60 x 64 KiB would be over 5 GB a day.
 */
export const MAX_STORED_RESPONSES_PER_MINUTE = 5

export const minuteOf = (at: number): number => Math.floor(at / 60_000)

export const SignInAttemptSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  connectionId: z.string(),
  status: z.enum(['succeeded', 'failed']),
  reason: SignInFailureReasonSchema.nullable(),
  flow: z.enum(SIGN_IN_FLOWS),
  /** Of a verified assertion only: what an unverified response claims is in `samlResponse`. */
  nameId: z.string().nullable(),
  emailAddress: z.string().nullable(),
  /** The decoded XML posted, kept for failed attempts only. */
  samlResponse: z.string().nullable(),
  createdAt: z.number().int(),
})
export type SignInAttempt = z.infer<typeof SignInAttemptSchema>
