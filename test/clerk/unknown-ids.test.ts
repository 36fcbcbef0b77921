/**
 * Clerk's published spec declares only 404 for get and delete of a SAML connection, and its SDKs
 * raise their generic error for anything else: an id that names no connection is 404
 * `resource_not_found` whatever its length or shape, and nothing is written.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { snapshotInstance } from '../helpers/store'

const IDS: [string, string][] = [
  ['longer than the old 128-character limit', `samlc_${'A'.repeat(200)}`],
  ['of 4,000 characters', 'x'.repeat(4_000)],
  ['one character short of a real id', 'samlc_2P17P4pXsx8MmunM1pkeYeimDD'],
  ['with another prefix', 'st_saml_2b5c1a9e-6d1f-4a4e-9d1f-0e2f5b3c7a10'],
  ['of percent-encoded punctuation', encodeURIComponent('samlc_"; DROP TABLE saml_connections; --')],
  ['of non-ASCII letters', encodeURIComponent('samlc_ünïcödé😀')],
]

let api: ReturnType<typeof clerkClient>
let instanceId: string
beforeAll(async () => {
  const created = await newInstance()
  instanceId = created.instanceId
  api = clerkClient(created.secretKey)
  expect((await api.create(connectionInput())).status).toBe(200)
})

describe('GET, PATCH and DELETE /v1/saml_connections/{id} with an id that names no connection', () => {
  for (const [what, id] of IDS) {
    it(`answer 404 resource_not_found for an id ${what}, and write nothing`, async () => {
      const before = await snapshotInstance(instanceId)
      for (const res of [await api.get(id), await api.update(id, { name: 'renamed' }), await api.remove(id)]) {
        expect(res.status).toBe(404)
        expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(['resource_not_found'])
      }
      expect(await snapshotInstance(instanceId)).toEqual(before)
    })
  }
})
