import { createRoute, type Hook, type RouteConfig } from '@hono/zod-openapi'
import type { Env } from 'hono'
import type { ZodType } from 'zod'
import { throwOnInvalid } from '../validation-hook'
import { StTextErrorSchema } from './schemas'

/** Pieces every SuperTokens-style route declaration uses: response and body shapes, the key, the hook. */
export const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
export const textErrors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { content: { 'text/html': { schema: StTextErrorSchema } }, description: 'Plain-text error, as the core sends it' }]))
export const bodyOf = <T>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } })
export const security = [{ SupertokensApiKey: [] }]
export const JSON_UTF8 = { 'Content-Type': 'application/json; charset=UTF-8' }

// The shared hook never reads the context, so it serves each sub-app's wider context as well.
export const validationHook = <E extends Env>() => throwOnInvalid as unknown as Hook<unknown, E, string, unknown>

/**
 * A key-authenticated core route whose 200 is JSON and whose refusals are the core's text errors:
 * what every management and login-flow route is, so each declares only what is its own.
 */
export const keyedJsonRoute = <const M extends 'get' | 'post' | 'put', const P extends string, S extends ZodType, Req extends RouteConfig['request'] = undefined>(r: {
  method: M
  path: P
  operationId: string
  tags: string[]
  summary: string
  request?: Req
  ok: [schema: S, description: string]
  errors: number[]
}) =>
  createRoute({
    method: r.method, path: r.path, operationId: r.operationId, tags: r.tags, security, summary: r.summary,
    request: r.request as Req,
    responses: { 200: json(r.ok[0], r.ok[1]), ...textErrors(...r.errors) },
  })
