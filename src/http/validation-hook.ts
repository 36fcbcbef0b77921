import type { Hook } from '@hono/zod-openapi'
import { zValidator } from '@hono/zod-validator'
import type { ZodType } from 'zod'
import { AppError } from '../domain/errors'
import type { AppEnv } from './env'
import { toInputIssues } from './input-issues'

/** Every validator throws one `AppError`; each API style renders it in its own envelope. */
export const throwOnInvalid: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return
  const issues = toInputIssues(result.error, (result as { data?: unknown }).data)
  throw new AppError(result.target === 'query' ? 'invalid_query' : 'invalid_input', { issues })
}

/**
 * The same refusal for @hono/zod-validator's validator, which the routes outside the OpenAPI
 * document (browsers and IdPs call them) use; @hono/zod-openapi is built on it.
 */
export const validated = <T extends ZodType, Target extends 'query' | 'param'>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (result.success) return
    throw new AppError(target === 'query' ? 'invalid_query' : 'invalid_input', { issues: toInputIssues(result.error, result.data) })
  })
