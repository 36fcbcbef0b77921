/**
 * Wrappers around the real D1 and KV bindings that make one chosen I/O call fail. Every other call,
 * and the failing one where the mode says so, reaches the real binding: nothing here is a fake store.
 */

/**
 * How the chosen call fails:
 * - `before`: it throws without reaching the binding (the request never left).
 * - `after`: it reaches the binding and completes, then throws (the reply was lost).
 * - `midBatch`: for a D1 batch, a statement that fails at run time is slipped into the middle, so the
 *   real transaction does half its work and then aborts. Other calls treat it as `before`.
 */
export type FaultMode = 'before' | 'after' | 'midBatch'

export interface FaultPlan {
  /** Which call fails, by its name (`d1.batch`, `d1.first`, `kv.put`, ...) and its index among all calls. */
  matches: (name: string, index: number) => boolean
  mode: FaultMode
}

/** Counts I/O calls and fails the first one the plan matches (once). */
export class FaultInjector {
  readonly calls: string[] = []
  fired: string | null = null
  constructor(private readonly plan: FaultPlan | null) {}

  async io<T>(name: string, run: () => Promise<T>, runHalfway?: () => Promise<T>): Promise<T> {
    const index = this.calls.push(name) - 1
    if (this.fired !== null || !this.plan?.matches(name, index)) return run()
    this.fired = `${name}#${index}:${this.plan.mode}`
    if (this.plan.mode === 'before' || (this.plan.mode === 'midBatch' && !runHalfway)) throw new Error(`injected fault before ${name}`)
    if (this.plan.mode === 'midBatch' && runHalfway) return runHalfway()
    await run()
    throw new Error(`injected fault after ${name}`)
  }
}

/** Fails the first call with this name. */
export const failFirst = (name: string, mode: FaultMode): FaultPlan => ({ matches: (n) => n === name, mode })
/** Fails the call with this index, whatever it is. */
export const failAt = (at: number, mode: FaultMode): FaultPlan => ({ matches: (_n, i) => i === at, mode })

// Valid SQL that fails when it runs (not when it is prepared): malformed JSON.
const FAILING_SQL = "SELECT json_extract('{', '$') AS injected_fault"

/**
 * The real D1 binding, with every statement run and batch passing through `faults`; so do those of
 * its sessions (`withSession`), which is how the Worker reaches D1.
 */
export function faultyD1(db: D1Database, faults: FaultInjector): D1Database {
  return faultyHandle(db, faults)
}

function faultyHandle<H extends D1Database | D1DatabaseSession>(db: H, faults: FaultInjector): H {
  const real = new WeakMap<object, D1PreparedStatement>()
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...args: unknown[]) => wrapStatement(target.bind(...args))
        if (prop === 'run' || prop === 'first' || prop === 'all' || prop === 'raw') {
          return (...args: unknown[]) => faults.io(`d1.${prop}`, () => (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args))
        }
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    real.set(wrapped, stmt)
    return wrapped
  }
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql))
      if (prop === 'withSession' && 'withSession' in target) {
        return (constraintOrBookmark?: string) => faultyHandle(target.withSession(constraintOrBookmark), faults)
      }
      if (prop === 'batch') {
        return (stmts: D1PreparedStatement[]) => {
          const unwrapped = stmts.map((s) => real.get(s) ?? s)
          const half = Math.ceil(unwrapped.length / 2)
          return faults.io(
            'd1.batch',
            () => target.batch(unwrapped),
            () => target.batch([...unwrapped.slice(0, half), target.prepare(FAILING_SQL), ...unwrapped.slice(half)]),
          )
        }
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** The real KV binding, with every call passing through `faults`. */
export function faultyKv(kv: KVNamespace, faults: FaultInjector): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      if (prop === 'get' || prop === 'put' || prop === 'delete' || prop === 'list' || prop === 'getWithMetadata') {
        return (...args: unknown[]) => faults.io(`kv.${prop}`, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
      }
      return value.bind(target)
    },
  })
}

/** The real Queue producer binding, with `send` and `sendBatch` passing through `faults`. */
export function faultyQueue<T>(queue: Queue<T>, faults: FaultInjector): Queue<T> {
  return new Proxy(queue, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      if (prop === 'send' || prop === 'sendBatch') {
        return (...args: unknown[]) => faults.io(`queue.${prop}`, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
      }
      return value.bind(target)
    },
  })
}

/** The test env with D1 and KV wrapped by one injector. */
export function faultyEnv(env: Env, faults: FaultInjector): Env {
  return { ...env, DB: faultyD1(env.DB, faults), KV: faultyKv(env.KV, faults) }
}
