import { describe, expect, it } from 'vitest'
import { verifySamlResponse, type SamlResponseConfig } from '../../src/saml'
import conformance from '../fixtures/saml/conformance/cases.json'

// Responses in the shapes real IdPs send (Entra ID, Google, JumpCloud, Keycloak, Okta, PingOne,
// Auth0, AD FS, OneLogin, Oracle Access Manager, PingFederate, Okta's test tool), written with our
// own names and keys and signed by xml-crypto or xmlsec1: scripts/make-conformance-fixtures.mjs,
// from the captured set in ../shared/reference/idp-responses, whose verdict each mirrored case keeps
// (`reference`). Each is read as its connection and clock say, and must give the expected outcome.

interface ConformanceCase {
  id: string
  file: string
  about: string
  certificate: string
  connection: { idpEntityId: string; audience: string; acsUrl: string; inResponseTo: string | null; allowSha1: boolean }
  validAt: string
  reference?: { case: string; shouldVerify: boolean }
  departs?: string
  expected: { refused: string } | { nameId: string; email: string | null; emailFrom?: string }
}

const cases = conformance.cases as ConformanceCase[]
const dir = '../fixtures/saml/conformance/'
const files = import.meta.glob<string>('../fixtures/saml/conformance/*.xml', { query: '?raw', import: 'default', eager: true })
const certificates = import.meta.glob<string>('../fixtures/saml/conformance/*.cert.pem', { query: '?raw', import: 'default', eager: true })

function fixture(table: Record<string, string>, name: string): string {
  const text = table[dir + name]
  if (text === undefined) throw new Error(`no fixture ${name}`)
  return text
}

/** The form value as the IdP posts it: base64 of the file's bytes (latin-1 text: the files are ASCII). */
const formValue = (text: string) => btoa(text)

function configOf(c: ConformanceCase): SamlResponseConfig {
  return {
    idpEntityId: c.connection.idpEntityId,
    certificates: [fixture(certificates, c.certificate).replace(/-----[A-Z ]+-----|\s/g, '')],
    spEntityId: c.connection.audience,
    acsUrl: c.connection.acsUrl,
    allowSha1: c.connection.allowSha1,
    expectedInResponseTo: c.connection.inResponseTo,
    allowIdpInitiated: c.connection.inResponseTo === null,
  }
}

const read = (c: ConformanceCase) => verifySamlResponse({ samlResponseBase64: formValue(fixture(files, c.file)) }, configOf(c), Date.parse(c.validAt))
const accepted = cases.filter((c) => !('refused' in c.expected))
const refused = cases.filter((c) => 'refused' in c.expected)

describe('conformance: the shapes of real IdP responses', () => {
  it('has a file for every case and a case for every file', () => {
    const named = new Set(cases.map((c) => c.file))
    expect(Object.keys(files).map((p) => p.slice(dir.length)).sort()).toEqual([...named].sort())
    expect(cases.length).toBeGreaterThanOrEqual(21)
  })

  it('keeps the reference verdict of every case it mirrors, and says why where it departs', () => {
    for (const c of cases) {
      if (c.departs) continue
      expect(c.reference, c.id).toBeDefined()
      expect(!('refused' in c.expected), c.id).toBe(c.reference?.shouldVerify)
    }
  })

  it.each(accepted.map((c) => [c.id, c] as const))('accepts %s', async (_id, c) => {
    const result = await read(c)
    if (!result.ok) expect.fail(`${c.id} refused: ${JSON.stringify(result.failure)}`)
    const expected = c.expected as { nameId: string; email: string | null; emailFrom?: string }
    expect(result.value.nameId).toBe(expected.nameId)
    const { attributes, nameId } = result.value
    if (expected.email === null) {
      // Nothing a user would take for an email: the sign-in has none to offer.
      expect([nameId, ...Object.values(attributes).flat()].filter((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))).toEqual([])
    } else if (expected.emailFrom === 'NameID') expect(nameId).toBe(expected.email)
    else expect(attributes[expected.emailFrom ?? '']).toContain(expected.email)
  })

  it.each(refused.map((c) => [c.id, c] as const))('refuses %s', async (_id, c) => {
    const result = await read(c)
    expect(result.ok ? 'accepted' : result.failure.reason).toBe((c.expected as { refused: string }).refused)
  })
})
