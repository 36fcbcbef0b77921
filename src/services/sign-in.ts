import { emailDomainAllowed } from '../domain/email-domain'
import { AppError } from '../domain/errors'
import type { SamlConnection } from '../domain/saml-connection'
import type { LoginRequest } from '../domain/sign-in-state'
import { spUrls } from '../domain/sp-urls'
import { findSameUrl } from '../domain/urls'
import { verifySamlResponse, type ParsedSamlResponse, type VerifiedAssertion } from '../saml'
import { newPendingCode, putCodeEdgeCopy } from './codes'
import type { Deps } from './deps'
import { mapProfile, type SignInProfile } from './profile'
import { refusal, succeededAttempt, type AttemptSite, type VerifiedUser } from './sign-in-attempts'
import { refreshForUnknownKey } from './unknown-key-refresh'
import { publishSoon } from './webhook-publish'

/**
 * Everything an ACS path resolved before the response is trusted: the connection to verify against,
 * the login this response answers (null: IdP-initiated), and the ACS URL the response must name.
 * Each API style builds it its own way (services/sign-in-context.ts); the pipeline below is one.
 */
export interface SignInContext {
  connection: SamlConnection
  login: { request: LoginRequest; relayStateHash: string } | null
  /** Recipient (and Destination, when present) must equal it. */
  acsUrl: string
  /** IdP-initiated: the RelayState the IdP sent, which may name one of the connection's redirect URIs. */
  relayState: string | null
  origin: string
  /** The response as routing already parsed it (the SuperTokens callbacks), so it is parsed once. */
  parsed?: ParsedSamlResponse
}

export interface CompletedSignIn {
  connection: SamlConnection
  profile: SignInProfile
  /** Where to send the browser: the redirect URI with the one-time `code` (and `state`). */
  redirectUrl: string
}

const rejected = (reason: string, more: Record<string, unknown> = {}) => new AppError('saml_response_rejected', { internal: { reason, ...more } })

/**
 * Step 1: the signature, issuer, audience, recipient, time window and InResponseTo. A signature by
 * a key the connection does not know gets one more try, after a refresh of its metadata URL.
 */
async function verify(deps: Deps, ctx: SignInContext, samlResponse: string, now: number): Promise<VerifiedAssertion> {
  const first = await verifyWith(deps, ctx, ctx.connection, samlResponse, now)
  if (first.ok) return first.value
  const refreshed = await refreshForUnknownKey(deps, ctx.connection, first.failure)
  const second = refreshed ? await verifyWith(deps, ctx, refreshed, samlResponse, now) : first
  if (!second.ok) throw new AppError('saml_response_rejected', { internal: second.failure })
  return second.value
}

function verifyWith(deps: Deps, ctx: SignInContext, conn: SamlConnection, samlResponse: string, now: number) {
  return verifySamlResponse(
    { samlResponseBase64: samlResponse, parsed: ctx.parsed },
    {
      idpEntityId: conn.idpEntityId ?? '',
      certificates: conn.idpCertificates.map((c) => c.certificate),
      spEntityId: spUrls(ctx.origin, conn.id).spEntityId,
      acsUrl: ctx.acsUrl,
      allowSha1: conn.allowSha1,
      expectedInResponseTo: ctx.login?.request.requestId ?? null,
      allowIdpInitiated: conn.allowIdpInitiated,
      requireEncryptedAssertions: conn.requireEncryptedAssertions,
      wantAssertionsSigned: conn.wantAssertionsSigned,
      decryptionKeys: deps.spEncryption().keys,
    },
    now,
  )
}

/**
 * Step 2: the email the profile will carry must be in one of the connection's domains, so one
 * customer's IdP cannot sign in users of another. A connection without domains, or a response
 * without an email, passes; a NameID that is not used as the email is an identifier, not checked.
 */
function checkEmailDomain(conn: SamlConnection, profile: SignInProfile): void {
  if (conn.domains.length === 0 || profile.emailAddress === null) return
  if (!emailDomainAllowed(profile.emailAddress, conn.domains, conn.allowSubdomains)) throw rejected('email_domain_mismatch')
}

/** Where the browser goes: the login's redirect URI; IdP-initiated, the one RelayState names if registered, else the default. */
function chooseRedirectUri(ctx: SignInContext): string {
  const conn = ctx.connection
  if (ctx.login) return ctx.login.request.redirectUri
  const named = ctx.relayState ? (findSameUrl(conn.redirectUris, ctx.relayState) ?? null) : null
  const uri = named ?? conn.defaultRedirectUri ?? conn.redirectUris[0] ?? null
  if (!uri) throw new AppError('invalid_client', { internal: { reason: 'redirect_uri_missing' } })
  return uri
}

/**
 * Steps 3 and 4, in one D1 batch: reserve the assertion id, use up the login request, store the
 * code. A replay gets no code; of two verified responses for one login, one gets a code; and a
 * failed write uses up nothing, so the browser may post again.
 */
async function issueCode(deps: Deps, ctx: SignInContext, a: VerifiedAssertion, profile: SignInProfile, redirectUri: string, now: number): Promise<string> {
  const { code, codeHash, pending } = await newPendingCode(deps, ctx.connection, redirectUri, profile)
  const attempt = succeededAttempt({ connection: ctx.connection, flow: flowOf(ctx) }, { nameId: profile.nameId, emailAddress: profile.emailAddress }, now)
  const outcome = await deps.signInState.commitSignIn({
    attempt,
    connectionId: ctx.connection.id,
    assertionId: a.assertionId,
    assertionExpiresAt: Math.max(a.notOnOrAfter, now + 60_000),
    loginRequest: ctx.login ? { relayStateHash: ctx.login.relayStateHash } : null,
    codeHash,
    pending,
    now,
  })
  if (outcome === 'replayed') throw rejected('replayed', { assertionId: a.assertionId })
  if (outcome === 'login_request_used') throw new AppError('invalid_relay_state', { internal: { reason: 'login_already_completed' } })
  // The redirect waits only for the batch above, which makes the code single use and the
  // assertion unreplayable. The KV copy is the exchange's fast path (it falls back to D1), so it is
  // written after the answer; an exchange that outruns it finds the code in D1, and a copy landing
  // after the code was used is refused there (consumed_codes).
  deps.defer(putCodeEdgeCopy(deps, codeHash, pending))
  // The attempt's sign_in.succeeded event committed with the code; hand it to the queue now, not at the next cron.
  publishSoon(deps, [attempt.event])
  return code
}

const flowOf = (ctx: Pick<SignInContext, 'login'>) => (ctx.login ? 'sp_initiated' : 'idp_initiated')

/** Where a post to this context is recorded as an attempt (services/sign-in-attempts.ts). */
export const attemptSite = (ctx: Pick<SignInContext, 'connection' | 'login'>, samlResponse: string): AttemptSite => ({ connection: ctx.connection, flow: flowOf(ctx), samlResponse })

/**
 * The ACS pipeline every sign-in path runs: verify, check the email domain, reserve and issue the
 * code. Each post is an attempt: a success's is written with its code, a refusal's after the answer.
 */
export async function signIn(deps: Deps, ctx: SignInContext, samlResponse: string): Promise<CompletedSignIn> {
  const user: VerifiedUser = { nameId: null, emailAddress: null }
  try {
    return await runPipeline(deps, ctx, samlResponse, user)
  } catch (e) {
    throw refusal(deps, attemptSite(ctx, samlResponse), e, user)
  }
}

async function runPipeline(deps: Deps, ctx: SignInContext, samlResponse: string, user: VerifiedUser): Promise<CompletedSignIn> {
  // A test run's login ends that run (services/test-runs.ts); it never yields a code.
  if (ctx.login?.request.testRunId) throw new AppError('invalid_relay_state', { internal: { reason: 'in_response_to_unknown', detail: 'a test run login at a sign-in path' } })
  const now = deps.clock()
  const { assertion, profile } = await verifiedProfile(deps, ctx, samlResponse, user, now)
  const redirectUri = chooseRedirectUri(ctx)
  const code = await issueCode(deps, ctx, assertion, profile, redirectUri, now)
  deps.log.info('saml_sign_in', { connection_id: ctx.connection.id, idp_initiated: !ctx.login })
  return { connection: ctx.connection, profile, redirectUrl: withCode(redirectUri, code, ctx.login?.request.state ?? null) }
}

/**
 * Steps 1 and 2, shared with test runs: the verified assertion and the profile it maps to, whose
 * email is in the connection's domains. `user` learns who signed in as soon as that is known.
 */
export async function verifiedProfile(
  deps: Deps, ctx: SignInContext, samlResponse: string, user: VerifiedUser, now: number,
): Promise<{ assertion: VerifiedAssertion; profile: SignInProfile }> {
  const conn = ctx.connection
  const a = await verify(deps, ctx, samlResponse, now)
  user.nameId = a.nameId
  const profile = mapProfile(
    { connectionId: conn.id, organizationId: conn.organizationId, idpEntityId: a.issuer, nameId: a.nameId, nameIdFormat: a.nameIdFormat, sessionIndex: a.sessionIndex },
    a.attributes,
    conn.attributeMapping,
    conn.customAttributes,
  )
  user.emailAddress = profile.emailAddress
  checkEmailDomain(conn, profile)
  return { assertion: a, profile }
}

/** The redirect URI with `code` (and `state`) set in its own query; values are encoded once. */
function withCode(redirectUri: string, code: string, state: string | null): string {
  const url = new URL(redirectUri)
  url.searchParams.set('code', code)
  if (state !== null) url.searchParams.set('state', state)
  return url.toString()
}
