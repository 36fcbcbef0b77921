import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { AppError } from '../../domain/errors'
import type { Scope } from '../../domain/saml-connection'
import { startLogin } from '../../services/login'
import { signIn } from '../../services/sign-in'
import { connectionSpMetadata } from '../../services/sp-metadata'
import { activeClientOfScope, clientForSpMetadata, exchangeClientCode, supertokensCallbackContext } from '../../services/supertokens-sign-in'
import { resolveCoreScope, type StEnv } from './auth'
import { supertokensJsonBody } from './body'
import { supertokensText } from './errors'
import { loginLimit } from './rate-limits'
import {
  StCallbackBody,
  StCallbackResponse,
  StLoginBody,
  StLoginResponse,
  StSpMetadataQuery,
  StUserBody,
  StUserResponse,
} from './schemas'
import { toStUserInfo } from './serialize'
import { bodyOf, JSON_UTF8, keyedJsonRoute, textErrors, validationHook } from './route-parts'

const tags = ['SuperTokens: SAML login']

const loginRoute = keyedJsonRoute({
  method: 'post', path: '/recipe/saml/login', operationId: 'SupertokensSamlLogin', tags,
  summary: 'Start an SP-initiated login: the IdP URL carrying a new AuthnRequest',
  request: bodyOf(StLoginBody), ok: [StLoginResponse, 'The IdP redirect, or INVALID_CLIENT_ERROR'], errors: [400, 401, 404, 429],
})
const callbackRoute = keyedJsonRoute({
  method: 'post', path: '/recipe/saml/callback', operationId: 'SupertokensSamlCallback', tags,
  summary: 'Verify a SAML Response (SP- or IdP-initiated) and issue a one-time code',
  request: bodyOf(StCallbackBody), ok: [StCallbackResponse, 'Where to send the browser, or why not'], errors: [400, 401, 404],
})
const userRoute = keyedJsonRoute({
  method: 'post', path: '/recipe/saml/user', operationId: 'SupertokensSamlUser', tags,
  summary: 'Redeem a one-time code for the user\'s claims',
  request: bodyOf(StUserBody), ok: [StUserResponse, 'The user, or INVALID_TOKEN_ERROR'], errors: [400, 401, 404],
})
const spMetadataRoute = createRoute({
  method: 'get', path: '/.well-known/sp-metadata', operationId: 'SupertokensSpMetadata', tags,
  summary: 'SP metadata of one client (its own entity id and ACS); no api key needed',
  request: { query: StSpMetadataQuery },
  responses: {
    200: { content: { 'text/xml': { schema: z.string() } }, description: 'SAML 2.0 SP metadata' },
    ...textErrors(400, 401, 404),
  },
})

const SP_METADATA_PATH = spMetadataRoute.path
const POST_PATHS = [loginRoute.path, callbackRoute.path, userRoute.path]


/**
 * Where SP metadata is read from, without requiring a key as the core does: app and tenant come
 * from the path (same prefixes as every core path); the instance from the api key when one is
 * sent, else from `instanceId` (an IdP fetching the metadata URL sends no headers).
 */
async function spMetadataScope(c: Context<StEnv>, instanceId: string | undefined): Promise<Scope> {
  const { appId, tenantId, keyInstanceId } = await resolveCoreScope(c, `${c.req.path.slice(0, -SP_METADATA_PATH.length)}/apiversion`, 'optional')
  const owner = keyInstanceId ?? instanceId
  if (!owner) throw new AppError('invalid_query', { issues: [{ param: 'instanceId', kind: 'missing' }] })
  return { instanceId: owner, appId, tenantId }
}

/**
 * The SuperTokens core's SAML login flow at its canonical paths: `/recipe/saml/login`,
 * `/recipe/saml/callback`, `/recipe/saml/user` and `/.well-known/sp-metadata`
 * (docs/compat/supertokens.md, "Login flow").
 */
export function supertokensLoginApi() {
  const app = new OpenAPIHono<StEnv>({ defaultHook: validationHook<StEnv>() })
  app.on('POST', POST_PATHS, ...supertokensJsonBody)
  app.on('POST', loginRoute.path, loginLimit)

  app
    .openapi(loginRoute, async (c) => {
      const b = c.req.valid('json')
      const connection = await activeClientOfScope(c.var.deps, c.var.scope, b.clientId)
      const started = await startLogin(c.var.deps, { connection, redirectUri: b.redirectURI, state: b.state ?? null, origin: c.var.origin, acsUrl: b.acsURL })
      return c.json({ status: 'OK' as const, ssoRedirectURI: started.redirectUrl }, 200, JSON_UTF8)
    })
    .openapi(callbackRoute, async (c) => {
      const { deps, scope, origin } = c.var
      const b = c.req.valid('json')
      const ctx = await supertokensCallbackContext(deps, {
        scope, samlResponse: b.samlResponse, relayState: b.relayState || null, origin, param: 'samlResponse', endpoint: 'core',
      })
      const done = await signIn(deps, ctx, b.samlResponse)
      return c.json({ status: 'OK' as const, redirectURI: done.redirectUrl }, 200, JSON_UTF8)
    })
    .openapi(userRoute, async (c) => {
      const b = c.req.valid('json')
      const profile = await exchangeClientCode(c.var.deps, c.var.scope, b.accessToken, b.clientId)
      return c.json({ ...toStUserInfo(profile, b.clientId), status: 'OK' as const }, 200, JSON_UTF8)
    })
    .openapi(spMetadataRoute, async (c) => {
      const { clientId, instanceId } = c.req.valid('query')
      const conn = await clientForSpMetadata(c.var.deps, await spMetadataScope(c, instanceId), clientId ?? null)
      const xml = await connectionSpMetadata(c.var.deps, c.var.origin, conn)
      return c.body(xml, 200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Cache-Control': 'public, max-age=300' })
    })
  return app
}
