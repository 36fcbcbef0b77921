import { beforeEach, describe, expect, it } from 'vitest'
import expected from '../fixtures/metadata/expected.json'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'

// The project's own fixtures in the shapes real IdPs publish (scripts/make-metadata-fixtures.mjs),
// pasted as idp_metadata through the Clerk-style API.
const files = import.meta.glob('../fixtures/metadata/*.xml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>
const certs = import.meta.glob('../fixtures/keys/*.cert.pem', { query: '?raw', import: 'default', eager: true }) as Record<string, string>
const bare = (name: string) => (certs[`../fixtures/keys/${name}`] ?? '').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')

let api: ReturnType<typeof clerkClient>
beforeEach(async () => {
  api = clerkClient((await newInstance()).secretKey)
})

describe('idp_metadata in real-world shapes', () => {
  for (const shape of expected.valid) {
    it(`reads ${shape.file}`, async () => {
      const xml = files[`../fixtures/metadata/${shape.file}`]
      expect(xml).toBeTypeOf('string')
      const res = await api.create(connectionInput({ idp_metadata: xml }))
      expect(res.status).toBe(200)
      expect(res.body.idp_entity_id).toBe(shape.entityId)
      expect(res.body.idp_sso_url).toBe(shape.ssoUrl)
      expect(res.body.idp_certificates.map((c: { certificate: string }) => c.certificate)).toEqual(shape.certificates.map(bare))
    })
  }
})
