/**
 * What the repositories need of D1: statements and batches. Both the binding and a session of it
 * (`env.DB.withSession(...)`, the Sessions API that reaches read replicas) have these, so the
 * wiring decides per request which consistency each repository reads with (README, Consistency model).
 */
export type D1Handle = Pick<D1Database, 'prepare' | 'batch'>
