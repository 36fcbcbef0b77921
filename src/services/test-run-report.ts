import { isAppError } from '../domain/errors'
import type { SignInFailureReason } from '../domain/sign-in-attempt'
import type { TestRunLog } from '../domain/test-run'
import { CLOCK_SKEW_MS } from '../saml/limits'

/**
 * A test run's log: the sign-in pipeline's checks in the order it runs them (saml/response.ts, then
 * services/sign-in.ts), each passed or failed in words an IdP admin can act on. A refusal stops the
 * pipeline, so the checks before it passed and the ones after it did not run.
 */

/** What the connection expects of a response; the right-hand side of every fix. */
export interface Expectations {
  idpEntityId: string | null
  spEntityId: string
  acsUrl: string
  domains: readonly string[]
  allowSubdomains: boolean
  trustedCertificates: number
  requireEncryptedAssertions: boolean
}

/** Who the response names, as far as verification got. */
export interface Who {
  nameId: string | null
  emailAddress: string | null
}

type Check = {
  code: string
  /** The engine's reasons (SamlFailure) and the service's (sign-in attempts' list) this check refuses with. */
  refusals: readonly string[]
  passed: (e: Expectations, who: Who) => string
}

const CHECKS: readonly Check[] = [
  {
    code: 'response_read',
    refusals: ['too_large', 'not_xml', 'dtd_forbidden', 'too_deep', 'invalid_base64', 'malformed_response', 'not_saml_response', 'duplicate_id'],
    passed: () => 'The SAMLResponse is a well-formed SAML 2.0 Response.',
  },
  { code: 'status', refusals: ['status_not_success'], passed: () => 'The IdP answered with status Success.' },
  {
    code: 'assertion',
    refusals: ['assertion_missing', 'multiple_assertions', 'encrypted_assertion_unsupported', 'decryption_failed', 'assertion_not_encrypted'],
    passed: () => 'The response carries exactly one assertion.',
  },
  {
    code: 'signature',
    refusals: [
      'signature_missing', 'assertion_signature_missing', 'malformed_signature', 'algorithm_not_allowed', 'reference_mismatch', 'signature_invalid',
      'digest_mismatch', 'certificate_expired', 'no_usable_certificate', 'certificate_key_mismatch', 'unknown_signing_key',
    ],
    passed: (e) => `The signature verifies with ${e.trustedCertificates === 1 ? 'the connection\'s trusted certificate' : `one of the connection's ${e.trustedCertificates} trusted certificates`}.`,
  },
  { code: 'issuer', refusals: ['issuer_mismatch', 'issuer_format_invalid'], passed: (e) => `The Issuer is ${e.idpEntityId}, the connection's IdP entity ID.` },
  { code: 'audience', refusals: ['audience_mismatch'], passed: (e) => `The Audience is ${e.spEntityId}, saml-edge's entity ID for this connection.` },
  { code: 'destination', refusals: ['destination_mismatch'], passed: (e) => `The Destination is absent or ${e.acsUrl}.` },
  {
    code: 'in_response_to',
    refusals: ['unsolicited_not_allowed', 'in_response_to_mismatch', 'in_response_to_unknown', 'login_already_completed', 'idp_initiated_not_allowed'],
    passed: () => 'The response answers this test run\'s AuthnRequest (InResponseTo).',
  },
  { code: 'subject_confirmation', refusals: ['recipient_mismatch', 'subject_confirmation_invalid'], passed: (e) => `The bearer SubjectConfirmation names ${e.acsUrl} as its Recipient.` },
  { code: 'time_window', refusals: ['not_yet_valid', 'expired'], passed: () => 'The assertion is within its validity window (NotBefore / NotOnOrAfter).' },
  { code: 'user', refusals: ['name_id_missing', 'authn_statement_missing', 'user_id_missing'], passed: (_e, who) => `The NameID is ${who.nameId}.` },
  {
    code: 'email_domain',
    refusals: ['email_domain_mismatch'],
    passed: (e, who) =>
      who.emailAddress
        ? e.domains.length > 0 ? `The email ${who.emailAddress} is in the connection's domains.` : `The email is ${who.emailAddress}; the connection names no domains, so any is taken.`
        : 'The assertion carries no email address, so no domain was checked.',
  },
  { code: 'replay', refusals: ['replayed'], passed: () => 'The assertion was not used before.' },
]

const at = (ms: number) => new Date(ms).toISOString()
const list = (xs: readonly unknown[]) => (xs.length === 0 ? 'none' : xs.map(String).join(', '))

/** The fix for one refusal: what the response said, and what to set on the IdP (or the connection) instead. */
function advice(detail: Record<string, unknown>, reason: SignInFailureReason, e: Expectations, user: Who): string {
  const got = detail.got
  switch (detail.reason) {
    case 'audience_mismatch':
      return `The Audience is ${list(Array.isArray(got) ? got : [])}; set the IdP's Audience / Entity ID (the SP entity ID) to ${e.spEntityId}.`
    case 'issuer_mismatch':
      return `The Issuer is ${String(got ?? 'missing')}; this connection expects ${e.idpEntityId}. Set the connection's IdP entity ID to the IdP's, or upload the IdP's current metadata.`
    case 'issuer_format_invalid':
      return `The Issuer has Format ${String(detail.format)}; the IdP must send the entity format (or no Format).`
    case 'destination_mismatch':
      return `The Destination is ${String(got)}; set the IdP's ACS URL (Reply URL, Single sign-on URL) to ${e.acsUrl}.`
    case 'recipient_mismatch':
      return `The Recipient is ${String(got ?? 'missing')}; set the IdP's ACS URL (Reply URL, Single sign-on URL) to ${e.acsUrl}.`
    case 'status_not_success':
      return `The IdP answered with status ${String(detail.status ?? 'missing')}: the user was not signed in at the IdP. The IdP's own logs say why (the user not assigned to the application, a policy, MFA).`
    case 'not_yet_valid':
      return `The assertion is valid only from ${at(Number(detail.notBefore))}, and it is ${at(Number(detail.now))} here (${CLOCK_SKEW_MS / 60_000} minutes of skew allowed): check the IdP server's clock.`
    case 'expired':
      return `The assertion was valid until ${at(Number(detail.notOnOrAfter))}, and it is ${at(Number(detail.now))} here (${CLOCK_SKEW_MS / 60_000} minutes of skew allowed): check the IdP server's clock, or the assertion lifetime it sets.`
    case 'algorithm_not_allowed':
      return `The IdP used ${String(detail.algorithm)}; set its signature and digest algorithm to SHA-256 (or turn on allow_sha1 for a legacy IdP).`
    case 'unsolicited_not_allowed':
    case 'in_response_to_mismatch':
      return 'The response does not answer this test run\'s AuthnRequest. Start the test again from its URL rather than from the IdP\'s portal or an old browser tab.'
  }
  switch (reason) {
    case 'unknown_signing_key':
      return 'The response is signed with a certificate the connection does not trust (the IdP may have rolled its signing key). Upload the IdP\'s current signing certificate, or its current metadata.'
    case 'signature_missing':
      return 'Nothing the connection needs signed is signed. Make the IdP sign the assertion (or the whole response, unless want_assertions_signed is on).'
    case 'signature_invalid':
      return 'The signature does not verify: the signed XML was changed after signing, or the IdP signs with a key other than the certificate the connection trusts. Upload the IdP\'s current signing certificate.'
    case 'certificate_expired':
      return 'The signature verifies only with a certificate that has expired. Have the IdP sign with a current certificate, and upload it.'
    case 'decryption_failed':
      return 'The encrypted assertion could not be decrypted. Encrypt it for saml-edge\'s encryption certificate from the SP metadata, with AES-GCM or AES-CBC and RSA-OAEP.'
    case 'assertion_not_encrypted':
      return 'The connection requires encrypted assertions and this one is in the clear. Turn on assertion encryption at the IdP with the certificate from saml-edge\'s SP metadata.'
    case 'email_domain_mismatch':
      return `The user's email is ${user.emailAddress}; the connection's domains are ${list(e.domains)}${e.allowSubdomains ? ' (and their subdomains)' : ''}. Sign in with a user of those domains, or add the domain to the connection.`
    case 'user_id_missing':
      return 'The assertion names no user: send a persistent NameID (or the email), or map a user-id attribute.'
    case 'replayed':
      return 'This assertion was already used. Start the test again.'
    case 'malformed_response':
      return 'What reached saml-edge is not a SAML 2.0 Response it can read (base64, XML, size, or structure).'
    default:
      return `The check failed (${reason}).`
  }
}

/** The engine's detail (a SamlFailure) or the service's `{ reason }` behind a refusal. */
function detailOf(error: unknown): Record<string, unknown> {
  const internal = isAppError(error) ? error.opts.internal : null
  return typeof internal === 'object' && internal !== null && 'reason' in internal ? (internal as Record<string, unknown>) : {}
}

const title = (c: Check) => c.code.replace(/_/g, ' ')
const info = (c: Check, e: Expectations, who: Who): TestRunLog => ({ level: 'info', code: c.code, short_message: `${title(c)}: passed`, message: c.passed(e, who) })

/** Every check passed, then who would be signed in. */
export function successLogs(e: Expectations, who: Who & { userId: string }): TestRunLog[] {
  return [
    ...CHECKS.map((c) => info(c, e, who)),
    { level: 'info', code: 'signed_in', short_message: 'Test sign-in succeeded', message: `${who.emailAddress ?? who.userId} would be signed in. No code was sent to the application: this was a test.` },
  ]
}

/** The checks before the refusal passed; the refusal's check failed, with its fix; the rest did not run. */
export function failureLogs(error: unknown, reason: SignInFailureReason, e: Expectations, who: Who): TestRunLog[] {
  const detail = detailOf(error)
  const engine = typeof detail.reason === 'string' ? detail.reason : ''
  // The engine's own reason places a refusal best (its malformed_response may come late); the list's otherwise.
  const byEngine = CHECKS.findIndex((c) => c.refusals.includes(engine))
  const index = byEngine >= 0 ? byEngine : CHECKS.findIndex((c) => c.refusals.includes(reason))
  const check = CHECKS[index]
  const failed: TestRunLog = { level: 'error', code: reason, short_message: check ? `${title(check)}: failed` : 'Sign-in failed', message: advice(detail, reason, e, who) }
  if (index < 0) return [failed]
  const later = CHECKS.length - index - 1
  const rest: TestRunLog[] = later > 0 ? [{ level: 'warning', code: 'not_checked', short_message: 'Later checks not run', message: `${later} later check${later === 1 ? '' : 's'} (${CHECKS.slice(index + 1).map((c) => c.code).join(', ')}) did not run.` }] : []
  return [...CHECKS.slice(0, index).map((c) => info(c, e, who)), failed, ...rest]
}
