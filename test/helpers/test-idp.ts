/**
 * A test IdP: builds SAML 2.0 Responses from options, signs them with xml-crypto (an implementation
 * independent of our verifier, running in workerd through nodejs_compat) and offers the string
 * surgery the attack cases need. Keys are the committed test-only ones in test/fixtures/keys/.
 */
import { SignedXml } from 'xml-crypto'
import attackerCert from '../fixtures/keys/attacker.cert.pem?raw'
import attackerKey from '../fixtures/keys/attacker.key.pem?raw'
import expiredCert from '../fixtures/keys/expired.cert.pem?raw'
import expiredKey from '../fixtures/keys/expired.key.pem?raw'
import rolloverCert from '../fixtures/keys/idp-rollover.cert.pem?raw'
import rolloverKey from '../fixtures/keys/idp-rollover.key.pem?raw'
import idpCert from '../fixtures/keys/idp.cert.pem?raw'
import idpKey from '../fixtures/keys/idp.key.pem?raw'
import spCert from '../fixtures/keys/sp.cert.pem?raw'
import spKey from '../fixtures/keys/sp.key.pem?raw'
import type { SamlResponseConfig } from '../../src/saml'

export type KeyName = 'idp' | 'idp-rollover' | 'attacker' | 'sp' | 'expired'

export const TEST_KEYS: Record<KeyName, { key: string; cert: string }> = {
  idp: { key: idpKey, cert: idpCert },
  'idp-rollover': { key: rolloverKey, cert: rolloverCert },
  attacker: { key: attackerKey, cert: attackerCert },
  sp: { key: spKey, cert: spCert },
  expired: { key: expiredKey, cert: expiredCert },
}

/** A certificate as the service stores it: base64 DER without PEM armour. */
export const bareCertificate = (name: KeyName): string =>
  TEST_KEYS[name].cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

/** The fixed "now" of every engine test (inside the test certificates' validity, after `expired`'s). */
export const NOW = Date.parse('2030-01-15T12:00:00Z')
export const IDP_ENTITY_ID = 'https://idp.example.test/metadata'
export const SP_ENTITY_ID = 'https://sp.example.test/saml/metadata'
export const ACS_URL = 'https://sp.example.test/saml/acs'
export const REQUEST_ID = '_req_4f1c2a9e7b'

const MINUTE = 60_000
const iso = (ms: number) => new Date(ms).toISOString()
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export interface ResponseOptions {
  responseId: string
  assertionId: string
  /** The Assertion's Issuer. */
  issuer: string
  /** The Response's Issuer; null leaves it out (it is optional). */
  responseIssuer: string | null
  /** null leaves AudienceRestriction out. */
  audience: string | null
  recipient: string
  /** null leaves the Destination attribute out. */
  destination: string | null
  /** Set on both the Response and the SubjectConfirmationData; null leaves both out. */
  inResponseTo: string | null
  issueInstant: number
  notBefore: number
  notOnOrAfter: number
  subjectNotOnOrAfter: number
  nameId: string
  /** Raw XML for the NameID content, used as is instead of the escaped `nameId` (comment injection). */
  nameIdXml: string | null
  nameIdFormat: string
  sessionIndex: string
  attributes: Record<string, string[]>
  statusCode: string
  confirmationMethod: string
  /** 'prefixed' uses saml: everywhere; 'default' puts the Assertion in a default namespace, as AD FS does. */
  assertionStyle: 'prefixed' | 'default'
  /** Newlines and indentation between elements, as Shibboleth emits them; whitespace is then signed too. */
  pretty: boolean
}

export const defaultResponseOptions = (): ResponseOptions => ({
  responseId: '_resp_8d2e61b0c3',
  assertionId: '_assert_5a7f9c1d42',
  issuer: IDP_ENTITY_ID,
  responseIssuer: IDP_ENTITY_ID,
  audience: SP_ENTITY_ID,
  recipient: ACS_URL,
  destination: ACS_URL,
  inResponseTo: REQUEST_ID,
  issueInstant: NOW - 10_000,
  notBefore: NOW - MINUTE,
  notOnOrAfter: NOW + 5 * MINUTE,
  subjectNotOnOrAfter: NOW + 5 * MINUTE,
  nameId: 'ada@example.com',
  nameIdXml: null,
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  sessionIndex: '_session_77',
  attributes: { email: ['ada@example.com'], groups: ['admins', 'R&D <core>'] },
  statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  confirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  assertionStyle: 'prefixed',
  pretty: false,
})

/** An unsigned SAML Response in the shape IdPs send (Issuer first, so the Signature can follow it). */
export function buildResponseXml(overrides: Partial<ResponseOptions> = {}): string {
  const o = { ...defaultResponseOptions(), ...overrides }
  const nl = o.pretty ? '\n' : ''
  const ind = (n: number) => (o.pretty ? '  '.repeat(n) : '')
  const p = o.assertionStyle === 'prefixed' ? 'saml:' : ''
  const irt = o.inResponseTo === null ? '' : ` InResponseTo="${esc(o.inResponseTo)}"`
  const attributes = Object.entries(o.attributes)
    .map(
      ([name, values]) =>
        `${ind(3)}<${p}Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${nl}` +
        values.map((v) => `${ind(4)}<${p}AttributeValue xsi:type="xs:string">${esc(v)}</${p}AttributeValue>${nl}`).join('') +
        `${ind(3)}</${p}Attribute>${nl}`,
    )
    .join('')
  const assertionNs =
    o.assertionStyle === 'prefixed'
      ? 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
      : 'xmlns="urn:oasis:names:tc:SAML:2.0:assertion"'
  const assertion =
    `${ind(1)}<${p}Assertion ${assertionNs} xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${o.assertionId}" Version="2.0" IssueInstant="${iso(o.issueInstant)}">${nl}` +
    `${ind(2)}<${p}Issuer>${esc(o.issuer)}</${p}Issuer>${nl}` +
    `${ind(2)}<${p}Subject>${nl}` +
    `${ind(3)}<${p}NameID Format="${esc(o.nameIdFormat)}">${o.nameIdXml ?? esc(o.nameId)}</${p}NameID>${nl}` +
    `${ind(3)}<${p}SubjectConfirmation Method="${esc(o.confirmationMethod)}">${nl}` +
    `${ind(4)}<${p}SubjectConfirmationData${irt} NotOnOrAfter="${iso(o.subjectNotOnOrAfter)}" Recipient="${esc(o.recipient)}"/>${nl}` +
    `${ind(3)}</${p}SubjectConfirmation>${nl}` +
    `${ind(2)}</${p}Subject>${nl}` +
    `${ind(2)}<${p}Conditions NotBefore="${iso(o.notBefore)}" NotOnOrAfter="${iso(o.notOnOrAfter)}">${nl}` +
    (o.audience === null
      ? ''
      : `${ind(3)}<${p}AudienceRestriction>${nl}${ind(4)}<${p}Audience>${esc(o.audience)}</${p}Audience>${nl}${ind(3)}</${p}AudienceRestriction>${nl}`) +
    `${ind(2)}</${p}Conditions>${nl}` +
    `${ind(2)}<${p}AuthnStatement AuthnInstant="${iso(o.issueInstant)}" SessionIndex="${esc(o.sessionIndex)}">${nl}` +
    `${ind(3)}<${p}AuthnContext><${p}AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</${p}AuthnContextClassRef></${p}AuthnContext>${nl}` +
    `${ind(2)}</${p}AuthnStatement>${nl}` +
    `${ind(2)}<${p}AttributeStatement>${nl}${attributes}${ind(2)}</${p}AttributeStatement>${nl}` +
    `${ind(1)}</${p}Assertion>${nl}`
  const destination = o.destination === null ? '' : ` Destination="${esc(o.destination)}"`
  return (
    `<?xml version="1.0" encoding="UTF-8"?>${nl}` +
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.responseId}" Version="2.0" IssueInstant="${iso(o.issueInstant)}"${destination}${irt}>${nl}` +
    (o.responseIssuer === null ? '' : `${ind(1)}<saml:Issuer>${esc(o.responseIssuer)}</saml:Issuer>${nl}`) +
    `${ind(1)}<samlp:Status><samlp:StatusCode Value="${esc(o.statusCode)}"/></samlp:Status>${nl}` +
    assertion +
    `</samlp:Response>${nl}`
  )
}

export type Algorithm = 'sha1' | 'sha256' | 'sha512'

/** A signing key and its certificate, both PEM (PKCS#8 key). */
export interface KeyPair {
  key: string
  cert: string
}

export interface SignOptions {
  /** A committed test key by name, or a pair made by the test itself. */
  key?: KeyName | KeyPair
  algorithm?: Algorithm
  /** InclusiveNamespaces PrefixList on the reference's exc-c14n transform. */
  prefixList?: string[]
  /** The ds: prefix by default; null puts the Signature in a default namespace instead. */
  signaturePrefix?: string | null
}

const ALGORITHMS: Record<Algorithm, { signature: string; digest: string }> = {
  sha1: { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
  sha256: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
  sha512: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha512',
  },
}

/** Signs the first element with this local name, placing ds:Signature right after its Issuer (SAML Core §5.4.1). */
function signElement(xml: string, localName: 'Response' | 'Assertion', options: SignOptions): string {
  const { key = 'idp', algorithm = 'sha256', prefixList, signaturePrefix = 'ds' } = options
  const target = `(//*[local-name(.)='${localName}'])[1]`
  const pair = typeof key === 'string' ? TEST_KEYS[key] : key
  const sig = new SignedXml({
    privateKey: pair.key,
    publicCert: pair.cert,
    signatureAlgorithm: ALGORITHMS[algorithm].signature,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  sig.addReference({
    xpath: target,
    digestAlgorithm: ALGORITHMS[algorithm].digest,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    ...(prefixList ? { inclusiveNamespacesPrefixList: prefixList } : {}),
  })
  const hasIssuer = localName === 'Assertion' || /<samlp:Response[^>]*>\s*<saml:Issuer/.test(xml)
  const location = hasIssuer
    ? { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' as const }
    : { reference: target, action: 'prepend' as const }
  sig.computeSignature(xml, { ...(signaturePrefix === null ? {} : { prefix: signaturePrefix }), location })
  return sig.getSignedXml()
}

export const signAssertion = (xml: string, options: SignOptions = {}) => signElement(xml, 'Assertion', options)
export const signResponse = (xml: string, options: SignOptions = {}) => signElement(xml, 'Response', options)

export type SignTarget = 'response' | 'assertion' | 'both' | 'none'

/** Builds and signs a Response; the assertion is signed before the Response, as IdPs that sign both do. */
export function makeSignedResponse(
  options: Partial<ResponseOptions> & { sign?: SignTarget; signing?: SignOptions } = {},
): string {
  const { sign = 'response', signing = {}, ...overrides } = options
  let xml = buildResponseXml(overrides)
  if (sign === 'assertion' || sign === 'both') xml = signAssertion(xml, signing)
  if (sign === 'response' || sign === 'both') xml = signResponse(xml, signing)
  return xml
}

/**
 * A Response valid now (5 minutes), with fresh Response and Assertion ids, from the IdP `entityId`
 * to the SP `spEntityId` at `acsUrl` (Recipient and Destination); `extra` changes anything else.
 */
export function freshSignedResponse(
  p: { entityId: string; spEntityId: string; acsUrl: string; inResponseTo: string | null },
  extra: Partial<ResponseOptions> & { sign?: SignTarget; signing?: SignOptions } = {},
): string {
  const now = Date.now()
  const unique = () => crypto.randomUUID().replace(/-/g, '')
  return makeSignedResponse({
    responseId: `_r${unique()}`,
    assertionId: `_a${unique()}`,
    issuer: p.entityId,
    responseIssuer: p.entityId,
    audience: p.spEntityId,
    recipient: p.acsUrl,
    destination: p.acsUrl,
    inResponseTo: p.inResponseTo,
    issueInstant: now - 1000,
    notBefore: now - 60_000,
    notOnOrAfter: now + 300_000,
    subjectNotOnOrAfter: now + 300_000,
    ...extra,
  })
}

/** The SAMLResponse form value: base64 of the UTF-8 bytes. */
export function toBase64(xml: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(xml)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** The engine config matching the test IdP and SP; override what a case is about. */
export const makeConfig = (overrides: Partial<SamlResponseConfig> = {}): SamlResponseConfig => ({
  idpEntityId: IDP_ENTITY_ID,
  certificates: [bareCertificate('idp')],
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  allowSha1: false,
  expectedInResponseTo: REQUEST_ID,
  allowIdpInitiated: false,
  ...overrides,
})

// ---- String surgery for attack cases. Each throws when its anchor is missing, so a case cannot
// silently test an unmodified document.

/** Replaces the first occurrence of `from`. */
export function replaceOnce(xml: string, from: string, to: string): string {
  const at = xml.indexOf(from)
  if (at < 0) throw new Error(`test-idp: ${from} not found`)
  return xml.slice(0, at) + to + xml.slice(at + from.length)
}

/** The outer XML of the first element with this qualified name (elements that do not nest themselves). */
export function elementXml(xml: string, qname: string): string {
  const start = xml.search(new RegExp(`<${qname}[\\s>/]`))
  const close = `</${qname}>`
  const end = xml.indexOf(close, start)
  if (start < 0 || end < 0) throw new Error(`test-idp: <${qname}> not found`)
  return xml.slice(start, end + close.length)
}

/** Replaces the first element with this qualified name by `replacement`. */
export const replaceElement = (xml: string, qname: string, replacement: string): string =>
  replaceOnce(xml, elementXml(xml, qname), replacement)

/** Inserts `fragment` right after the first `anchor` string. */
export const insertAfter = (xml: string, anchor: string, fragment: string): string =>
  replaceOnce(xml, anchor, anchor + fragment)

/** Removes the first ds:Signature (the outermost one in document order). */
export const stripSignature = (xml: string): string => replaceElement(xml, 'ds:Signature', '')
