import { SamlConnectionSchema, type SamlConnection } from '../../domain/saml-connection'
import type { EdgeCopy } from '../types'
import { kvKeys } from './keys'

const VERSION = 1

export function kvEdgeCopy(kv: KVNamespace): EdgeCopy {
  return {
    async put(c) {
      await kv.put(kvKeys.connection(c.id), JSON.stringify({ v: VERSION, connection: c }))
    },
    async remove(id) {
      await kv.delete(kvKeys.connection(id))
    },
    async get(id) {
      const raw = await kv.get<{ v: number; connection: unknown }>(kvKeys.connection(id), 'json')
      if (!raw || raw.v !== VERSION) return null
      const parsed = SamlConnectionSchema.safeParse(raw.connection)
      return parsed.success ? parsed.data : null
    },
  }
}
