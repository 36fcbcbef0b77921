import { OpenAPIHono, z } from '@hono/zod-openapi'
import { TEST_RUN_STATUSES, TEST_RUN_TTL_MS, TestRunLogSchema, TestRunUserInfoSchema, type TestRun } from '../../domain/test-run'
import { createTestRun, listTestRuns } from '../../services/test-runs'
import type { AppEnv } from '../env'
import { throwOnInvalid } from '../validation-hook'
import { EnterpriseConnectionParams } from './enterprise-schemas'
import { enterpriseConnectionPathId } from './enterprise-serialize'
import { clerkRoute } from './route-parts'

// Clerk's spec (EnterpriseConnectionTestRun): no `object` field, milliseconds, `saml` strings omitted when absent.
const TestRunSchema = z
  .object({
    id: z.string().openapi({ example: 'ectr_2P17P4pXsx8MmunM1pkeYeimDDd' }),
    status: z.enum(TEST_RUN_STATUSES),
    connection_type: z.enum(['saml', 'oauth']),
    parsed_user_info: TestRunUserInfoSchema.nullable().openapi({ description: 'What the verified assertion says about the user; null before verification passed.' }),
    logs: z.array(TestRunLogSchema).openapi({ description: 'Each check of the response, passed or failed, in the order the pipeline runs them; a failure says how to fix it at the IdP.' }),
    saml: z
      .object({ saml_request: z.string().optional(), saml_response: z.string().optional(), relay_state: z.string().optional() })
      .nullable()
      .openapi({ description: 'The AuthnRequest XML sent, the decoded SAMLResponse XML received, and the RelayState.' }),
    oauth: z.null(),
    created_at: z.number().int().openapi({ description: 'Unix milliseconds' }),
  })
  .openapi('EnterpriseConnectionTestRun')

const TestRunsSchema = z.object({ data: z.array(TestRunSchema), total_count: z.number().int() }).openapi('EnterpriseConnectionTestRuns')
const TestRunUrlSchema = z.object({ url: z.string() }).openapi('EnterpriseConnectionTestRunResponse')

const Status = z.enum(TEST_RUN_STATUSES)
const TestRunsQuery = z.object({
  // One value arrives as a string, a repeated one as an array (Hono's query validation).
  status: z.union([Status, z.array(Status)]).optional().openapi({ param: { name: 'status', in: 'query', style: 'form', explode: true }, description: 'Only runs in these statuses (may be repeated)' }),
  limit: z.coerce.number().int().min(1).max(500).default(10).openapi({ param: { name: 'limit', in: 'query' }, example: 10 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
})

const tags = ['Clerk: enterprise connections']
const path = '/enterprise_connections/{enterprise_connection_id}/test_runs'

const createRoute_ = clerkRoute({
  method: 'post', path, operationId: 'CreateEnterpriseConnectionTestRun', tags,
  summary: 'Create a test run: a short-lived URL that starts a test sign-in with the connection\'s IdP',
  description:
    `Opening the URL sends the browser to the IdP with a fresh AuthnRequest; the response ends the run on saml-edge's result page (no code reaches the application). ` +
    `A run not finished within ${TEST_RUN_TTL_MS / 60_000} minutes fails as expired. Inactive connections can be tested.`,
  request: { params: EnterpriseConnectionParams }, ok: [TestRunUrlSchema, 'The URL that starts the test'], errors: [401, 404],
})
const listRoute = clerkRoute({
  method: 'get', path, operationId: 'ListEnterpriseConnectionTestRuns', tags,
  summary: 'List a connection\'s test runs, newest first (kept 7 days)',
  request: { params: EnterpriseConnectionParams, query: TestRunsQuery }, ok: [TestRunsSchema, 'A page of test runs and the total count'], errors: [400, 401, 404, 422],
})

function toTestRunObject(run: TestRun): z.infer<typeof TestRunSchema> {
  const saml = {
    ...(run.samlRequest !== null ? { saml_request: run.samlRequest } : {}),
    ...(run.samlResponse !== null ? { saml_response: run.samlResponse } : {}),
    ...(run.relayState !== null ? { relay_state: run.relayState } : {}),
  }
  return {
    id: run.id, status: run.status, connection_type: 'saml', parsed_user_info: run.userInfo, logs: run.logs,
    saml, oauth: null, created_at: run.createdAt,
  }
}

/** `POST/GET /v1/enterprise_connections/{id}/test_runs`, behind the enterprise routes' Clerk-style auth. */
export function testRunRoutes() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  return app
    .openapi(createRoute_, async (c) => {
      const id = enterpriseConnectionPathId(c.req.valid('param').enterprise_connection_id)
      return c.json(await createTestRun(c.var.deps, c.var.principal.instanceId, id, c.var.origin), 200)
    })
    .openapi(listRoute, async (c) => {
      const id = enterpriseConnectionPathId(c.req.valid('param').enterprise_connection_id)
      const q = c.req.valid('query')
      const statuses = q.status === undefined ? null : Array.isArray(q.status) ? q.status : [q.status]
      const page = await listTestRuns(c.var.deps, c.var.principal.instanceId, id, { statuses, limit: q.limit, offset: q.offset })
      return c.json({ data: page.items.map(toTestRunObject), total_count: page.total }, 200)
    })
}
