import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../domain/errors'
import { SAML_CONNECTION_ID, TEST_RUN_ID } from '../../domain/ids'
import { exchangeCodeWithCredentials } from '../../services/codes'
import { loadConnectionAtEdge } from '../../services/edge-sync'
import { connectionIdForEmail, startLogin } from '../../services/login'
import { signIn } from '../../services/sign-in'
import { activeConnectionAtEdge, connectionAcsContext } from '../../services/sign-in-context'
import { connectionSpMetadata } from '../../services/sp-metadata'
import { completeTestRun, openTestRun, startTestRun } from '../../services/test-runs'
import type { AppEnv } from '../env'
import { validated } from '../validation-hook'
import { autoPostPage } from './auto-post-form'
import { browserBodyLimit, readFields } from './form-body'
import { toProfileJson } from './profile-json'
import { testRunPage } from './test-run-page'

const param = (v: string | undefined, name: string, maxLength = 4096): string => {
  if (!v || v.length > maxLength) throw new AppError('invalid_input', { issues: [{ param: name, kind: v ? 'value' : 'missing' }] })
  return v
}

const text = (maxLength = 4096) => z.string().min(1).max(maxLength)
const LoginQuery = z.object({
  redirect_uri: text(),
  state: z.string().max(4096).optional(),
  connection_id: text(64).optional(),
  instance_id: text().optional(),
  email: text().optional(),
})
const TestRunQuery = z.object({ token: text(256) })

/** The endpoints IdPs and browsers call: SP metadata, login start, ACS, and the code exchange. */
export function browserRoutes() {
  const app = new Hono<AppEnv>()

  app.get('/metadata/:file', async (c) => {
    const id = c.req.param('file').replace(/\.xml$/, '')
    if (!SAML_CONNECTION_ID.test(id)) throw new AppError('not_found')
    const conn = await loadConnectionAtEdge(c.var.deps, id)
    if (!conn) throw new AppError('not_found')
    const xml = await connectionSpMetadata(c.var.deps, c.var.origin, conn)
    return c.body(xml, 200, { 'content-type': 'application/samlmetadata+xml', 'cache-control': 'public, max-age=300' })
  })

  // SP-initiated sign-in, by connection id or by the email domain of the user.
  app.get('/login', validated('query', LoginQuery), async (c) => {
    const deps = c.var.deps
    const q = c.req.valid('query')
    const connectionId = q.connection_id || (await connectionIdForEmail(deps, param(q.instance_id, 'instance_id'), param(q.email, 'email')))
    const connection = await activeConnectionAtEdge(deps, connectionId)
    const started = await startLogin(deps, { connection, redirectUri: q.redirect_uri, state: q.state ?? null, origin: c.var.origin, allowPost: true })
    if (started.post) return autoPostPage(c, started.post.action, started.post.fields)
    return c.redirect(started.redirectUrl, 302)
  })

  app.post('/acs/:id', browserBodyLimit, async (c) => {
    const id = c.req.param('id')
    if (!SAML_CONNECTION_ID.test(id)) throw new AppError('invalid_client')
    const fields = await readFields(c.req.raw)
    const samlResponse = param(fields.SAMLResponse, 'SAMLResponse', Number.POSITIVE_INFINITY)
    const ctx = await connectionAcsContext(c.var.deps, { connectionId: id, relayState: fields.RelayState || null, origin: c.var.origin, samlResponse })
    if (ctx.login?.request.testRunId) return testRunPage(c, await completeTestRun(c.var.deps, { ...ctx, login: ctx.login }, samlResponse))
    const done = await signIn(c.var.deps, ctx, samlResponse)
    return c.redirect(done.redirectUrl, 302)
  })

  // A test run's URL (POST /v1/enterprise_connections/{id}/test_runs): sends the browser to the IdP
  // while the run is pending, and shows its result once it is not.
  app.get('/test_runs/:id', validated('query', TestRunQuery), async (c) => {
    const id = c.req.param('id')
    if (!TEST_RUN_ID.test(id)) throw new AppError('not_found')
    const run = await openTestRun(c.var.deps, id, c.req.valid('query').token)
    const start = await startTestRun(c.var.deps, run, c.var.origin)
    if (start.kind === 'ended') return testRunPage(c, start.run)
    if (start.login.post) return autoPostPage(c, start.login.post.action, start.login.post.fields)
    return c.redirect(start.login.redirectUrl, 302)
  })

  // Back channel: the app exchanges the one-time code for the profile, authenticated by the
  // connection's client secret or by the owning instance's secret key.
  app.post('/token', browserBodyLimit, async (c) => {
    const fields = await readFields(c.req.raw)
    const code = param(fields.code, 'code')
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null
    const profile = await exchangeCodeWithCredentials(c.var.deps, code, { bearer, clientSecret: fields.client_secret || null })
    return c.json(toProfileJson(profile), 200)
  })
  return app
}
