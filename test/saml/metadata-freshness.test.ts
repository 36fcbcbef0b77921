import { describe, expect, it } from 'vitest'
import { parseIdpMetadata } from '../../src/saml/metadata'
import { parseXsDateTime, parseXsDuration } from '../../src/saml/xs-duration'
import aggregate from '../fixtures/metadata/federation-aggregate.xml?raw'
import google from '../fixtures/metadata/google-validuntil-split-cert.xml?raw'
import { idpMetadataXml } from '../helpers/keys'

const freshness = (xml: string) => {
  const r = parseIdpMetadata(xml)
  if (!r.ok) throw new Error(JSON.stringify(r.failure))
  return { validUntil: r.value.validUntil, cacheDurationMs: r.value.cacheDurationMs }
}

/** The same document with attributes added to its EntityDescriptor and IDPSSODescriptor. */
const withAttributes = (entity: string, role = '') =>
  idpMetadataXml().replace('<md:EntityDescriptor ', `<md:EntityDescriptor ${entity} `).replace('<md:IDPSSODescriptor ', `<md:IDPSSODescriptor ${role} `)

describe('metadata freshness hints (validUntil, cacheDuration)', () => {
  it('reads them from an aggregate root and from a real IdP document', () => {
    expect(freshness(aggregate)).toEqual({ validUntil: Date.UTC(2014, 10, 6, 10, 45, 3), cacheDurationMs: 15 * 60_000 })
    expect(freshness(google).validUntil).toBe(parseXsDateTime(google.match(/validUntil="([^"]+)"/)?.[1]))
    expect(freshness(google).validUntil).not.toBeNull()
  })

  it('is null for both when the document gives none', () => {
    expect(freshness(idpMetadataXml())).toEqual({ validUntil: null, cacheDurationMs: null })
  })

  it('takes the earliest validUntil and shortest cacheDuration between the entity and its IdP role', () => {
    const xml = withAttributes('validUntil="2031-01-01T00:00:00Z" cacheDuration="P1D"', 'validUntil="2030-06-01T00:00:00Z" cacheDuration="PT6H"')
    expect(freshness(xml)).toEqual({ validUntil: Date.UTC(2030, 5, 1), cacheDurationMs: 6 * 3_600_000 })
  })

  it('ignores values that are not xs:dateTime or xs:duration, without refusing the document', () => {
    expect(freshness(withAttributes('validUntil="tomorrow" cacheDuration="6 hours"'))).toEqual({ validUntil: null, cacheDurationMs: null })
  })
})

describe('xs:duration and xs:dateTime', () => {
  it('reads durations', () => {
    expect(parseXsDuration('PT15M')).toBe(15 * 60_000)
    expect(parseXsDuration('P1DT2H')).toBe(26 * 3_600_000)
    expect(parseXsDuration('PT0.5S')).toBe(500)
    expect(parseXsDuration('P1Y')).toBe(365 * 86_400_000)
    expect(parseXsDuration(' PT1H ')).toBe(3_600_000)
    for (const bad of ['P', 'PT', 'P1DT', '-PT1H', '1H', 'PT1.5M', undefined]) expect(parseXsDuration(bad), String(bad)).toBeNull()
  })

  it('reads date-times with and without a zone', () => {
    expect(parseXsDateTime('2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1))
    expect(parseXsDateTime('2030-01-01T02:00:00+02:00')).toBe(Date.UTC(2030, 0, 1))
    expect(parseXsDateTime('2030-01-01T00:00:00')).toBe(Date.UTC(2030, 0, 1))
    expect(parseXsDateTime('2030-01-01')).toBeNull()
    expect(parseXsDateTime('2030-13-45T99:00:00Z')).toBeNull()
  })
})
