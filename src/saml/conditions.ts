import { fail, ok, type Result, type SamlFailure } from './failures'
import { attributeValue, childElements, textContent, type XmlElementNode } from './xml-tree'

/**
 * The checks that bind a verified assertion to this SP, this moment and this request
 * (SAML Core §2.5, SAML Profiles §4.1.4.2–3). Each takes already-signed elements and returns a Result.
 */

export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity'

export const samlChildren = (el: XmlElementNode | undefined, localName: string): XmlElementNode[] =>
  el ? childElements(el, SAML_ASSERTION_NS, localName) : []
export const samlChild = (el: XmlElementNode | undefined, localName: string): XmlElementNode | undefined =>
  samlChildren(el, localName)[0]

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** An xs:dateTime attribute as epoch ms; undefined when absent, null when present but not a time. */
export function parseInstant(el: XmlElementNode, name: string): number | null | undefined {
  const raw = attributeValue(el, name)
  if (raw === undefined) return undefined
  const value = raw.trim()
  if (!DATE_TIME.test(value)) return null
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : null
}

/**
 * Checks NotBefore / NotOnOrAfter on `el` (Conditions or SubjectConfirmationData) against `now`,
 * allowing `skewMs` of clock difference either way. Returns the NotOnOrAfter, if any.
 */
export function checkTimeWindow(el: XmlElementNode, now: number, skewMs: number): Result<number | null, SamlFailure> {
  const notBefore = parseInstant(el, 'NotBefore')
  const notOnOrAfter = parseInstant(el, 'NotOnOrAfter')
  if (notBefore === null || notOnOrAfter === null) {
    return fail({ reason: 'malformed_response', detail: `bad time on ${el.localName}` })
  }
  if (notBefore !== undefined && now + skewMs < notBefore) return fail({ reason: 'not_yet_valid', notBefore, now })
  if (notOnOrAfter !== undefined && now - skewMs >= notOnOrAfter) return fail({ reason: 'expired', notOnOrAfter, now })
  return ok(notOnOrAfter ?? null)
}

/** The Issuer must be the configured IdP entity id; `required` is false only for the Response's own Issuer. */
export function checkIssuer(parent: XmlElementNode, expected: string, required: boolean): Result<string | null, SamlFailure> {
  const issuers = samlChildren(parent, 'Issuer')
  if (issuers.length === 0 && !required) return ok(null)
  // SAML Profiles §4.1.4.2: the Format is omitted or the entity format; anything else names no IdP.
  const format = issuers[0] && attributeValue(issuers[0], 'Format')
  if (format !== undefined && format !== ENTITY_FORMAT) return fail({ reason: 'issuer_format_invalid', format })
  const got = issuers.length === 1 && issuers[0] ? textContent(issuers[0]).trim() : null
  return got === expected ? ok(got) : fail({ reason: 'issuer_mismatch', expected, got })
}

/**
 * Every AudienceRestriction must name this SP (SAML Core §2.5.1.4: each restriction must be met);
 * the Web SSO profile requires at least one, so an assertion without any is refused.
 */
export function checkAudience(conditions: XmlElementNode | undefined, spEntityId: string): Result<true, SamlFailure> {
  const restrictions = samlChildren(conditions, 'AudienceRestriction')
  const audiences = restrictions.map((r) => samlChildren(r, 'Audience').map((a) => textContent(a).trim()))
  if (audiences.length > 0 && audiences.every((list) => list.includes(spEntityId))) return ok(true)
  return fail({ reason: 'audience_mismatch', expected: spEntityId, got: audiences.flat() })
}

/** Destination is optional on the Response, but when present it must be our ACS URL (SAML Core §3.2.2). */
export function checkDestination(response: XmlElementNode, acsUrl: string): Result<true, SamlFailure> {
  const got = attributeValue(response, 'Destination')
  return got === undefined || got === acsUrl ? ok(true) : fail({ reason: 'destination_mismatch', expected: acsUrl, got })
}

export interface BearerExpectations {
  acsUrl: string
  /** The AuthnRequest ID we sent, or null for an IdP-initiated response. */
  inResponseTo: string | null
  now: number
  skewMs: number
}

function checkOneBearer(confirmation: XmlElementNode, expect: BearerExpectations): Result<number, SamlFailure> {
  const data = samlChildren(confirmation, 'SubjectConfirmationData')
  const scd = data[0]
  if (data.length !== 1 || !scd) return fail({ reason: 'subject_confirmation_invalid', detail: 'SubjectConfirmationData' })
  const recipient = attributeValue(scd, 'Recipient') ?? null
  if (recipient !== expect.acsUrl) return fail({ reason: 'recipient_mismatch', expected: expect.acsUrl, got: recipient })
  const window = checkTimeWindow(scd, expect.now, expect.skewMs)
  if (!window.ok) return window
  if (window.value === null) return fail({ reason: 'subject_confirmation_invalid', detail: 'no NotOnOrAfter' })
  const got = attributeValue(scd, 'InResponseTo') ?? null
  if (got !== expect.inResponseTo) return fail({ reason: 'in_response_to_mismatch', expected: expect.inResponseTo, got })
  return ok(window.value)
}

/**
 * Finds a bearer SubjectConfirmation whose data names our ACS URL, is in its time window and answers
 * our request (SAML Profiles §4.1.4.2). Returns its NotOnOrAfter; when none passes, the first one's failure.
 */
export function checkBearerConfirmation(subject: XmlElementNode, expect: BearerExpectations): Result<number, SamlFailure> {
  const bearers = samlChildren(subject, 'SubjectConfirmation').filter((c) => attributeValue(c, 'Method') === BEARER)
  let first: Result<number, SamlFailure> | null = null
  for (const bearer of bearers) {
    const result = checkOneBearer(bearer, expect)
    if (result.ok) return result
    first ??= result
  }
  return first ?? fail({ reason: 'subject_confirmation_invalid', detail: 'no bearer SubjectConfirmation' })
}
