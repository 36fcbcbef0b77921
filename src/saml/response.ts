import { base64ToBytes } from './certificate'
import {
  checkAudience,
  checkBearerConfirmation,
  checkDestination,
  checkIssuer,
  checkTimeWindow,
  samlChild,
  samlChildren,
} from './conditions'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { CLOCK_SKEW_MS, MAX_SAML_RESPONSE_BYTES } from './limits'
import type { SamlResponseConfig } from './response-config'
import { findDuplicateId } from './signature'
import { locateAssertion, readSignedView } from './signed-assertion'
import { attributeValue, childElements, parseXmlTree, textContent, type XmlElementNode } from './xml-tree'

export type { SamlResponseConfig }

export const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'
const MAX_BASE64_CHARS = Math.ceil(MAX_SAML_RESPONSE_BYTES / 3) * 4

/** What the IdP POSTed to the ACS, still encoded (the `SAMLResponse` form field). */
export interface SamlResponseInput {
  samlResponseBase64: string
  /**
   * The same form value as `parseSamlResponse` already read it (to route it), so it is not decoded
   * and parsed again. Used only when it was read from exactly `samlResponseBase64`.
   */
  parsed?: ParsedSamlResponse
}

/** A SAMLResponse form value, decoded and parsed (no DTD, no entities, bounded size and depth), nothing checked yet. */
export interface ParsedSamlResponse {
  readonly encoded: string
  readonly root: XmlElementNode
}

/** The facts of a verified assertion, all read from signed bytes. */
export interface VerifiedAssertion {
  assertionId: string
  issuer: string
  nameId: string
  nameIdFormat: string | null
  sessionIndex: string | null
  inResponseTo: string | null
  /**
   * Epoch ms from which this engine refuses the assertion: the earlier NotOnOrAfter plus the clock
   * skew. Keep `assertionId` in the replay store at least until then.
   */
  notOnOrAfter: number
  /** Attribute Name -> every AttributeValue text, in document order. */
  attributes: Record<string, string[]>
}

/**
 * Verifies a SAML 2.0 Response posted to the ACS (SAML Profiles §4.1.4) and returns the assertion it
 * carries. Pure: no storage, so the caller still has to reserve `assertionId` against replay.
 * Never throws; every refusal is a `SamlFailure` whose `reason` names the check that failed.
 */
export async function verifySamlResponse(
  input: SamlResponseInput,
  config: SamlResponseConfig,
  now: number,
): Promise<Result<VerifiedAssertion, SamlFailure>> {
  try {
    return await runPipeline(input, config, now)
  } catch (e) {
    // Only a bug gets here; the reason says so, so it is not mistaken for a hostile input in the logs.
    return fail({ reason: 'internal_error', detail: e instanceof Error ? e.message : String(e) })
  }
}

async function runPipeline(
  input: SamlResponseInput,
  config: SamlResponseConfig,
  now: number,
): Promise<Result<VerifiedAssertion, SamlFailure>> {
  const skewMs = config.clockSkewMs ?? CLOCK_SKEW_MS

  // 1 and 2. Size limit and base64 decode, then the parse, unless the caller already made both.
  const given = input.parsed
  const parsed = given && given.encoded === input.samlResponseBase64 ? ok(given) : parseSamlResponse(input.samlResponseBase64)
  if (!parsed.ok) return parsed
  const root = parsed.value.root

  // 3. The envelope: a SAML 2.0 Response, every ID unique, status Success.
  const envelope = checkEnvelope(root)
  if (!envelope.ok) return envelope

  // 4. Exactly one Assertion or EncryptedAssertion, directly inside the Response.
  const located = locateAssertion(root, config.requireEncryptedAssertions ?? false)
  if (!located.ok) return located

  // 5. Signatures on the Response and/or the (decrypted) Assertion; from here on only signed bytes are read.
  const signed = await readSignedView(root, located.value, config, now)
  if (!signed.ok) return signed
  const { response, assertion } = signed.value

  // 6. Issuer, audience, destination.
  const responseIssuer = checkIssuer(response, config.idpEntityId, false)
  if (!responseIssuer.ok) return responseIssuer
  const issuer = checkIssuer(assertion, config.idpEntityId, true)
  if (!issuer.ok) return issuer
  const conditionsList = samlChildren(assertion, 'Conditions')
  if (conditionsList.length > 1) return fail({ reason: 'malformed_response', detail: 'more than one Conditions' })
  const conditions = conditionsList[0]
  const audience = checkAudience(conditions, config.spEntityId)
  if (!audience.ok) return audience
  const destination = checkDestination(response, config.acsUrl)
  if (!destination.ok) return destination

  // 7. InResponseTo policy, then the bearer confirmation: recipient, its time window, InResponseTo.
  const expected = config.expectedInResponseTo
  if (expected === null && !config.allowIdpInitiated) return fail({ reason: 'unsolicited_not_allowed' })
  const responseInResponseTo = attributeValue(response, 'InResponseTo') ?? null
  if (responseInResponseTo !== null && responseInResponseTo !== expected) {
    return fail({ reason: 'in_response_to_mismatch', expected, got: responseInResponseTo })
  }
  const subjects = samlChildren(assertion, 'Subject')
  const subject = subjects[0]
  if (subjects.length !== 1 || !subject) return fail({ reason: 'subject_confirmation_invalid', detail: 'Subject' })
  const bearer = checkBearerConfirmation(subject, { acsUrl: config.acsUrl, inResponseTo: expected, now, skewMs })
  if (!bearer.ok) return bearer

  // 8. Conditions time window.
  const window = conditions ? checkTimeWindow(conditions, now, skewMs) : ok(null)
  if (!window.ok) return window

  // 9. Who signed in, and what the IdP says about them.
  const nameIds = samlChildren(subject, 'NameID')
  const nameId = nameIds.length === 1 && nameIds[0] ? textContent(nameIds[0]).trim() : ''
  if (!nameId || !nameIds[0]) return fail({ reason: 'name_id_missing' })
  const authn = samlChild(assertion, 'AuthnStatement')
  if (!authn) return fail({ reason: 'authn_statement_missing' })

  return ok({
    assertionId: attributeValue(assertion, 'ID') ?? '',
    issuer: issuer.value ?? config.idpEntityId,
    nameId,
    nameIdFormat: attributeValue(nameIds[0], 'Format') ?? null,
    sessionIndex: attributeValue(authn, 'SessionIndex') ?? null,
    inResponseTo: expected,
    notOnOrAfter: Math.min(bearer.value, window.value ?? Number.POSITIVE_INFINITY) + skewMs,
    attributes: readAttributes(assertion),
  })
}

/**
 * Steps 1 and 2 of the pipeline: the size limit and base64 decode before any parsing, then the
 * parse (no DTD, no entities, bounded depth, whitespace kept for canonicalization).
 */
export function parseSamlResponse(encoded: string): Result<ParsedSamlResponse, SamlFailure> {
  const xml = decodeSamlResponse(encoded)
  if (!xml.ok) return xml
  const root = parseXmlTree(xml.value, MAX_SAML_RESPONSE_BYTES)
  return root.ok ? ok({ encoded, root: root.value }) : root
}

/** Base64 (line breaks allowed) to UTF-8 text, refusing oversize input before decoding it. */
export function decodeSamlResponse(encoded: string): Result<string, SamlFailure> {
  if (typeof encoded !== 'string' || encoded.length > 2 * MAX_BASE64_CHARS) {
    return fail({ reason: 'too_large', limit: MAX_SAML_RESPONSE_BYTES })
  }
  const compact = encoded.replace(/[\t\n\r ]/g, '')
  if (compact.length > MAX_BASE64_CHARS) return fail({ reason: 'too_large', limit: MAX_SAML_RESPONSE_BYTES })
  const bytes = base64ToBytes(compact)
  if (!bytes) return fail({ reason: 'invalid_base64' })
  if (bytes.byteLength === 0) return fail({ reason: 'not_xml', detail: 'empty' })
  try {
    return ok(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes))
  } catch {
    return fail({ reason: 'not_xml', detail: 'not UTF-8' })
  }
}

function checkEnvelope(root: XmlElementNode): Result<true, SamlFailure> {
  if (root.namespaceUri !== SAML_PROTOCOL_NS || root.localName !== 'Response') {
    return fail({ reason: 'not_saml_response', got: `{${root.namespaceUri}}${root.localName}` })
  }
  if (attributeValue(root, 'Version') !== '2.0') return fail({ reason: 'malformed_response', detail: 'Version' })
  if (!attributeValue(root, 'ID')) return fail({ reason: 'malformed_response', detail: 'Response ID' })
  const duplicate = findDuplicateId(root)
  if (duplicate !== null) return fail({ reason: 'duplicate_id', id: duplicate })
  const status = childElements(root, SAML_PROTOCOL_NS, 'Status')[0]
  const code = status && childElements(status, SAML_PROTOCOL_NS, 'StatusCode')[0]
  const value = (code && attributeValue(code, 'Value')) ?? null
  return value === STATUS_SUCCESS ? ok(true) : fail({ reason: 'status_not_success', status: value })
}

function readAttributes(assertion: XmlElementNode): Record<string, string[]> {
  const out = new Map<string, string[]>()
  for (const statement of samlChildren(assertion, 'AttributeStatement')) {
    for (const attribute of samlChildren(statement, 'Attribute')) {
      const name = attributeValue(attribute, 'Name')
      if (!name) continue
      const values = samlChildren(attribute, 'AttributeValue').map(textContent)
      out.set(name, [...(out.get(name) ?? []), ...values])
    }
  }
  return Object.fromEntries(out)
}
