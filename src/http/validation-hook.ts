import type { Hook } from '@hono/zod-openapi'
import { AppError } from '../domain/errors'
import type { AppEnv } from './env'
import { toInputIssues } from './input-issues'

/** Every validator throws one `AppError`; each API style renders it in its own envelope. */
export const throwOnInvalid: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return
  const issues = toInputIssues(result.error, (result as { data?: unknown }).data)
  throw new AppError(result.target === 'query' ? 'invalid_query' : 'invalid_input', { issues })
}
