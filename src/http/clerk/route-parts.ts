import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { ZodType } from 'zod'
import { ClerkErrorsSchema } from './schemas'

/** Pieces every Clerk-style route declaration uses: the JSON response, the error envelope, the key. */
export const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
export const clerkErrors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, json(ClerkErrorsSchema, 'Error in the Clerk `{errors}` envelope')]))
export const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true })

/**
 * A Clerk Backend API route: secret-key auth, a JSON 200 and errors in Clerk's envelope, so each
 * route declares only what is its own.
 */
export const clerkRoute = <const M extends 'get' | 'post' | 'patch' | 'delete', const P extends string, S extends ZodType, Req extends RouteConfig['request'] = undefined>(r: {
  method: M
  path: P
  operationId: string
  tags: string[]
  summary: string
  description?: string
  request?: Req
  ok: [schema: S, description: string]
  errors: number[]
}) =>
  createRoute({
    method: r.method, path: r.path, operationId: r.operationId, tags: r.tags, security: [{ ClerkSecretKey: [] }], summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    request: r.request as Req,
    responses: { 200: json(r.ok[0], r.ok[1]), ...clerkErrors(...r.errors) },
  })
