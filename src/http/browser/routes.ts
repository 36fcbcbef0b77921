import { Hono } from 'hono'
import { AppError } from '../../domain/errors'
import { SAML_CONNECTION_ID } from '../../domain/ids'
import { secretMatches } from '../../domain/secrets'
import { spUrls } from '../../domain/sp-urls'
import { authenticateKey } from '../../services/api-keys'
import { loadConnectionAtEdge } from '../../services/edge-sync'
import { completeSignIn, exchangeCode, loadUsableConnection, startSignIn } from '../../services/sso'
import type { AppEnv } from '../env'
import { toAppError } from '../to-app-error'
import { renderBrowserError } from './errors'
import { autoPostPage } from './auto-post-form'
import { readFields } from './form-body'
import { toProfileJson } from './profile-json'
import { buildSpMetadata } from '../../saml'

const param = (v: string | undefined, name: string, maxLength = 4096): string => {
  if (!v || v.length > maxLength) throw new AppError('invalid_input', { issues: [{ param: name, kind: v ? 'value' : 'missing' }] })
  return v
}

/** The endpoints IdPs and browsers call: SP metadata, login start, ACS, and the code exchange. */
export function browserRoutes() {
  const app = new Hono<AppEnv>()
  app.onError((e, c) => renderBrowserError(c, toAppError(e, c.var.deps?.log)))

  app.get('/metadata/:file', async (c) => {
    const id = c.req.param('file').replace(/\.xml$/, '')
    if (!SAML_CONNECTION_ID.test(id)) throw new AppError('not_found')
    const conn = await loadConnectionAtEdge(c.var.deps, id)
    if (!conn) throw new AppError('not_found')
    const sp = spUrls(c.var.origin, conn.id)
    const keys = conn.enableRequestSigning ? await c.var.deps.spKeys() : null
    const xml = buildSpMetadata({ entityId: sp.spEntityId, acsUrl: sp.acsUrl, signingCertificate: keys?.certificatePem ?? null })
    return c.body(xml, 200, { 'content-type': 'application/samlmetadata+xml', 'cache-control': 'public, max-age=300' })
  })

  // SP-initiated sign-in, by connection id or by the email domain of the user.
  app.get('/login', async (c) => {
    const deps = c.var.deps
    const redirectUri = param(c.req.query('redirect_uri'), 'redirect_uri')
    const state = c.req.query('state') ?? null
    let connectionId = c.req.query('connection_id')
    if (!connectionId) {
      const email = param(c.req.query('email'), 'email')
      const instanceId = param(c.req.query('instance_id'), 'instance_id')
      const domain = email.split('@').pop() ?? ''
      const matches = (await deps.connections.findByEmailDomain(instanceId, domain)).filter((m) => m.active)
      // The most specific domain wins when a subdomain-enabled parent also matches.
      matches.sort((a, b) => Number(b.domains.includes(domain.toLowerCase())) - Number(a.domains.includes(domain.toLowerCase())))
      connectionId = matches[0]?.id
      if (!connectionId) throw new AppError('invalid_client', { internal: `no connection for ${domain}` })
    }
    const connection = await loadUsableConnection(deps, connectionId)
    const started = await startSignIn(deps, { connection, redirectUri, state, origin: c.var.origin, allowPost: true })
    if (started.post) return autoPostPage(c, started.post.action, started.post.fields)
    return c.redirect(started.redirectUrl, 302)
  })

  app.post('/acs/:id', async (c) => {
    const id = c.req.param('id')
    if (!SAML_CONNECTION_ID.test(id)) throw new AppError('invalid_client')
    const fields = await readFields(c.req.raw)
    const done = await completeSignIn(c.var.deps, {
      connectionId: id,
      samlResponse: param(fields.SAMLResponse, 'SAMLResponse', Number.POSITIVE_INFINITY),
      relayState: fields.RelayState || null,
      origin: c.var.origin,
    })
    return c.redirect(done.redirectUrl, 302)
  })

  // Back channel: the app exchanges the one-time code for the profile, authenticated by the
  // connection's client secret or by the owning instance's secret key.
  app.post('/token', async (c) => {
    const deps = c.var.deps
    const fields = await readFields(c.req.raw)
    const code = param(fields.code, 'code')
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
    const profile = await exchangeCode(deps, code, async (connectionId, instanceId) => {
      if (bearer) return (await authenticateKey(deps, 'clerk_secret_key', bearer))?.instanceId === instanceId
      const conn = await deps.connections.findById(connectionId)
      if (!conn || !fields.client_secret) return false
      return secretMatches(fields.client_secret, conn.clientSecretHash)
    })
    return c.json(toProfileJson(profile), 200)
  })

  app.notFound((c) => renderBrowserError(c, new AppError('not_found')))
  return app
}
