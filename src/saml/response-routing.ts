import { SAML_ASSERTION_NS } from './conditions'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { parseSamlResponse, SAML_PROTOCOL_NS, type ParsedSamlResponse } from './response'
import { attributeValue, childElements, descendantElements, textContent, type XmlElementNode } from './xml-tree'

/** What a Response says about where it comes from and goes to, read before anything is verified. */
export interface UnverifiedResponse {
  /** The Response's Issuer, else its Assertion's. */
  issuer: string | null
  /**
   * Every SubjectConfirmationData Recipient, in document order, without repeats; for an encrypted
   * Assertion, whose Recipient cannot be read yet, the Response's Destination.
   */
  recipients: string[]
  /** The parsed document, for `verifySamlResponse` (as `parsed`) to verify without parsing it again. */
  parsed: ParsedSamlResponse
}

/**
 * Decodes and parses a SAMLResponse (no DTD, no entities, bounded size and depth) just far enough
 * to route it. Nothing read here is trusted: it only chooses which connection's certificates and
 * which ACS URL the full verification (`verifySamlResponse`) then insists on.
 */
export function readResponseRouting(samlResponse: string): Result<UnverifiedResponse, SamlFailure> {
  const parsed = parseSamlResponse(samlResponse)
  if (!parsed.ok) return parsed
  const root = parsed.value.root
  if (root.namespaceUri !== SAML_PROTOCOL_NS || root.localName !== 'Response') return fail({ reason: 'not_saml_response', got: root.localName })

  const issuerOf = (el: XmlElementNode) => {
    const found = childElements(el, SAML_ASSERTION_NS, 'Issuer')[0]
    return found ? textContent(found).trim() || null : null
  }
  const assertion = childElements(root, SAML_ASSERTION_NS, 'Assertion')[0]
  const recipients = new Set<string>()
  for (const el of descendantElements(root)) {
    if (el.namespaceUri !== SAML_ASSERTION_NS || el.localName !== 'SubjectConfirmationData') continue
    const recipient = attributeValue(el, 'Recipient')
    if (recipient && recipients.size < 10) recipients.add(recipient)
  }
  const destination = attributeValue(root, 'Destination')
  const encrypted = childElements(root, SAML_ASSERTION_NS, 'EncryptedAssertion').length > 0
  if (recipients.size === 0 && encrypted && destination) recipients.add(destination)
  return ok({ issuer: issuerOf(root) ?? (assertion ? issuerOf(assertion) : null), recipients: [...recipients], parsed: parsed.value })
}
