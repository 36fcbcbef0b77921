/**
 * A bounded map for per-isolate caches: at most `capacity` entries, the least recently used one
 * forgotten first. Keys are content (certificate bytes), never a connection id, so a rotated
 * certificate is a new key and is seen at once.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>()

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) return undefined
    // A Map iterates in insertion order: re-inserting makes this the most recently used.
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }

  set(key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
  }
}
