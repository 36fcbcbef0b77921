/**
 * Which D1 copy a request reads, through the Sessions API (`withSession`): D1 keeps asynchronous
 * read replicas near every region, and a session is sequentially consistent (each query sees at
 * least what the ones before it saw, writes included). README, Consistency model, names the mode
 * of every endpoint.
 */

/** The header a management client echoes to read its own writes from a nearby replica. */
export const BOOKMARK_HEADER = 'x-d1-bookmark'

export type D1Consistency =
  /** The management APIs: the primary first (read-your-writes for clients that keep no bookmark), or from the client's bookmark. */
  | { kind: 'management'; bookmark: string | null }
  /** Sign-in lookups: the nearest copy; single-use state on a session that starts at the primary. */
  | { kind: 'sign-in' }
  /** Cron and queue work: the primary first. */
  | { kind: 'background' }

export interface D1Sessions {
  /** What every repository reads and writes through, but for `primary`'s. */
  main: D1DatabaseSession
  /**
   * Starts at the primary: single-use sign-in state (a login or code written a moment ago,
   * perhaps in another region) and the edge refill's re-check. The same session as `main` when
   * that one starts at the primary too.
   */
  primary: D1DatabaseSession
  /** The newest position `main` has seen, for the client to send back; null before any query. */
  bookmark(): string | null
}

// D1 bookmarks are hex groups joined by dashes (`0000000a-00000003-00004f5c-<hash>`). Anything
// else is ignored rather than handed to D1, whose refusal would fail the request: without a
// bookmark the session starts at the primary, which is never behind.
const BOOKMARK = /^[0-9a-f]{8}(?:-[0-9a-f]{8}){2}-[0-9a-f]{32,128}$/

export const usableBookmark = (value: string | null | undefined): string | null => (value && BOOKMARK.test(value.trim()) ? value.trim() : null)

export function openD1Sessions(db: D1Database, c: D1Consistency): D1Sessions {
  if (c.kind === 'sign-in') {
    const main = db.withSession('first-unconstrained')
    return { main, primary: db.withSession('first-primary'), bookmark: () => main.getBookmark() }
  }
  const from = c.kind === 'management' ? usableBookmark(c.bookmark) : null
  const main = db.withSession(from ?? 'first-primary')
  // A session started from a bookmark that has run no query yet is still at that bookmark.
  return { main, primary: from ? db.withSession('first-primary') : main, bookmark: () => main.getBookmark() ?? from }
}
