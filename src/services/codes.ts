import { AppError } from '../domain/errors'
import { newOpaqueToken } from '../domain/ids'
import type { SamlConnection } from '../domain/saml-connection'
import { secretMatches, sha256Hex } from '../domain/secrets'
import type { PendingCode } from '../domain/sign-in-state'
import { AUTH_CODE_TTL_MS } from '../saml'
import { authenticateKey } from './api-keys'
import type { Deps } from './deps'
import type { SignInProfile } from './profile'

/**
 * What a caller may do with a code of some connection: redeem it (`true`); be refused as
 * unauthenticated (`false`); find that the code does not exist for it (`'unknown'`: the code stays
 * redeemable by its owner); or burn it (`'burn'`: the code is used up and `invalid_token` answered).
 */
export type CodeAccess = boolean | 'unknown' | 'burn'

/** Decides whether a caller may redeem a pending code of this connection (issued for `redirectUri`). */
export type Authorize = (connectionId: string, instanceId: string, redirectUri: string) => Promise<CodeAccess>

/** A fresh one-time code, its digest (the only form stored) and what it will redeem for. */
export async function newPendingCode(deps: Deps, conn: SamlConnection, redirectUri: string, profile: SignInProfile) {
  const code = newOpaqueToken(32)
  const pending: PendingCode = { v: 1, connectionId: conn.id, instanceId: conn.instanceId, redirectUri, profile: { ...profile }, expiresAt: deps.clock() + AUTH_CODE_TTL_MS }
  return { code, codeHash: await sha256Hex(code), pending }
}

/**
 * The KV copy of a pending code: the fast path where it was issued. D1 holds the code itself,
 * readable at once from any region (the backend redeeming a code is often elsewhere than the
 * browser that brought it), so a failed KV write only costs that fast path.
 */
export async function putCodeEdgeCopy(deps: Deps, hash: string, pending: PendingCode): Promise<void> {
  await deps.codeCopy.put(hash, pending, deps.clock()).catch((e: unknown) => deps.log.warn('code_edge_copy_failed', { error: String(e) }))
}

/**
 * Exchanges a code for the profile, once. `authorize` decides whether the caller may redeem
 * codes of that connection (its client secret, or the owning instance's key).
 */
export async function exchangeCode(deps: Deps, code: string, authorize: Authorize): Promise<SignInProfile> {
  return redeem(deps, await sha256Hex(code), authorize)
}

/** Redeems what is stored under `hash` (a code or an access token), at most once. */
async function redeem(deps: Deps, hash: string, authorize: Authorize): Promise<SignInProfile> {
  const now = deps.clock()
  const pending = (await deps.codeCopy.get(hash, now)) ?? (await deps.signInState.getPendingCode(hash, now))
  if (!pending) throw new AppError('invalid_token')
  const access = await authorize(pending.connectionId, pending.instanceId, pending.redirectUri)
  if (access === 'unknown') throw new AppError('invalid_token', { internal: 'code of another scope' })
  if (access === false) throw new AppError('unauthenticated')
  const first = await deps.signInState.consumeCode(hash, now, pending.expiresAt)
  await deps.codeCopy.remove(hash)
  if (access === 'burn') throw new AppError('invalid_token', { internal: 'code presented for another client; burnt' })
  if (!first) throw new AppError('invalid_token', { internal: 'code reused' })
  return pending.profile as unknown as SignInProfile
}

// Access tokens live beside codes but hash under their own prefix, so a code (which the browser
// saw) is never accepted where an access token is expected, nor the other way round.
const accessTokenHash = (token: string) => sha256Hex(`access_token:${token}`)

/**
 * Trades a redeemed sign-in for an access token (the legacy OAuth-style token endpoint): the
 * profile is kept for `AUTH_CODE_TTL_MS` under a fresh opaque token, redeemable once.
 */
export async function issueAccessToken(deps: Deps, conn: SamlConnection, profile: SignInProfile): Promise<{ token: string; expiresInSeconds: number }> {
  const token = newOpaqueToken(32)
  const hash = await accessTokenHash(token)
  const pending: PendingCode = { v: 1, connectionId: conn.id, instanceId: conn.instanceId, redirectUri: '', profile: { ...profile }, expiresAt: deps.clock() + AUTH_CODE_TTL_MS }
  await Promise.all([deps.signInState.putPendingCode(hash, pending), putCodeEdgeCopy(deps, hash, pending)])
  return { token, expiresInSeconds: AUTH_CODE_TTL_MS / 1000 }
}

/** Redeems an access token from `issueAccessToken` once, with the same `authorize` rules as a code. */
export async function redeemAccessToken(deps: Deps, token: string, authorize: Authorize): Promise<SignInProfile> {
  return redeem(deps, await accessTokenHash(token), authorize)
}

/**
 * `POST /v1/saml/token`: the app's backend redeems a code with the owning instance's secret key
 * (Bearer) or the connection's client secret.
 */
export async function exchangeCodeWithCredentials(deps: Deps, code: string, cred: { bearer: string | null; clientSecret: string | null }): Promise<SignInProfile> {
  return exchangeCode(deps, code, async (connectionId, instanceId) => {
    if (cred.bearer) return (await authenticateKey(deps, 'clerk_secret_key', cred.bearer))?.instanceId === instanceId
    const conn = await deps.connections.findById(connectionId)
    if (!conn || !cred.clientSecret) return false
    return secretMatches(cred.clientSecret, conn.clientSecretHash)
  })
}
