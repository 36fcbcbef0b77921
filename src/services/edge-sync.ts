import type { SamlConnection } from '../domain/saml-connection'
import type { Deps } from './deps'

/**
 * Brings the KV edge copy in line after a D1 write. A failure here is logged and left in the
 * outbox; `drainEdgeSyncs` (cron, and later writes) replays it from D1, the source of truth.
 */
export async function syncEdgeCopy(deps: Deps, id: string, syncToken: string, state: SamlConnection | null): Promise<void> {
  try {
    if (state) await deps.edge.put(state)
    else await deps.edge.remove(id)
    await deps.connections.clearEdgeSync(id, syncToken)
  } catch (e) {
    deps.log.warn('edge_sync_deferred', { connection_id: id, error: String(e) })
  }
}

/** Replays queued edge syncs from D1. Returns how many entries were settled. */
export async function drainEdgeSyncs(deps: Deps, limit = 100): Promise<number> {
  let settled = 0
  for (const { id, token } of await deps.connections.pendingEdgeSyncs(limit)) {
    try {
      const current = await deps.connections.findById(id)
      if (current) await deps.edge.put(current)
      else await deps.edge.remove(id)
      await deps.connections.clearEdgeSync(id, token)
      settled++
    } catch (e) {
      deps.log.warn('edge_sync_retry_failed', { connection_id: id, error: String(e) })
    }
  }
  return settled
}

/**
 * The connection as the sign-in endpoints see it: the KV edge copy when present, else D1 (the
 * nearest replica, in a sign-in request) and the copy is refilled. Management reads never use
 * this; they read D1.
 */
export async function loadConnectionAtEdge(deps: Deps, id: string): Promise<SamlConnection | null> {
  const cached = await deps.edge.get(id)
  if (cached) return cached
  const stored = await deps.connections.findById(id)
  if (stored) await refillEdgeCopy(deps, stored).catch(() => undefined)
  return stored
}

/**
 * Puts a row read from D1 into KV, then reads D1 again: a write that committed in between (and
 * already synced KV) would otherwise be undone by this older row, with no outbox entry left to
 * repair it. A write committing after the second read syncs KV after this put, so it wins. The
 * first read may come from a replica that is behind; the second is at the primary, so it cannot be.
 */
async function refillEdgeCopy(deps: Deps, stored: SamlConnection): Promise<void> {
  await deps.edge.put(stored)
  const current = await deps.connectionsAtPrimary.findById(stored.id)
  if (!current) await deps.edge.remove(stored.id)
  else if (JSON.stringify(current) !== JSON.stringify(stored)) await deps.edge.put(current)
}
