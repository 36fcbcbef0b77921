import { describe, expect, it } from 'vitest'
import { parseIdpMetadata, type IdpMetadata } from '../../src/saml/metadata'
import expected from '../fixtures/metadata/expected.json'
import entraBom from '../fixtures/metadata/entra-id-signed-bom.xml?raw'
import okta from '../fixtures/metadata/okta-shape.xml?raw'
import { idpMetadataXml } from '../helpers/keys'

// Fixtures come from scripts/make-metadata-fixtures.mjs; `?raw` hands each file over as a string, byte order mark included.
const fixtures = import.meta.glob<string>('../fixtures/metadata/*.xml', { query: '?raw', import: 'default', eager: true })
const certPems = import.meta.glob<string>('../fixtures/keys/*.cert.pem', { query: '?raw', import: 'default', eager: true })

const fixture = (file: string): string => {
  const text = fixtures[`../fixtures/metadata/${file}`]
  if (text === undefined) throw new Error(`no fixture ${file}`)
  return text
}

/** What the parser must return for a certificate file: its base64 DER body and the validity OpenSSL read from it. */
function expectedCertificate(file: string) {
  const pem = certPems[`../fixtures/keys/${file}`]
  const dates = (expected.certificates as Record<string, { issuedAt: number; expiresAt: number }>)[file]
  if (pem === undefined || dates === undefined) throw new Error(`no certificate ${file}`)
  return { certificate: pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), ...dates }
}

function parsed(xml: string): IdpMetadata {
  const result = parseIdpMetadata(xml)
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.failure)}`)
  return result.value
}

describe('parseIdpMetadata on real-world shapes', () => {
  it('has one expected.json entry per fixture file, and a fixture for every entry', () => {
    const files = Object.keys(fixtures).map((p) => p.replace('../fixtures/metadata/', ''))
    expect(files.sort()).toEqual(expected.valid.map((v) => v.file).sort())
  })

  it.each(expected.valid)('$file', ({ file, entityId, ssoUrl, ssoBinding, certificates }) => {
    // The freshness hints have their own tests (test/saml/metadata-freshness.test.ts).
    const { validUntil: _v, cacheDurationMs: _c, ...identity } = parsed(fixture(file))
    expect(identity).toEqual({ entityId, ssoUrl, ssoBinding, certificates: certificates.map(expectedCertificate) })
  })
})

describe('parseIdpMetadata details', () => {
  it('receives the byte order mark through ?raw, so the BOM fixture tests what it says', () => {
    expect(entraBom.charCodeAt(0)).toBe(0xfeff)
    expect(parsed(entraBom).entityId).toBe('https://sts.windows.example.net/55555555-6666-7777-8888-999999999999/')
  })

  it('accepts blank lines pasted before the XML declaration', () => {
    expect(parsed(`\n\n   ${okta}`)).toEqual(parsed(okta))
  })

  it('reads a document with CRLF line endings the same as with LF', () => {
    const lf = fixture('shibboleth-scope-comments.xml')
    expect(parsed(lf.replace(/\n/g, '\r\n'))).toEqual(parsed(lf))
  })

  it('returns an expired certificate with its real dates rather than refusing the metadata', () => {
    const { certificates } = parsed(fixture('onelogin-default-ns.xml'))
    expect(certificates).toEqual([{ certificate: expect.any(String), issuedAt: Date.UTC(2019, 0, 1), expiresAt: Date.UTC(2019, 11, 31) }])
  })

  it('ignores validUntil in the past', () => {
    expect(fixture('federation-aggregate.xml')).toContain('validUntil="2014-11-06T10:45:03Z"')
    expect(parseIdpMetadata(fixture('federation-aggregate.xml')).ok).toBe(true)
  })

  it('lists a certificate once when two signing KeyDescriptors carry it', () => {
    const idp = expectedCertificate('idp.cert.pem')
    const pem = certPems['../fixtures/keys/idp.cert.pem'] ?? ''
    expect(parsed(idpMetadataXml({ certs: [pem, pem] })).certificates).toEqual([idp])
  })

  it('keeps document order for several signing certificates (primary first, rollover second)', () => {
    const [rollover, idp] = ['idp-rollover.cert.pem', 'idp.cert.pem'].map((f) => certPems[`../fixtures/keys/${f}`] ?? '')
    const { certificates } = parsed(idpMetadataXml({ certs: [rollover!, idp!] }))
    expect(certificates.map((c) => c.certificate)).toEqual([expectedCertificate('idp-rollover.cert.pem').certificate, expectedCertificate('idp.cert.pem').certificate])
  })

  it('prefers HTTP-Redirect even when HTTP-POST comes first', () => {
    expect(parsed(idpMetadataXml({ ssoUrl: 'https://idp.example.com/sso' }))).toMatchObject({ ssoUrl: 'https://idp.example.com/sso', ssoBinding: 'redirect' })
  })

  it('trims whitespace around entityID and Location', () => {
    const xml = idpMetadataXml({ entityId: '  https://idp.example.com/metadata\n', ssoUrl: ' https://idp.example.com/sso ' })
    expect(parsed(xml)).toMatchObject({ entityId: 'https://idp.example.com/metadata', ssoUrl: 'https://idp.example.com/sso' })
  })
})
