import { describe, expect, it } from 'vitest'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { bare } from '../helpers/idp-metadata'
import { idpCertPem, rolloverCertPem } from '../helpers/keys'
import { APP_CALLBACK, postToAcs, signedResponseXmlFor } from '../helpers/sso'
import { toBase64, type KeyName } from '../helpers/test-idp'
import { documentName, documentStats, documentUrl, eventsOf, makeDue, metadataFor, publish, runCron } from './lifecycle.helpers'

const clerk = freshInstanceEachTest()

/** An active connection whose IdP publishes its metadata at a URL, signing with the test IdP's key. */
async function rollingConnection() {
  const name = documentName('rollover')
  const entityId = `https://idp.example.com/${name}`
  await publish(name, metadataFor(entityId, [idpCertPem]))
  const res = await clerk.api.create(connectionInput({ idp_metadata_url: documentUrl(name), active: true, allow_idp_initiated: true, redirect_uris: [APP_CALLBACK] }))
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  const connection = res.body as { id: string; sp_entity_id: string; acs_url: string; domain: string }
  /** An IdP-initiated sign-in signed with `key`; the answer's status, and the code it carries. */
  const signInWith = async (key: KeyName) => {
    const res = await postToAcs(connection.id, toBase64(signedResponseXmlFor(connection, entityId, null, { signing: { key } })))
    return { status: res.status, code: new URL(res.headers.get('location') ?? 'http://x').searchParams.get('code') }
  }
  return { name, entityId, id: connection.id, signInWith }
}

const certificatesOf = async (id: string) => ((await clerk.api.get(id)).body.idp_certificates as { certificate: string }[]).map((c) => c.certificate)

describe('certificate rollover at the IdP', () => {
  it('the first sign-in with a new key succeeds by refreshing the metadata; after the old key is dropped it is refused', async () => {
    const { name, entityId, id, signInWith } = await rollingConnection()
    expect((await signInWith('idp')).status).toBe(302)
    const fetchesBefore = (await documentStats(name)).fetches

    // The IdP publishes a second certificate and starts signing with it.
    await publish(name, metadataFor(entityId, [idpCertPem, rolloverCertPem]))
    const first = await signInWith('idp-rollover')
    expect(first.status).toBe(302)
    expect(first.code).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect((await documentStats(name)).fetches).toBe(fetchesBefore + 1)
    expect(await certificatesOf(id)).toEqual([bare(idpCertPem), bare(rolloverCertPem)])
    expect((await eventsOf(id, 'saml_connection.certificates_rotated')).map((e) => e.data.trigger)).toEqual(['on_demand'])
    expect((await signInWith('idp-rollover')).status).toBe(302)

    // The IdP drops the old certificate; the scheduled refresh follows.
    await publish(name, metadataFor(entityId, [rolloverCertPem]))
    await makeDue(id)
    await runCron()
    expect(await certificatesOf(id)).toEqual([bare(rolloverCertPem)])
    const fetchesAfterCron = (await documentStats(name)).fetches
    expect((await signInWith('idp')).status).toBe(400)
    expect((await signInWith('idp-rollover')).status).toBe(302)
    // The refused old key asked for no refresh: the last one was within 5 minutes.
    expect((await documentStats(name)).fetches).toBe(fetchesAfterCron)
  })

  it('a key the IdP does not publish is refused, and refetches at most once per 5 minutes', async () => {
    const { name, signInWith } = await rollingConnection()
    const before = (await documentStats(name)).fetches
    for (let i = 0; i < 3; i++) expect((await signInWith('attacker')).status).toBe(400)
    expect((await documentStats(name)).fetches).toBe(before + 1)
  })

  it('concurrent sign-ins with a new key make one fetch between them', async () => {
    const { name, entityId, signInWith } = await rollingConnection()
    await publish(name, metadataFor(entityId, [rolloverCertPem]))
    const before = (await documentStats(name)).fetches
    const answers = await Promise.all(Array.from({ length: 4 }, () => signInWith('idp-rollover')))
    expect((await documentStats(name)).fetches).toBe(before + 1)
    expect(answers.some((a) => a.status === 302)).toBe(true)
  })

  it('a connection without a metadata URL is refused as before, with nothing fetched', async () => {
    const { name, entityId, id, signInWith } = await rollingConnection()
    await clerk.api.update(id, { idp_metadata_url: null })
    await publish(name, metadataFor(entityId, [rolloverCertPem]))
    const before = (await documentStats(name)).fetches
    expect((await signInWith('idp-rollover')).status).toBe(400)
    expect((await documentStats(name)).fetches).toBe(before)
  })
})
