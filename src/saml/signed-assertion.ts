import { SAML_ASSERTION_NS } from './conditions'
import { decryptAssertion } from './decrypt'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { CLOCK_SKEW_MS } from './limits'
import type { SamlResponseConfig } from './response-config'
import {
  findDuplicateId,
  parseVerificationCertificates,
  signatureChildren,
  verifyEnvelopedSignature,
  type SignatureOptions,
} from './signature'
import { attributeValue, childElements, descendantElements, type XmlElementNode } from './xml-tree'

/**
 * Steps 4 and 5 of the ACS pipeline: the one assertion of a Response, plain or encrypted, and the
 * signatures that make it trustworthy. After decryption the same rules hold as for a plain assertion.
 */

/** The one assertion of a Response, as sent: an Assertion, or an EncryptedAssertion still to decrypt. */
export interface LocatedAssertion {
  element: XmlElementNode
  encrypted: boolean
}

export interface SignedView {
  response: XmlElementNode
  assertion: XmlElementNode
}

const isAssertion = (el: XmlElementNode) =>
  el.namespaceUri === SAML_ASSERTION_NS && (el.localName === 'Assertion' || el.localName === 'EncryptedAssertion')

/**
 * Inside an Assertion's own Advice (SAML Core §2.6.1): evidence the IdP adds, never who signs in.
 * An Advice anywhere else (say in Extensions) is no Advice, so what it holds still counts.
 */
function inAdvice(el: XmlElementNode): boolean {
  for (let p = el.parent; p; p = p.parent) {
    if (p.namespaceUri === SAML_ASSERTION_NS && p.localName === 'Advice' && p.parent?.namespaceUri === SAML_ASSERTION_NS && p.parent.localName === 'Assertion') return true
  }
  return false
}
const countedAssertions = (el: XmlElementNode) => descendantElements(el).filter((d) => isAssertion(d) && !inAdvice(d))

const checkAssertionAttributes = (assertion: XmlElementNode): Result<true, SamlFailure> =>
  attributeValue(assertion, 'Version') === '2.0' && attributeValue(assertion, 'ID')
    ? ok(true)
    : fail({ reason: 'malformed_response', detail: 'Assertion Version or ID' })

/**
 * Counts assertions, encrypted or not, anywhere in the document, so one tucked into Extensions or
 * ds:Object is seen too, and an EncryptedAssertion beside a plain one is two.
 */
export function locateAssertion(root: XmlElementNode, requireEncrypted: boolean): Result<LocatedAssertion, SamlFailure> {
  const all = countedAssertions(root)
  const element = all[0]
  if (!element) return fail({ reason: 'assertion_missing' })
  if (all.length > 1) return fail({ reason: 'multiple_assertions', count: all.length })
  if (!root.children.includes(element)) return fail({ reason: 'malformed_response', detail: 'Assertion not in Response' })
  const encrypted = element.localName === 'EncryptedAssertion'
  if (!encrypted) {
    const valid = checkAssertionAttributes(element)
    if (!valid.ok) return valid
    if (requireEncrypted) return fail({ reason: 'assertion_not_encrypted' })
  }
  return ok({ element, encrypted })
}

/**
 * The decrypted Assertion, held to what a plain one is: one assertion (none nested in it), its
 * Version and ID, and no ID it shares with the Response around it.
 */
async function decryptCarried(root: XmlElementNode, carried: XmlElementNode, config: SamlResponseConfig): Promise<Result<XmlElementNode, SamlFailure>> {
  const keys = config.decryptionKeys ?? []
  if (keys.length === 0) return fail({ reason: 'encrypted_assertion_unsupported' })
  const decrypted = await decryptAssertion(carried, keys)
  if (!decrypted.ok) return decrypted
  const assertion = decrypted.value
  const nested = countedAssertions(assertion).length - 1
  if (nested > 0) return fail({ reason: 'multiple_assertions', count: nested + 1 })
  const valid = checkAssertionAttributes(assertion)
  if (!valid.ok) return valid
  const both: XmlElementNode = { ...assertion, attributes: [], declarations: new Map(), parent: null, children: [root, assertion] }
  const duplicate = findDuplicateId(both)
  return duplicate === null ? ok(assertion) : fail({ reason: 'duplicate_id', id: duplicate })
}

/**
 * Verifies every signature SAML allows here (on the Response, on the Assertion) and requires at
 * least one. Returns the Response and Assertion as re-parsed from the signed bytes; an unsigned
 * Response is returned as is, and only its envelope fields (Destination, InResponseTo) are read.
 *
 * An EncryptedAssertion is decrypted after the Response signature is verified and from the signed
 * bytes, so a tampered ciphertext under a signed Response is refused before any decryption, and the
 * plaintext's namespace prefixes resolve only through declarations the signature covers. The
 * Assertion's own signature is then verified over the decrypted Assertion.
 */
export async function readSignedView(
  root: XmlElementNode,
  located: LocatedAssertion,
  config: SamlResponseConfig,
  now: number,
): Promise<Result<SignedView, SamlFailure>> {
  const tooMany = fail({ reason: 'malformed_signature' as const, detail: 'more than one Signature on an element' })
  const responseSignatures = signatureChildren(root)
  const plainSignatures = located.encrypted ? [] : signatureChildren(located.element)
  if (responseSignatures.length > 1 || plainSignatures.length > 1) return tooMany
  const [responseSignature] = responseSignatures
  if (!located.encrypted && !responseSignature && plainSignatures.length === 0) return fail({ reason: 'signature_missing' })
  const certificates = parseVerificationCertificates(config.certificates)
  if (certificates.length === 0) return fail({ reason: 'no_usable_certificate' })
  const options: SignatureOptions = { certificates, allowSha1: config.allowSha1, now, skewMs: config.clockSkewMs ?? CLOCK_SKEW_MS }

  let response = root
  let carried = located.element
  if (responseSignature) {
    const verified = await verifyEnvelopedSignature(root, responseSignature, options)
    if (!verified.ok) return verified
    response = verified.value.element
    const inside = childElements(response, SAML_ASSERTION_NS, located.element.localName)
    const [signedCarried] = inside
    if (inside.length !== 1 || !signedCarried) return fail({ reason: 'malformed_response', detail: 'signed Response lost its Assertion' })
    carried = signedCarried
  }
  const read = located.encrypted ? await decryptCarried(root, carried, config) : ok(located.element)
  if (!read.ok) return read
  const assertion = read.value

  const assertionSignatures = signatureChildren(assertion)
  if (assertionSignatures.length > 1) return tooMany
  const [assertionSignature] = assertionSignatures
  if (!responseSignature && !assertionSignature) return fail({ reason: 'signature_missing' })
  if (config.wantAssertionsSigned && !assertionSignature) return fail({ reason: 'assertion_signature_missing' })
  // Under a Response signature alone, the Assertion read is the one in the signed bytes.
  let signedAssertion: XmlElementNode | undefined = responseSignature ? (located.encrypted ? assertion : carried) : undefined
  if (assertionSignature) {
    const verified = await verifyEnvelopedSignature(assertion, assertionSignature, options)
    if (!verified.ok) return verified
    signedAssertion = verified.value.element
  }
  if (!signedAssertion || attributeValue(signedAssertion, 'ID') !== attributeValue(assertion, 'ID')) {
    return fail({ reason: 'reference_mismatch', detail: 'signed Assertion is not the one in the Response' })
  }
  return ok({ response, assertion: signedAssertion })
}
