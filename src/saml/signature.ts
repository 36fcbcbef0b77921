import {
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  findCanonicalization,
  findDigestAlgorithm,
  findSignatureAlgorithm,
  XMLDSIG_NS,
  type HashName,
  type SignatureAlgorithm,
} from './algorithms'
import { canonicalize, type C14nMethod } from './c14n'
import { base64ToBytes } from './certificate'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_CANONICAL_BYTES } from './limits'
import { verificationCertificate, verifyKeyFor, type VerificationCertificate } from './verification-cache'
import { attributeValue, childElements, descendantElements, parseCanonicalXml, textContent, type XmlElementNode } from './xml-tree'

export interface SignatureOptions {
  certificates: VerificationCertificate[]
  allowSha1: boolean
  now: number
  skewMs: number
}

/** The element a signature covers, re-read from exactly the bytes that were digested. */
export interface VerifiedElement {
  element: XmlElementNode
  canonical: string
}

/** The configured certificates, skipping any that are not X.509 (metadata import already refused those). */
export function parseVerificationCertificates(certificates: readonly string[]): VerificationCertificate[] {
  return certificates.flatMap((c) => verificationCertificate(c) ?? [])
}

/** The `ds:Signature` children of `el` (SAML puts the signature right inside the element it signs). */
export const signatureChildren = (el: XmlElementNode): XmlElementNode[] => childElements(el, XMLDSIG_NS, 'Signature')

const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id'])

/**
 * The first ID value that two elements share, or null. An ID must name one element, or the element a
 * Reference resolves to and the element the code reads can differ (signature wrapping).
 */
export function findDuplicateId(root: XmlElementNode): string | null {
  const seen = new Set<string>()
  for (const el of descendantElements(root)) {
    for (const a of el.attributes) {
      if (a.namespaceUri !== '' || !ID_ATTRIBUTES.has(a.localName)) continue
      if (seen.has(a.value)) return a.value
      seen.add(a.value)
    }
  }
  return null
}

const one = (el: XmlElementNode, name: string, ns = XMLDSIG_NS): XmlElementNode | null => {
  const found = childElements(el, ns, name)
  return found.length === 1 ? (found[0] ?? null) : null
}

const prefixListOf = (el: XmlElementNode): string[] => {
  const inclusive = childElements(el, EXC_C14N, 'InclusiveNamespaces')[0]
  return (inclusive && attributeValue(inclusive, 'PrefixList')?.split(/\s+/).filter(Boolean)) || []
}

type Bytes = Uint8Array<ArrayBuffer>

const decodeBase64 = (text: string): Bytes | null => {
  const bytes = base64ToBytes(text.replace(/[\t\n\r ]/g, ''))
  return bytes && bytes.byteLength > 0 ? new Uint8Array(bytes) : null
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((v, i) => v === b[i])

interface ParsedSignature {
  signedInfo: XmlElementNode
  signedInfoMethod: C14nMethod
  signedInfoPrefixes: string[]
  signatureAlgorithm: string
  signature: SignatureAlgorithm
  signatureValue: Bytes
  digestHash: HashName
  digestValue: Bytes
  referenceMethod: C14nMethod
  referencePrefixes: string[]
}

/** Reads a ds:Signature, holding it to the one shape SAML needs (SAML Core §5.4) and the algorithm allowlist. */
function parseSignature(signature: XmlElementNode, targetId: string, allowSha1: boolean): Result<ParsedSignature, SamlFailure> {
  const malformed = (detail: string) => fail({ reason: 'malformed_signature' as const, detail })
  const notAllowed = (algorithm: string) => fail({ reason: 'algorithm_not_allowed' as const, algorithm })
  const signedInfo = one(signature, 'SignedInfo')
  const signatureValueEl = one(signature, 'SignatureValue')
  if (!signedInfo || !signatureValueEl) return malformed('SignedInfo or SignatureValue')
  const c14nMethod = one(signedInfo, 'CanonicalizationMethod')
  const signatureMethod = one(signedInfo, 'SignatureMethod')
  if (!c14nMethod || !signatureMethod) return malformed('CanonicalizationMethod or SignatureMethod')
  const c14nAlgorithm = attributeValue(c14nMethod, 'Algorithm') ?? ''
  const signedInfoMethod = findCanonicalization(c14nAlgorithm)
  if (!signedInfoMethod) return notAllowed(c14nAlgorithm)
  const signatureAlgorithm = attributeValue(signatureMethod, 'Algorithm') ?? ''
  const signatureFound = findSignatureAlgorithm(signatureAlgorithm, allowSha1)
  if (!signatureFound) return notAllowed(signatureAlgorithm)

  const references = childElements(signedInfo, XMLDSIG_NS, 'Reference')
  const reference = references[0]
  if (references.length !== 1 || !reference) return fail({ reason: 'reference_mismatch', detail: `${references.length} References` })
  const uri = attributeValue(reference, 'URI')
  if (!targetId || uri !== `#${targetId}`) return fail({ reason: 'reference_mismatch', detail: `URI ${uri ?? '(none)'}` })

  const transformsEl = childElements(reference, XMLDSIG_NS, 'Transforms')
  if (transformsEl.length > 1) return malformed('Transforms')
  const transforms = transformsEl[0] ? childElements(transformsEl[0], XMLDSIG_NS, 'Transform') : []
  const algorithms = transforms.map((t) => attributeValue(t, 'Algorithm') ?? '')
  const unknown = algorithms.find((a) => a !== ENVELOPED_SIGNATURE && !findCanonicalization(a))
  if (unknown !== undefined) return notAllowed(unknown)
  const [first, c14nUri, ...more] = algorithms
  if (first !== ENVELOPED_SIGNATURE || more.length > 0 || c14nUri === ENVELOPED_SIGNATURE) return malformed(`Transforms ${algorithms.join(' ')}`)
  // With the enveloped-signature transform alone, the node-set is serialized with Canonical XML 1.0
  // (XMLDSig §4.4.3.2), which SAML Core §5.4.4 allows as much as naming a canonicalization.
  const referenceMethod = c14nUri === undefined ? 'inclusive-1.0' : findCanonicalization(c14nUri)
  if (!referenceMethod) return malformed('Transforms')

  const digestMethod = one(reference, 'DigestMethod')
  const digestValueEl = one(reference, 'DigestValue')
  if (!digestMethod || !digestValueEl) return malformed('DigestMethod or DigestValue')
  const digestAlgorithm = attributeValue(digestMethod, 'Algorithm') ?? ''
  const digestHash = findDigestAlgorithm(digestAlgorithm, allowSha1)
  if (!digestHash) return notAllowed(digestAlgorithm)
  const digestValue = decodeBase64(textContent(digestValueEl))
  const signatureValue = decodeBase64(textContent(signatureValueEl))
  if (!digestValue || !signatureValue) return malformed('DigestValue or SignatureValue is not base64')

  const c14nTransform = transforms[1]
  return ok({
    signedInfo,
    signedInfoMethod,
    signedInfoPrefixes: signedInfoMethod === 'exclusive' ? prefixListOf(c14nMethod) : [],
    signatureAlgorithm,
    signature: signatureFound,
    signatureValue,
    digestHash,
    digestValue,
    referenceMethod,
    referencePrefixes: c14nTransform && referenceMethod === 'exclusive' ? prefixListOf(c14nTransform) : [],
  })
}

async function verifyWithAny(
  certificates: VerificationCertificate[],
  algorithm: SignatureAlgorithm,
  signature: Bytes,
  data: Bytes,
): Promise<boolean> {
  for (const cert of certificates) {
    try {
      const imported = await verifyKeyFor(cert, algorithm)
      if (imported && (await crypto.subtle.verify(imported.params, imported.key, signature, data))) return true
    } catch {
      // A key WebCrypto will not import, or a signature of the wrong length: this certificate did not sign it.
    }
  }
  return false
}

/**
 * Verifies the enveloped `signature` over `target` (XMLDSig core validation, SAML Core §5.4) with
 * one of the configured certificates; KeyInfo inside the message is never trusted. A certificate past
 * its notAfter is not used, as `missingForActivation` does not count it; a signature only it verifies
 * fails as `certificate_expired`. On success the element is re-parsed from its canonical bytes, so
 * callers read only what the signer digested.
 */
export async function verifyEnvelopedSignature(
  target: XmlElementNode,
  signature: XmlElementNode,
  options: SignatureOptions,
): Promise<Result<VerifiedElement, SamlFailure>> {
  const parsed = parseSignature(signature, attributeValue(target, 'ID') ?? '', options.allowSha1)
  if (!parsed.ok) return parsed
  const sig = parsed.value
  const encoder = new TextEncoder()

  const signedInfo = canonicalize(sig.signedInfo, {
    method: sig.signedInfoMethod,
    inclusivePrefixes: sig.signedInfoPrefixes,
    maxLength: MAX_CANONICAL_BYTES,
  })
  if (!signedInfo.ok) return signedInfo
  const signedInfoBytes: Bytes = new Uint8Array(encoder.encode(signedInfo.value))
  // An ECDSA signature is never tried against an RSA key or the reverse (no key-type confusion), and
  // an IdP that moved to another key type without its certificate being updated is told apart.
  const matching = options.certificates.filter((c) => c.publicKey?.family === sig.signature.family)
  if (matching.length === 0) return fail({ reason: 'certificate_key_mismatch', algorithm: sig.signatureAlgorithm })
  const current = matching.filter((c) => c.expiresAt === null || c.expiresAt + options.skewMs > options.now)
  if (!(await verifyWithAny(current, sig.signature, sig.signatureValue, signedInfoBytes))) {
    const expired = matching.filter((c) => !current.includes(c))
    const byExpired = await verifyWithAny(expired, sig.signature, sig.signatureValue, signedInfoBytes)
    return fail(byExpired ? { reason: 'certificate_expired' } : { reason: 'signature_invalid' })
  }

  const canonical = canonicalize(target, {
    method: sig.referenceMethod,
    inclusivePrefixes: sig.referencePrefixes,
    exclude: signature,
    maxLength: MAX_CANONICAL_BYTES,
  })
  if (!canonical.ok) return canonical
  const digest = new Uint8Array(await crypto.subtle.digest(sig.digestHash, encoder.encode(canonical.value)))
  if (!sameBytes(digest, sig.digestValue)) return fail({ reason: 'digest_mismatch' })

  const reparsed = parseCanonicalXml(canonical.value, MAX_CANONICAL_BYTES)
  if (!reparsed.ok) return fail({ reason: 'malformed_response', detail: 'signed element does not re-parse' })
  return ok({ element: reparsed.value, canonical: canonical.value })
}
