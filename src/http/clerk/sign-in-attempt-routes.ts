import { OpenAPIHono, z } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import { SAML_CONNECTION_ID } from '../../domain/ids'
import { MAX_STORED_ATTEMPTS_PER_MINUTE, SIGN_IN_FAILURE_REASONS, SIGN_IN_FLOWS, SignInFailureReasonSchema } from '../../domain/sign-in-attempt'
import { listSignInAttempts, toSignInAttemptObject } from '../../services/sign-in-attempts'
import type { AppEnv } from '../env'
import { throwOnInvalid } from '../validation-hook'
import { clerkRoute } from './route-parts'
import { ClerkConnectionParams } from './schemas'

const REASONS_TEXT = Object.entries(SIGN_IN_FAILURE_REASONS)
  .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
  .join('\n')

const SignInAttemptSchema = z
  .object({
    object: z.literal('sign_in_attempt'),
    id: z.string().openapi({ example: 'sia_2P17P4pXsx8MmunM1pkeYeimDDd' }),
    connection_id: z.string(),
    status: z.enum(['succeeded', 'failed']),
    reason: SignInFailureReasonSchema.nullable().openapi({ description: `Null on success; else one of:\n${REASONS_TEXT}` }),
    flow: z.enum(SIGN_IN_FLOWS),
    name_id: z.string().nullable().openapi({ description: 'The NameID of a verified assertion; null when the response did not verify.' }),
    email_address: z.string().nullable().openapi({ description: 'The email the sign-in would carry, from a verified assertion; null when it did not verify or has none.' }),
    created_at: z.number().int().openapi({ description: 'Unix milliseconds' }),
    saml_response: z.string().nullable().openapi({ description: 'Failed attempts only: the decoded SAMLResponse XML as posted (unverified), up to 64 KiB.' }),
  })
  .openapi('SignInAttempt')

const SignInAttemptsSchema = z.object({ data: z.array(SignInAttemptSchema), total_count: z.number().int() }).openapi('SignInAttempts')

const SignInAttemptsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(10).openapi({ param: { name: 'limit', in: 'query' }, example: 10 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
})

const listRoute = clerkRoute({
  method: 'get', path: '/saml_connections/{saml_connection_id}/sign_in_attempts', operationId: 'ListSAMLConnectionSignInAttempts', tags: ['Clerk: SAML connections'],
  summary: 'List a connection\'s sign-in attempts, newest first (saml-edge extension)',
  description:
    'Every post to an ACS that names this connection, on every sign-in path, of the last 7 days. ' +
    `At most ${MAX_STORED_ATTEMPTS_PER_MINUTE} are kept per connection per minute; past that an attempt is only counted. ` +
    'The reason is shown here only: the browser gets the generic error page.',
  request: { params: ClerkConnectionParams, query: SignInAttemptsQuery }, ok: [SignInAttemptsSchema, 'A page of attempts and the total count'], errors: [400, 401, 404, 422],
})

/** `GET /v1/saml_connections/{id}/sign_in_attempts` (behind the Clerk-style auth of `/saml_connections/*`). */
export function signInAttemptRoutes() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  return app.openapi(listRoute, async (c) => {
    const id = c.req.valid('param').saml_connection_id
    if (!SAML_CONNECTION_ID.test(id)) throw new AppError('not_found', { internal: 'not a connection id' })
    const page = await listSignInAttempts(c.var.deps, c.var.principal.instanceId, id, c.req.valid('query'))
    return c.json({ data: page.items.map(toSignInAttemptObject), total_count: page.total }, 200)
  })
}
