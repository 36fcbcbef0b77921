import { AppError } from '../domain/errors'
import { newOpaqueToken, newTestRunId } from '../domain/ids'
import { SIGN_IN_ATTEMPT_RETENTION_MS } from '../domain/sign-in-attempt'
import { secretMatches, sha256Hex } from '../domain/secrets'
import { spUrls } from '../domain/sp-urls'
import { runAsOf, TEST_RUN_TTL_MS, type TestRun, type TestRunLog, type TestRunStatus, type TestRunUserInfo } from '../domain/test-run'
import type { Deps } from './deps'
import { sendAuthnRequest, type StartedLogin } from './login'
import type { SignInProfile } from './profile'
import { decodedSamlResponse, type VerifiedUser } from './sign-in-attempts'
import { verifiedProfile, type SignInContext } from './sign-in'
import { failureReasonOf } from './sign-in-failure-reason'
import { failureLogs, successLogs, type Expectations } from './test-run-report'

/**
 * Test runs (README, Test runs): an admin asks for a short-lived URL; whoever opens it is sent to
 * the connection's IdP with a fresh AuthnRequest; the response runs the sign-in pipeline at the
 * connection's ACS and ends the run on saml-edge's result page instead of the app. Inactive
 * connections can be tested: that is what one does before switching a connection on.
 */

/**
 * Where a run starts and later shows its result. The token is the only credential and is kept as
 * its digest only (the login's stored redirect URI is this URL without it: a test run never redirects there).
 */
export const testRunUrl = (origin: string, runId: string, token: string) => `${origin}/v1/saml/test_runs/${runId}?token=${encodeURIComponent(token)}`

export async function createTestRun(deps: Deps, instanceId: string, connectionId: string, origin: string): Promise<{ url: string }> {
  const conn = await deps.connections.find(instanceId, connectionId)
  if (!conn) throw new AppError('not_found')
  const token = newOpaqueToken(32)
  const now = deps.clock()
  const run: TestRun = {
    id: newTestRunId(), instanceId, connectionId, status: 'pending', reason: null, tokenHash: await sha256Hex(token),
    userInfo: null, logs: [], samlRequest: null, relayState: null, samlResponse: null, createdAt: now, expiresAt: now + TEST_RUN_TTL_MS,
  }
  await deps.testRuns.create(run)
  return { url: testRunUrl(origin, run.id, token) }
}

/** The run a URL names, as it reads now; `not_found` for an unknown run or a wrong token alike. */
export async function openTestRun(deps: Deps, runId: string, token: string): Promise<TestRun> {
  const run = await deps.testRuns.find(runId)
  if (!(await secretMatches(token, run?.tokenHash ?? null)) || !run) throw new AppError('not_found', { internal: 'test run unknown or token wrong' })
  return runAsOf(run, deps.clock())
}

export type TestRunStart = { kind: 'started'; login: StartedLogin } | { kind: 'ended'; run: TestRun }

/**
 * Sends the browser to the IdP for a pending run (again, on a reload: the newest AuthnRequest is
 * kept). A finished run, or one whose connection cannot send an AuthnRequest, shows its result.
 */
export async function startTestRun(deps: Deps, run: TestRun, origin: string): Promise<TestRunStart> {
  if (run.status !== 'pending') return { kind: 'ended', run }
  const conn = await deps.connections.find(run.instanceId, run.connectionId)
  if (!conn) throw new AppError('not_found', { internal: 'the test run\'s connection was deleted' })
  if (!conn.idpSsoUrl) {
    const log: TestRunLog = {
      level: 'error', code: 'idp_sso_url_missing', short_message: 'No IdP SSO URL',
      message: 'The connection has no IdP single sign-on URL, so no AuthnRequest can be sent. Set idp_sso_url, or upload the IdP\'s metadata (idp_metadata / idp_metadata_url).',
    }
    const failed: TestRun = { ...run, status: 'failed', logs: [log] }
    return { kind: 'ended', run: (await end(deps, failed, null, null)) ?? failed }
  }
  const { started, xml } = await sendAuthnRequest(deps, { connection: conn, redirectUri: `${origin}/v1/saml/test_runs/${run.id}`, state: null, origin, allowPost: true, testRunId: run.id })
  if (!(await deps.testRuns.recordStart(run.id, { samlRequest: xml, relayState: started.relayState }, deps.clock()))) {
    return { kind: 'ended', run: runAsOf((await deps.testRuns.find(run.id)) ?? run, deps.clock()) }
  }
  return { kind: 'started', login: started }
}

function expectationsOf(ctx: SignInContext): Expectations {
  const conn = ctx.connection
  return {
    idpEntityId: conn.idpEntityId, spEntityId: spUrls(ctx.origin, conn.id).spEntityId, acsUrl: ctx.acsUrl, domains: conn.domains,
    allowSubdomains: conn.allowSubdomains, trustedCertificates: conn.idpCertificates.length, requireEncryptedAssertions: conn.requireEncryptedAssertions,
  }
}

const userInfoOf = (p: SignInProfile): TestRunUserInfo => ({
  user_id: p.userId,
  ...(p.emailAddress ? { email_address: p.emailAddress } : {}),
  ...(p.firstName ? { first_name: p.firstName } : {}),
  ...(p.lastName ? { last_name: p.lastName } : {}),
})

/** Stores a run's end; when another end won the race, the stored one is what the page shows. */
async function end(deps: Deps, ended: TestRun, loginRequestHash: string | null, assertion: { assertionId: string; expiresAt: number } | null) {
  const now = deps.clock()
  const outcome = await deps.testRuns.finish({ run: ended, loginRequestHash, assertion, now })
  if (outcome === 'finished') return ended
  if (outcome === 'replayed') return null
  return runAsOf((await deps.testRuns.find(ended.id)) ?? ended, now)
}

/**
 * The response to a test run's AuthnRequest, at the connection's ACS: the sign-in pipeline runs in
 * full (with the unknown-key refresh), and its outcome ends the run. No code is issued, no sign-in
 * attempt or event is written; a success still uses up its assertion id.
 */
export async function completeTestRun(deps: Deps, ctx: SignInContext & { login: NonNullable<SignInContext['login']> }, samlResponse: string): Promise<TestRun> {
  const run = await deps.testRuns.find(ctx.login.request.testRunId ?? '')
  if (!run || run.connectionId !== ctx.connection.id) throw new AppError('invalid_relay_state', { internal: 'test run unknown' })
  const now = deps.clock()
  const current = runAsOf(run, now)
  // A late or second response leaves the run as it ended.
  if (current.status !== 'pending') return current
  const xml = decodedSamlResponse(samlResponse)
  const who: VerifiedUser = { nameId: null, emailAddress: null }
  const hash = ctx.login.relayStateHash
  let refusal: unknown
  try {
    const { assertion, profile } = await verifiedProfile(deps, ctx, samlResponse, who, now)
    const ended = await end(
      deps,
      { ...run, status: 'success', userInfo: userInfoOf(profile), logs: successLogs(expectationsOf(ctx), { ...who, userId: profile.userId }), samlResponse: xml },
      hash,
      { assertionId: assertion.assertionId, expiresAt: Math.max(assertion.notOnOrAfter, now + 60_000) },
    )
    if (ended) return ended
    refusal = new AppError('saml_response_rejected', { internal: { reason: 'replayed' } })
  } catch (e) {
    refusal = e
  }
  const reason = failureReasonOf(refusal, { xml, trusted: ctx.connection.idpCertificates.map((c) => c.certificate) })
  deps.log.info('test_run_failed', { connection_id: ctx.connection.id, test_run_id: run.id, reason })
  const userInfo = who.nameId ? { user_id: who.nameId, ...(who.emailAddress ? { email_address: who.emailAddress } : {}) } : null
  const failed: TestRun = { ...run, status: 'failed', reason, userInfo, logs: failureLogs(refusal, reason, expectationsOf(ctx), who), samlResponse: xml }
  return (await end(deps, failed, hash, null)) ?? failed
}

/** A connection's runs of the last 7 days, newest first, filtered by status as they read now. */
export async function listTestRuns(deps: Deps, instanceId: string, connectionId: string, p: { statuses: TestRunStatus[] | null; limit: number; offset: number }) {
  if (!(await deps.connections.find(instanceId, connectionId))) throw new AppError('not_found')
  const now = deps.clock()
  const page = await deps.testRuns.list(connectionId, { ...p, since: now - SIGN_IN_ATTEMPT_RETENTION_MS, now })
  return { items: page.items.map((r) => runAsOf(r, now)), total: page.total }
}
