import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import type { Scope } from '../../domain/saml-connection'
import { startLogin } from '../../services/login'
import { signIn } from '../../services/sign-in'
import { redeemLegacyAccessToken, redeemLegacyCode } from '../../services/supertokens-legacy'
import { activeClientOfScope, supertokensCallbackContext } from '../../services/supertokens-sign-in'
import { autoPostPage } from '../browser/auto-post-form'
import { resolveCoreScope, type LegacyEnv } from './auth'
import { supertokensFormBody } from './body'
import { supertokensText } from './errors'
import { legacyAuthorizeLimit, legacyCallbackLimit } from './rate-limits'
import { DEFAULT_TENANT_ID } from './paths'
import {
  StLegacyAuthorizeQuery,
  StLegacyCallbackForm,
  StLegacyInstanceQuery,
  StLegacyTokenForm,
  StLegacyTokenResponse,
  StLegacyUserInfo,
} from './schemas'
import { toStUserInfo } from './serialize'
import { JSON_UTF8, json, textErrors, validationHook } from './route-parts'

const LEGACY = '/recipe/saml/legacy'
// An api key, or none (`{}`): a browser sent to authorize names the instance with instance_id instead.
const optionalKey: Record<string, string[]>[] = [{ SupertokensApiKey: [] }, {}]
const tags = ['SuperTokens: SAML legacy (OAuth-provider style)']
const form = <T>(schema: T) => ({ body: { content: { 'application/x-www-form-urlencoded': { schema } }, required: true } })
const redirectTo = (description: string) => ({ description, headers: z.object({ location: z.string() }) })

const authorizeRoute = createRoute({
  method: 'get', path: `${LEGACY}/authorize`, operationId: 'SupertokensSamlLegacyAuthorize', tags, security: optionalKey,
  summary: 'OAuth-style authorize: 307 to the IdP with a new AuthnRequest (api key, or instance_id for a browser)',
  request: { query: StLegacyAuthorizeQuery },
  responses: {
    307: redirectTo('To the IdP\'s SSO URL with SAMLRequest and RelayState'),
    200: {
      content: {
        'application/json': { schema: z.object({ status: z.literal('INVALID_CLIENT_ERROR') }) },
        'text/html': { schema: z.string().openapi({ description: 'For an IdP that takes only HTTP-POST: a form the browser posts to it at once' }) },
      },
      description: 'INVALID_CLIENT_ERROR (unknown client, or redirect_uri not registered exactly); or the HTTP-POST binding\'s form',
    },
    ...textErrors(400, 401, 403, 404, 429),
  },
})
const callbackRoute = createRoute({
  method: 'post', path: `${LEGACY}/callback`, operationId: 'SupertokensSamlLegacyCallback', tags, security: optionalKey,
  summary: 'The ACS of the legacy flow: verifies the posted SAMLResponse, 302 to the redirect_uri with code and state',
  request: { query: StLegacyInstanceQuery, ...form(StLegacyCallbackForm) },
  responses: {
    302: redirectTo('To the redirect_uri with `code` (and `state`)'),
    ...textErrors(400, 401, 403, 404, 429),
  },
})
const tokenRoute = createRoute({
  method: 'post', path: `${LEGACY}/token`, operationId: 'SupertokensSamlLegacyToken', tags,
  summary: 'Redeems the code, authenticated by the client secret, for a single-use access token',
  request: form(StLegacyTokenForm),
  responses: { 200: json(StLegacyTokenResponse, 'The access token'), ...textErrors(400, 403, 404) },
})
const userinfoRoute = createRoute({
  method: 'get', path: `${LEGACY}/userinfo`, operationId: 'SupertokensSamlLegacyUserinfo', tags,
  summary: 'The user\'s claims for `Authorization: Bearer <access_token>`; the token is used up',
  request: { headers: z.object({ authorization: z.string().optional().openapi({ description: '`Bearer <access_token>` from the token endpoint' }) }) },
  responses: { 200: json(StLegacyUserInfo, 'The user'), ...textErrors(400, 403, 404) },
})

/**
 * Path, key and version, in the core's order; the legacy APIs are app-level (public tenant only).
 * Authorize and callback take an api key when one is sent (a wrong one is a 401); token and
 * userinfo ignore it, as in the core, where `Authorization` carries the access token instead.
 */
const legacyContext = createMiddleware<LegacyEnv>(async (c, next) => {
  const readsKey = c.req.path.endsWith('/authorize') || c.req.path.endsWith('/callback')
  const { appId, tenantId, keyInstanceId } = await resolveCoreScope(c, c.req.path, readsKey ? 'optional' : 'ignored')
  if (tenantId !== DEFAULT_TENANT_ID) throw new AppError('forbidden')
  c.set('legacy', { appId, keyInstanceId })
  await next()
})

/**
 * The core's legacy OAuth-provider-style SAML endpoints (`/recipe/saml/legacy/...`), for
 * integrations that treat the core as an OAuth provider: authorize, the ACS, token and userinfo
 * (docs/compat/supertokens.md, "Legacy endpoints").
 */
export function supertokensLegacyApi() {
  const app = new OpenAPIHono<LegacyEnv>({ defaultHook: validationHook<LegacyEnv>() })
  app.use(`${LEGACY}/*`, legacyContext)
  app.use(authorizeRoute.path, legacyAuthorizeLimit)
  app.on('POST', callbackRoute.path, legacyCallbackLimit)
  app.on('POST', [callbackRoute.path, tokenRoute.path], ...supertokensFormBody)

  app
    .openapi(authorizeRoute, async (c) => {
      const q = c.req.valid('query')
      const { appId, keyInstanceId } = c.var.legacy
      const instanceId = keyInstanceId ?? q.instance_id
      if (!instanceId) throw new AppError('unauthenticated', { internal: 'neither an api key nor instance_id' })
      const scope: Scope = { instanceId, appId, tenantId: DEFAULT_TENANT_ID }
      const connection = await activeClientOfScope(c.var.deps, scope, q.client_id)
      // The ACS is the client's own (`acsUrl` in its JSON and SP metadata), where the core uses its
      // `saml_legacy_acs_url` setting: the IdP is configured as the SP metadata says.
      const started = await startLogin(c.var.deps, { connection, redirectUri: q.redirect_uri, state: q.state ?? null, origin: c.var.origin, allowPost: true })
      // A browser is at the other end here, so a POST-only IdP can be reached with a form.
      if (started.post) return autoPostPage(c, started.post.action, started.post.fields)
      return c.redirect(started.redirectUrl, 307)
    })
    .openapi(callbackRoute, async (c) => {
      const { deps, origin } = c.var
      const { appId, keyInstanceId } = c.var.legacy
      const f = c.req.valid('form')
      const instanceId = keyInstanceId ?? c.req.valid('query').instance_id ?? null
      // The RelayState names the login; a key or instance_id, when given, must own it too.
      const ctx = await supertokensCallbackContext(deps, {
        scope: { instanceId, appId, tenantId: DEFAULT_TENANT_ID }, samlResponse: f.SAMLResponse, relayState: f.RelayState ?? null, origin, param: 'SAMLResponse', endpoint: 'legacy',
      })
      const done = await signIn(deps, ctx, f.SAMLResponse)
      return c.redirect(done.redirectUrl, 302)
    })
    .openapi(tokenRoute, async (c) => {
      const issued = await redeemLegacyCode(c.var.deps, c.var.legacy.appId, c.req.valid('form'))
      const body = { status: 'OK' as const, access_token: `${issued.token}.${issued.client.clientId}`, token_type: 'Bearer' as const, expires_in: issued.expiresInSeconds }
      return c.json(body, 200, { ...JSON_UTF8, 'Cache-Control': 'no-store' })
    })
    .openapi(userinfoRoute, async (c) => {
      const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (!bearer) throw new AppError('invalid_input', { issues: [{ param: 'Authorization', kind: 'missing', expected: 'Authorization header is required' }] })
      const { profile, clientId } = await redeemLegacyAccessToken(c.var.deps, c.var.legacy.appId, bearer)
      const info = toStUserInfo(profile, clientId)
      return c.json({ claims: info.claims, id: info.sub, email: info.email, aud: info.aud }, 200, { ...JSON_UTF8, 'Cache-Control': 'no-store' })
    })
  return app
}
