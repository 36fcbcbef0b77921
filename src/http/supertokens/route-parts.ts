import type { Hook } from '@hono/zod-openapi'
import type { Env } from 'hono'
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
