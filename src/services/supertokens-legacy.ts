import { AppError } from '../domain/errors'
import { DEFAULT_TENANT_ID, type SamlConnection } from '../domain/saml-connection'
import { secretMatches } from '../domain/secrets'
import { exchangeCode, issueAccessToken, redeemAccessToken } from './codes'
import type { Deps } from './deps'
import type { SignInProfile } from './profile'

/** Who may redeem a code or access token at the legacy endpoints: a client of this app's public tenant. */
async function legacyClientOf(deps: Deps, connectionId: string, appId: string): Promise<SamlConnection | null> {
  const conn = await deps.connections.findById(connectionId)
  return conn && conn.appId === appId && conn.tenantId === DEFAULT_TENANT_ID ? conn : null
}

const invalidField = (param: string) => new AppError('invalid_input', { issues: [{ param, kind: 'value' }] })

/**
 * The legacy token endpoint: the code, authenticated by its client's secret, for a single-use
 * access token. A wrong client or secret leaves the code redeemable: only its rightful client uses it up.
 */
export async function redeemLegacyCode(
  deps: Deps,
  appId: string,
  f: { code: string; client_id: string; client_secret: string; redirect_uri?: string | undefined },
): Promise<{ client: SamlConnection; token: string; expiresInSeconds: number }> {
  let client: SamlConnection | null = null
  const profile = await exchangeCode(deps, f.code, async (connectionId, _instanceId, redirectUri) => {
    const conn = await legacyClientOf(deps, connectionId, appId)
    if (!conn) return 'unknown'
    if (conn.clientId !== f.client_id) throw invalidField('client_id')
    if (!(await secretMatches(f.client_secret, conn.clientSecretHash))) throw invalidField('client_secret')
    // RFC 6749 §4.1.3; the core does not check it.
    if (f.redirect_uri !== undefined && f.redirect_uri !== redirectUri) throw invalidField('redirect_uri')
    client = conn
    return true
  })
  const redeemedBy = client as SamlConnection | null
  if (!redeemedBy) throw new AppError('internal', { internal: 'code redeemed without a client' })
  return { client: redeemedBy, ...(await issueAccessToken(deps, redeemedBy, profile)) }
}

/** The legacy userinfo endpoint: `<token>.<clientId>` for the profile, once; a token shown for another client is burnt. */
export async function redeemLegacyAccessToken(deps: Deps, appId: string, bearer: string): Promise<{ profile: SignInProfile; clientId: string }> {
  const dot = bearer.indexOf('.')
  if (dot < 0) throw new AppError('invalid_token', { internal: 'access token without a client id' })
  const clientId = bearer.slice(dot + 1)
  const profile = await redeemAccessToken(deps, bearer.slice(0, dot), async (connectionId) => {
    const conn = await legacyClientOf(deps, connectionId, appId)
    if (!conn) return 'unknown'
    return conn.clientId === clientId ? true : 'burn'
  })
  return { profile, clientId }
}
