// The shapes of the real IdP responses in ../shared/reference/idp-responses (cases.json there), written
// out with our own names, identifiers, times and keys: scripts/make-conformance-fixtures.mjs signs
// them and writes test/fixtures/saml/conformance/. No byte of the captured files is copied; each
// shape is checked against its original's skeleton (scripts/xml-skeleton.mjs) when that is present.
//
// A case: `mirrors` names the reference case; `key` the signing key; `connection` what the SP knows
// (its certificate is the key's unless `certificate` says another); `at` the Response IssueInstant
// (the fixture is checked 5 s later, as cases.json's validAt); `xml` the unsigned document, with
// `%SIG%` nowhere: signatures go where `sign` says, in order; `after` edits the signed document;
// `expected` { nameId, email, emailFrom } or { refused: reason }; `variants` are the same file read
// with another connection or clock; `departs` says why a case is not the reference case's verdict
// (a case added beside the captured set).
import { createHash } from 'node:crypto'

const NS = {
  p: 'urn:oasis:names:tc:SAML:2.0:protocol',
  a: 'urn:oasis:names:tc:SAML:2.0:assertion',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
}
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
const CONSENT = 'urn:oasis:names:tc:SAML:2.0:consent:unspecified'
const FORMAT = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  unspecified10: 'urn:oasis:names:tc:SAML:1.0:nameid-format:unspecified',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  entity: 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity',
}
const ATTRNAME = { basic: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic', unspecified: 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified' }
const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims'
const AC = (name) => `urn:oasis:names:tc:SAML:2.0:ac:classes:${name}`
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const iso = (ms) => new Date(ms).toISOString()
/** Without the fraction, as Auth0, OneLogin, OAM and Okta's test tool write some instants. */
const isoSeconds = (ms) => iso(ms).replace(/\.\d{3}Z$/, 'Z')
const wholeSecond = (ms) => Math.floor(ms / SECOND) * SECOND

// Identifiers: stable across runs (derived from a label), in each IdP's style.
const hex = (label, n) => createHash('sha256').update(label).digest('hex').repeat(2).slice(0, n)
const uuid = (label) => hex(label, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
const digits = (label, n) => [...hex(label, n)].map((c) => (parseInt(c, 16) % 10).toString()).join('')
const alnum = (label, n, alphabet) => [...createHash('sha512').update(label).digest()].slice(0, n).map((b) => alphabet[b % alphabet.length]).join('')
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** PingFederate's IDs: letters, digits, dots, dashes and underscores. */
const pingId = (label) => alnum(label, 27, `${MIXED}._-`).replace(/^[^A-Za-z_]/, 'P')

/** One Attribute; `p` the assertion prefix with its colon ('' for a default namespace). */
function attribute(p, name, values, { nameFormat, type, declare } = {}) {
  const nf = nameFormat ? ` NameFormat="${nameFormat}"` : ''
  const decl = declare === 'before-type' ? ` xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}"` : ''
  const typed = type ? ` xsi:type="${type}"` : ''
  const after = declare === 'after-type' ? ` xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}"` : ''
  const vals = values.map((v) => `<${p}AttributeValue${decl}${typed}${after}>${v}</${p}AttributeValue>`).join('')
  return `<${p}Attribute Name="${name}"${nf}>${vals}</${p}Attribute>`
}

const status = (p, extra = '') => `<${p}:Status${extra}><${p}:StatusCode Value="${SUCCESS}"/></${p}:Status>`

// --- Okta (developer org): both signed, redundant namespace declarations -----------------------------

const OKTA = {
  idpEntityId: 'http://www.okta.com/exk7example0SamlEdge',
  acs: 'http://localhost:8787',
  nameId: 'grace.hopper@example.com',
  at: Date.parse('2024-06-11T08:42:17.306Z'),
}
const oktaConnection = { idpEntityId: OKTA.idpEntityId, audience: OKTA.acs, acsUrl: OKTA.acs, inResponseTo: null, allowSha1: false }

function oktaDevXml(label) {
  const t = OKTA.at
  const a = `xmlns:saml2="${NS.a}"`
  return (
    `<?xml version="1.0" encoding="UTF-8"?><saml2p:Response Destination="${OKTA.acs}" ID="id${digits(`${label}-r`, 26)}" IssueInstant="${iso(t)}" Version="2.0" xmlns:saml2p="${NS.p}">` +
    `<saml2:Issuer Format="${FORMAT.entity}" ${a}>${OKTA.idpEntityId}</saml2:Issuer>${status('saml2p', ` xmlns:saml2p="${NS.p}"`)}` +
    `<saml2:Assertion ID="id${digits(`${label}-a`, 26)}" IssueInstant="${iso(t)}" Version="2.0" ${a}><saml2:Issuer Format="${FORMAT.entity}" ${a}>${OKTA.idpEntityId}</saml2:Issuer>` +
    `<saml2:Subject ${a}><saml2:NameID Format="${FORMAT.email}">${OKTA.nameId}</saml2:NameID><saml2:SubjectConfirmation Method="${BEARER}"><saml2:SubjectConfirmationData NotOnOrAfter="${iso(t + 5 * MINUTE)}" Recipient="${OKTA.acs}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${iso(t - 5 * MINUTE)}" NotOnOrAfter="${iso(t + 5 * MINUTE)}" ${a}><saml2:AudienceRestriction><saml2:Audience>${OKTA.acs}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${iso(t - 31 * SECOND)}" SessionIndex="id${digits(`${label}-s`, 13)}.${digits(`${label}-t`, 9)}" ${a}><saml2:AuthnContext><saml2:AuthnContextClassRef>${AC('PasswordProtectedTransport')}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `</saml2:Assertion></saml2p:Response>\n`
  )
}
const OKTA_CERT_WRAP = { width: 76, sep: '\n' }
const oktaSignatures = (edit) => [
  { on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'ds', certWrap: OKTA_CERT_WRAP, edit },
  { on: 'response', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'ds', certWrap: OKTA_CERT_WRAP },
]
/** What was done to the captured 05 after signing: the KeyInfo certificates' lines indented. */
const reindentCertificates = (xml) => xml.replace(/(<ds:X509Certificate>)([^<]*)(<\/ds:X509Certificate>)/g, (_, o, body, c) => o + body.replace(/\n/g, '\n    ') + c)
const assertionSignature = /(<saml2:Assertion [^>]*>.*?<\/saml2:Issuer>)<ds:Signature .*?<\/ds:Signature>/s
const removeAssertionSignature = (xml) => xml.replace(assertionSignature, '$1')
const yearEarly = OKTA.at - 365 * DAY
const yearLate = OKTA.at + 365 * DAY
/** ssoready's planted defects on the Okta response (its cases 05b to 05f); `clean`: on the response before re-indentation. */
const oktaVariants = (clean, reasons) => {
  const id = (letter, name) => (clean ? `05-clean-${letter}-${name}` : `05${letter}-okta-${name}`)
  const departs = clean ? { departs: 'on the response before re-indentation, not in the captured set: the planted defect is the only one' } : {}
  return [
    { id: id('b', 'clock-a-year-early'), about: 'the clock a year before the IssueInstant', validAt: yearEarly + 5 * SECOND, expected: { refused: reasons.early } },
    { id: id('c', 'clock-a-year-late'), about: 'the clock a year after', validAt: yearLate + 5 * SECOND, expected: { refused: reasons.late } },
    { id: id('d', 'wrong-certificate'), about: 'the connection holds another certificate', certificate: 'other', expected: { refused: reasons.certificate } },
    { id: id('e', 'wrong-idp-entity-id'), about: 'the connection expects another issuer', connection: { idpEntityId: 'DIFFERENT_IDP_ENTITY_ID' }, expected: { refused: reasons.issuer } },
    { id: id('f', 'wrong-sp-entity-id'), about: 'the connection is another SP', connection: { audience: 'DIFFERENT_SP_ENTITY_ID' }, expected: { refused: reasons.audience } },
  ].map((v) => ({ ...v, mirrors: clean ? null : v.id, ...departs }))
}
const sha1Refused = (id) => ({ id: `${id}-sha1-not-allowed`, mirrors: null, departs: 'not in the captured set: the connection does not allow SHA-1', about: 'the same response where the connection does not allow SHA-1', connection: { allowSha1: false }, expected: { refused: 'algorithm_not_allowed' } })

// --- PingFederate: pretty-printed signatures (whitespace inside SignedInfo is signed) ----------------

const PING = {
  idpEntityId: 'https://idp.example.test:9031/eid/pf7exampleq',
  audience: 'https://sp.example.test/session/sso/saml/spentityid/pf7example',
  acs: 'https://sp.example.test/session/sso/saml/acs/pf7example',
  nameId: 'first.last@example.test',
}
const PING_WRAP = { width: 76, sep: '\n', lead: '\n', trail: '\n' }
function pingFederateXml(label, at, { destination }) {
  const rid = pingId(`${label}-r`)
  const aid = pingId(`${label}-a`)
  const req = `_${uuid(`${label}-req`)}`
  const t = at + 11
  const dest = destination ? ` Destination="${PING.acs}"` : ''
  const attr = (name, value) => attribute('saml:', name, [value], { nameFormat: ATTRNAME.unspecified, type: 'xs:string', declare: 'after-type' })
  return {
    inResponseTo: req,
    xml:
      `<samlp:Response Version="2.0" ID="${rid}" IssueInstant="${iso(at)}" InResponseTo="${req}"${dest} xmlns:samlp="${NS.p}"><saml:Issuer xmlns:saml="${NS.a}">${PING.idpEntityId}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion ID="${aid}" IssueInstant="${iso(t)}" Version="2.0" xmlns:saml="${NS.a}"><saml:Issuer>${PING.idpEntityId}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${FORMAT.email}">${PING.nameId}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData Recipient="${PING.acs}" NotOnOrAfter="${iso(t + 5 * MINUTE)}" InResponseTo="${req}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(t - 5 * MINUTE)}" NotOnOrAfter="${iso(t + 5 * MINUTE)}"><saml:AudienceRestriction><saml:Audience>${PING.audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement SessionIndex="${aid}" AuthnInstant="${iso(wholeSecond(at))}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('Password')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attr('firstname', 'First')}${attr('group', 'red,green,blue')}${attr('lastname', 'Last')}</saml:AttributeStatement></saml:Assertion></samlp:Response>`,
  }
}
const pingConnection = (inResponseTo) => ({ idpEntityId: PING.idpEntityId, audience: PING.audience, acsUrl: PING.acs, inResponseTo, allowSha1: false })
const pingExpected = { nameId: PING.nameId, email: PING.nameId, emailFrom: 'NameID' }

// --- Okta's developer test IdP (saml.oktadev.com) ---------------------------------------------------

const TOOL = { entityId: 'http://sp.example.test/saml/acs/example', acs: 'http://sp.example.test/v1/_saml_callback', nameId: 'jane.roe@example.com' }
function oktaToolXml(label, at, { signedAssertionSlot }) {
  const t = at + 171
  const attr = (name, value) => attribute('saml:', name, [value], { type: 'xs:anyType' })
  return (
    `<samlp:Response xmlns:samlp="${NS.p}" ID="_${hex(`${label}-r`, 20)}" Version="2.0" IssueInstant="${isoSeconds(at)}" Destination="${TOOL.acs}"><saml:Issuer xmlns:saml="${NS.a}">${TOOL.entityId}</saml:Issuer>${status('samlp')}` +
    `<saml:Assertion xmlns:saml="${NS.a}" Version="2.0" ID="_${alnum(`${label}-a`, 32, MIXED)}" IssueInstant="${iso(t)}"><saml:Issuer>${TOOL.entityId}</saml:Issuer>${signedAssertionSlot ?? ''}` +
    `<saml:Subject><saml:NameID Format="${FORMAT.unspecified}">${TOOL.nameId}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${iso(t + HOUR)}" Recipient="${TOOL.acs}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(t)}" NotOnOrAfter="${iso(t + HOUR)}"><saml:AudienceRestriction><saml:Audience>${TOOL.entityId}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}">${attr(FORMAT.email, TOOL.nameId)}${attr('Email', TOOL.nameId)}${attr('FirstName', 'Jane')}${attr('LastName', 'Roe')}</saml:AttributeStatement>` +
    `<saml:AuthnStatement AuthnInstant="${iso(t)}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('unspecified')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion></samlp:Response>`
  )
}
const toolConnection = (allowSha1) => ({ idpEntityId: TOOL.entityId, audience: TOOL.entityId, acsUrl: TOOL.acs, inResponseTo: null, allowSha1 })
const TOOL_AT = Date.parse('2024-01-09T19:27:44Z')
const flattenBase64 = { width: 0 }

// --- the cases --------------------------------------------------------------------------------------

const entra = (() => {
  const tenant = uuid('entra-tenant')
  const app = uuid('entra-app')
  const issuer = `https://sts.windows.net/${tenant}/`
  const audience = `https://app.example.test/accounts/${app}/saml`
  const acs = `${audience}/acs`
  const nameId = 'ada.lovelace_example.com#EXT#@contosoguests.onmicrosoft.com'
  const email = 'ada.lovelace@example.com'
  const at = Date.parse('2024-03-05T14:02:11.640Z')
  const a = `_${uuid('entra-a')}`
  const attrs = [
    attribute('', 'http://schemas.microsoft.com/identity/claims/tenantid', [tenant]),
    attribute('', 'http://schemas.microsoft.com/identity/claims/objectidentifier', [uuid('entra-oid')]),
    attribute('', 'http://schemas.microsoft.com/identity/claims/displayname', ['Ada Lovelace']),
    attribute('', 'http://schemas.microsoft.com/identity/claims/identityprovider', ['live.com']),
    attribute('', 'http://schemas.microsoft.com/claims/authnmethodsreferences', [
      'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
      'http://schemas.microsoft.com/claims/multipleauthn',
      'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/unspecified',
    ]),
    attribute('', `${CLAIMS}/givenname`, ['Ada']),
    attribute('', `${CLAIMS}/surname`, ['Lovelace']),
    attribute('', `${CLAIMS}/emailaddress`, [email]),
    attribute('', `${CLAIMS}/name`, [nameId]),
  ].join('')
  const end = at + HOUR - 474
  return {
    id: '01-entra-id-assertion-signed',
    mirrors: '01-entra-id-assertion-signed',
    about: 'Entra ID: Assertion signed (RSA-SHA256, exc-c14n, Signature in a default namespace), Response unsigned, default assertion namespace, IdP-initiated, guest #EXT# NameID in the emailAddress Format, email in the emailaddress claim, 1 h window',
    key: 'rsa-2048',
    connection: { idpEntityId: issuer, audience, acsUrl: acs, inResponseTo: null, allowSha1: false },
    at,
    xml:
      `<samlp:Response ID="_${uuid('entra-r')}" Version="2.0" IssueInstant="${iso(at)}" Destination="${acs}" xmlns:samlp="${NS.p}"><Issuer xmlns="${NS.a}">${issuer}</Issuer>${status('samlp')}` +
      `<Assertion ID="${a}" IssueInstant="${iso(at - 2)}" Version="2.0" xmlns="${NS.a}"><Issuer>${issuer}</Issuer>` +
      `<Subject><NameID Format="${FORMAT.email}">${nameId}</NameID><SubjectConfirmation Method="${BEARER}"><SubjectConfirmationData NotOnOrAfter="${iso(end)}" Recipient="${acs}"/></SubjectConfirmation></Subject>` +
      `<Conditions NotBefore="${iso(at - 5 * MINUTE - 474)}" NotOnOrAfter="${iso(end)}"><AudienceRestriction><Audience>${audience}</Audience></AudienceRestriction></Conditions>` +
      `<AttributeStatement>${attrs}</AttributeStatement><AuthnStatement AuthnInstant="${iso(at - 23 * HOUR + 17 * MINUTE)}" SessionIndex="${a}"><AuthnContext><AuthnContextClassRef>${AC('Password')}</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion></samlp:Response>\n`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: '' }],
    expected: { nameId, email, emailFrom: `${CLAIMS}/emailaddress` },
  }
})()

const google = (() => {
  const idp = 'https://accounts.google.com/o/saml2?idpid=C00example'
  const account = uuid('google-account')
  const audience = `https://localhost:8443/accounts/${account}/saml`
  const acs = `https://app.example.test/accounts/${account}/saml/acs`
  const email = 'ada@example.com'
  const at = Date.parse('2024-02-20T10:11:12.713Z')
  const a = `_${hex('google-a', 32)}`
  const wrap = { width: 76, sep: '\n    ' }
  return {
    id: '02-google-workspace-assertion-signed',
    mirrors: '02-google-workspace-assertion-signed',
    about: 'Google Workspace: Assertion signed (RSA-SHA256), XML declaration with standalone="no", X509SubjectName in KeyInfo, base64 in indented 76-column lines, IdP-initiated, the SP entity id on another host than the ACS',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience, acsUrl: acs, inResponseTo: null, allowSha1: false },
    at,
    xml:
      `<?xml version="1.0" encoding="UTF-8" standalone="no"?><saml2p:Response xmlns:saml2p="${NS.p}" Destination="${acs}" ID="_${hex('google-r', 32)}" IssueInstant="${iso(at)}" Version="2.0"><saml2:Issuer xmlns:saml2="${NS.a}">${idp}</saml2:Issuer>${status('saml2p')}` +
      `<saml2:Assertion xmlns:saml2="${NS.a}" ID="${a}" IssueInstant="${iso(at)}" Version="2.0"><saml2:Issuer>${idp}</saml2:Issuer>` +
      `<saml2:Subject><saml2:NameID Format="${FORMAT.unspecified}">${email}</saml2:NameID><saml2:SubjectConfirmation Method="${BEARER}"><saml2:SubjectConfirmationData NotOnOrAfter="${iso(at + 5 * MINUTE)}" Recipient="${acs}"/></saml2:SubjectConfirmation></saml2:Subject>` +
      `<saml2:Conditions NotBefore="${iso(at - 5 * MINUTE)}" NotOnOrAfter="${iso(at + 5 * MINUTE)}"><saml2:AudienceRestriction><saml2:Audience>${audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
      `<saml2:AuthnStatement AuthnInstant="${iso(wholeSecond(at - 29 * MINUTE))}" SessionIndex="${a}"><saml2:AuthnContext><saml2:AuthnContextClassRef>${AC('unspecified')}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement></saml2:Assertion></saml2p:Response>`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'ds', keyInfo: 'subject+x509', sigWrap: wrap, certWrap: wrap }],
    expected: { nameId: email, email, emailFrom: 'NameID' },
  }
})()

const jumpCloud = (() => {
  const issuer = 'IdP Entity ID'
  const acs = 'http://localhost:8787/saml/acs'
  const email = 'ada@example.com'
  const at = Date.parse('2024-04-02T16:43:05.562Z')
  return {
    id: '03-jumpcloud-assertion-signed',
    mirrors: '03-jumpcloud-assertion-signed',
    about: 'JumpCloud: Assertion signed (RSA-SHA256) with a 4096-bit key, Consent on the Response, issuer "IdP Entity ID" (not a URI) with the entity Format on both Issuers, SAML 1.0 unspecified NameID Format, IdP-initiated',
    key: 'rsa-4096',
    connection: { idpEntityId: issuer, audience: 'example-sp-entity-id', acsUrl: acs, inResponseTo: null, allowSha1: false },
    at,
    xml:
      `<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="${NS.p}" Consent="${CONSENT}" Destination="${acs}" ID="${alnum('jc-r', 40, UPPER_DIGITS)}" IssueInstant="${iso(at)}" Version="2.0"><saml2:Issuer xmlns:saml2="${NS.a}" Format="${FORMAT.entity}">${issuer}</saml2:Issuer>${status('saml2p')}` +
      `<saml2:Assertion xmlns:saml2="${NS.a}" ID="${alnum('jc-a', 40, UPPER_DIGITS)}" IssueInstant="${iso(at)}" Version="2.0"><saml2:Issuer Format="${FORMAT.entity}">${issuer}</saml2:Issuer>` +
      `<saml2:Subject><saml2:NameID Format="${FORMAT.unspecified10}">${email}</saml2:NameID><saml2:SubjectConfirmation Method="${BEARER}"><saml2:SubjectConfirmationData NotOnOrAfter="${iso(at + 5 * MINUTE)}" Recipient="${acs}"/></saml2:SubjectConfirmation></saml2:Subject>` +
      `<saml2:Conditions NotBefore="${iso(at - 5 * MINUTE)}" NotOnOrAfter="${iso(at + 5 * MINUTE)}"><saml2:AudienceRestriction><saml2:Audience>example-sp-entity-id</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
      `<saml2:AuthnStatement AuthnInstant="${iso(at)}" SessionIndex="${uuid('jc-s')}"><saml2:AuthnContext><saml2:AuthnContextClassRef>${AC('PasswordProtectedTransport')}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement></saml2:Assertion></saml2p:Response>`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'ds' }],
    expected: { nameId: email, email, emailFrom: 'NameID' },
  }
})()

const keycloak = (() => {
  const idp = 'http://localhost:8180/realms/acme'
  const conn = 'saml_conn_3kexample0keycloak00000000'
  const audience = `http://localhost:8787/v1/saml/${conn}`
  const acs = `${audience}/acs`
  const req = 'saml_flow_9kexample0keycloak0000000'
  const at = Date.parse('2024-05-21T09:15:44.477Z')
  const t = at - 9
  const role = (name) => attribute('saml:', 'Role', [name], { nameFormat: ATTRNAME.basic, type: 'xs:string', declare: 'before-type' })
  return {
    id: '04-keycloak-no-authnstatement',
    mirrors: '04-keycloak-no-authnstatement',
    about: 'Keycloak with "Include AuthnStatement" off: Assertion signed (dsig: prefix), saml declared on the Response and a default namespace redeclared on the Assertion, SP-initiated, six Role attributes each with its own xs/xsi declarations, 1 min window, no AuthnStatement',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience, acsUrl: acs, inResponseTo: req, allowSha1: false },
    at,
    xml:
      `<samlp:Response xmlns:samlp="${NS.p}" xmlns:saml="${NS.a}" Destination="${acs}" ID="ID_${uuid('kc-r')}" InResponseTo="${req}" IssueInstant="${iso(at)}" Version="2.0"><saml:Issuer>${idp}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion xmlns="${NS.a}" ID="ID_${uuid('kc-a')}" IssueInstant="${iso(t)}" Version="2.0"><saml:Issuer>${idp}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${FORMAT.email}">ada@example.com</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData InResponseTo="${req}" NotOnOrAfter="${iso(t + 58 * SECOND)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(t - 2 * SECOND)}" NotOnOrAfter="${iso(t + 58 * SECOND)}"><saml:AudienceRestriction><saml:Audience>${audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AttributeStatement>${['view-profile', 'manage-account-links', 'default-roles-acme', 'manage-account', 'uma_authorization', 'offline_access'].map(role).join('')}</saml:AttributeStatement></saml:Assertion></samlp:Response>\n`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'dsig' }],
    expected: { refused: 'authn_statement_missing' },
  }
})()

const okta = (id, mirrors, about, extra) => ({ id, mirrors, about, key: 'rsa-2048', connection: oktaConnection, at: OKTA.at, xml: oktaDevXml(id), sign: oktaSignatures(), ...extra })

const oktaCases = [
  okta('05-okta-both-signed-cert-reindented', '05-okta-both-signed-cert-reindented', "Okta: Response and Assertion signed (RSA-SHA256), redundant xmlns on Status, Issuer, Subject, Conditions and AuthnStatement, the KeyInfo certificates in 76-column lines, then re-indented after signing (the Assertion's KeyInfo is inside the Response's digest)", {
    after: reindentCertificates,
    expected: { refused: 'digest_mismatch' },
    variants: oktaVariants(false, { early: 'digest_mismatch', late: 'digest_mismatch', certificate: 'signature_invalid', issuer: 'digest_mismatch', audience: 'digest_mismatch' }),
  }),
  okta('05-clean-okta-both-signed', '05-okta-both-signed-cert-reindented', 'the same Okta response as signed, before the re-indentation: both signatures verify, and each planted defect of ssoready\'s set is the one refused', {
    skeletonDiffers: 'certificate lines not re-indented',
    departs: 'the captured 05 before its re-indentation, which is not in the captured set: accepted',
    expected: { nameId: OKTA.nameId, email: OKTA.nameId, emailFrom: 'NameID' },
    variants: oktaVariants(true, { early: 'not_yet_valid', late: 'expired', certificate: 'signature_invalid', issuer: 'issuer_mismatch', audience: 'audience_mismatch' }),
  }),
  okta('07-okta-bad-digest-algorithm', '07-okta-bad-digest-algorithm', 'the Okta response with the Assertion DigestMethod replaced by "BAD_DIGEST_ALGORITHM" before the Response was signed, so the Response signature is good and only the Assertion\'s is broken', {
    skeletonDiffers: 'certificate lines not re-indented; the Response signed after the edit',
    sign: oktaSignatures((xml) => xml.replace(/(<saml2:Assertion .*?<ds:DigestMethod Algorithm=")[^"]*/s, '$1BAD_DIGEST_ALGORITHM')),
    expected: { refused: 'algorithm_not_allowed' },
  }),
  okta('08-okta-bad-signature-algorithm', '08-okta-bad-signature-algorithm', 'the Okta response with the Assertion SignatureMethod replaced by "BAD_SIGNATURE_ALGORITHM" before the Response was signed', {
    skeletonDiffers: 'certificate lines not re-indented; the Response signed after the edit',
    sign: oktaSignatures((xml) => xml.replace(/(<saml2:Assertion .*?<ds:SignatureMethod Algorithm=")[^"]*/s, '$1BAD_SIGNATURE_ALGORITHM')),
    expected: { refused: 'algorithm_not_allowed' },
  }),
  okta('09-okta-no-keyinfo-assertion-signature-removed', '09-okta-no-keyinfo-assertion-signature-removed', 'the Okta response, Response signed without KeyInfo, then the Assertion signature removed (which the Response digest covered)', {
    skeletonDiffers: 'certificate lines not re-indented',
    sign: [oktaSignatures()[0], { ...oktaSignatures()[1], keyInfo: 'none' }],
    after: removeAssertionSignature,
    expected: { refused: 'digest_mismatch' },
  }),
  okta('10-okta-assertion-signature-removed', '10-okta-assertion-signature-removed', 'the Okta response with the Assertion signature removed after signing; the Response signature kept', {
    skeletonDiffers: 'certificate lines not re-indented',
    after: removeAssertionSignature,
    expected: { refused: 'digest_mismatch' },
  }),
]

const pingOne = (() => {
  const env = uuid('pingone-env')
  const idp = `https://auth.pingone.com/${env}`
  const acs = 'http://localhost:8787/saml/acs'
  const subject = uuid('pingone-subject')
  const at = Date.parse('2024-03-18T16:20:31.265Z')
  return {
    id: '06-pingone-assertion-signed',
    mirrors: '06-pingone-assertion-signed',
    about: 'PingOne: Assertion signed (RSA-SHA256), KeyInfo with both X509Data and KeyValue, NameID a UUID without Format, no email anywhere, AuthnStatement before AttributeStatement, IdP-initiated',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience: 'example-sp-entity-id', acsUrl: acs, inResponseTo: null, allowSha1: false },
    at,
    xml:
      `<samlp:Response ID="id-${uuid('pingone-r')}" Version="2.0" IssueInstant="${iso(at)}" Destination="${acs}" xmlns:samlp="${NS.p}"><saml:Issuer xmlns:saml="${NS.a}">${idp}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion ID="id-${uuid('pingone-a')}" Version="2.0" IssueInstant="${iso(at)}" xmlns:saml="${NS.a}"><saml:Issuer>${idp}</saml:Issuer>` +
      `<saml:Subject><saml:NameID>${subject}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${iso(at + 5 * MINUTE)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(at - MINUTE)}" NotOnOrAfter="${iso(at + 5 * MINUTE)}"><saml:AudienceRestriction><saml:Audience>example-sp-entity-id</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(at)}" SessionNotOnOrAfter="${iso(at + 5 * MINUTE)}" SessionIndex="${uuid('pingone-s')}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('unspecified')}</saml:AuthnContextClassRef><saml:AuthenticatingAuthority>${idp}</saml:AuthenticatingAuthority></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attribute('saml:', 'saml_subject', [subject], { nameFormat: ATTRNAME.basic, type: 'xs:string', declare: 'after-type' })}</saml:AttributeStatement></saml:Assertion></samlp:Response>`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha256', prefix: 'ds', keyInfo: 'x509+keyvalue' }],
    expected: { nameId: subject, email: null },
  }
})()

const nulByte = {
  id: '11-okta-nul-byte',
  mirrors: '11-okta-nul-byte',
  about: 'a NUL byte and a newline, nothing else',
  key: 'rsa-2048',
  connection: oktaConnection,
  at: OKTA.at,
  xml: '\0\n',
  sign: [],
  expected: { refused: 'not_xml' },
}

const auth0 = (() => {
  const idp = 'urn:example-tenant.eu.auth0.com'
  const acs = 'http://localhost:8787/v1/_saml_callback'
  const req = `_${uuid('auth0-req')}`
  const at = Date.parse('2023-08-14T18:29:17Z')
  const t = at + 523
  const email = 'ada.lovelace@example.com'
  const nameId = 'google-oauth2|104872609318274651230'
  const A0 = 'http://schemas.auth0.com'
  const claims = [
    [`${CLAIMS}/nameidentifier`, nameId],
    [`${CLAIMS}/emailaddress`, email],
    [`${CLAIMS}/name`, 'Ada Lovelace'],
    [`${CLAIMS}/givenname`, 'Ada'],
    [`${CLAIMS}/surname`, 'Lovelace'],
    [`${CLAIMS}/upn`, email],
    [`${A0}/identities/default/provider`, 'google-oauth2'],
    [`${A0}/identities/default/connection`, 'google-oauth2'],
    [`${A0}/identities/default/isSocial`, 'true'],
    [`${A0}/email_verified`, 'true'],
    [`${A0}/picture`, 'https://images.example.test/ada.jpg'],
    [`${A0}/locale`, 'en'],
    [`${A0}/clientID`, alnum('auth0-client', 32, MIXED)],
    [`${A0}/updated_at`, 'Mon Aug 14 2023 18:29:17 GMT+0000 (UTC)'],
    [`${A0}/nickname`, 'ada.lovelace'],
    [`${A0}/identities`, '[object Object]'],
    [`${A0}/created_at`, 'Mon Aug 14 2023 17:51:26 GMT+0000 (UTC)'],
  ]
  return {
    id: '12-auth0-response-signed-sha1',
    mirrors: '12-auth0-response-signed-sha1',
    about: 'Auth0: Response signed with RSA-SHA1/SHA-1, the Signature the last child of the Response in a default namespace, unsigned Assertion, SP-initiated, Response IssueInstant without fraction, NameID google-oauth2|..., WS-Fed claim names typed xs:anyType, audience equal to the issuer',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience: idp, acsUrl: acs, inResponseTo: req, allowSha1: true },
    at,
    xml:
      `<samlp:Response xmlns:samlp="${NS.p}" ID="_${hex('auth0-r', 20)}" InResponseTo="${req}" Version="2.0" IssueInstant="${isoSeconds(at)}" Destination="${acs}"><saml:Issuer xmlns:saml="${NS.a}">${idp}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion xmlns:saml="${NS.a}" Version="2.0" ID="_${alnum('auth0-a', 32, MIXED)}" IssueInstant="${iso(t)}"><saml:Issuer>${idp}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${FORMAT.unspecified}">${nameId}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${iso(t + HOUR)}" Recipient="${acs}" InResponseTo="${req}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(t)}" NotOnOrAfter="${iso(t + HOUR)}"><saml:AudienceRestriction><saml:Audience>${idp}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AttributeStatement xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}">${claims.map(([n, v]) => attribute('saml:', n, [v], { type: 'xs:anyType' })).join('')}</saml:AttributeStatement>` +
      `<saml:AuthnStatement AuthnInstant="${iso(t)}" SessionIndex="_${alnum('auth0-s', 32, MIXED)}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('unspecified')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion></samlp:Response>`,
    sign: [{ on: 'response', signer: 'xml-crypto', method: 'rsa-sha1', prefix: '', place: 'last' }],
    expected: { nameId, email, emailFrom: `${CLAIMS}/emailaddress` },
    variants: [sha1Refused('12')],
  }
})()

const adfs = (() => {
  const idp = 'http://fs.example.test/adfs/services/trust'
  const audience = 'https://sp.example.test/session/sso/saml/spentityid/adfs7example'
  const acs = 'https://sp.example.test/session/sso/saml/acs/adfs7example'
  const req = `_${uuid('adfs-req')}`
  const at = Date.parse('2023-10-03T23:27:06.828Z')
  const a = `_${uuid('adfs-a')}`
  const email = 'paula@example.test'
  return {
    id: '13-adfs-assertion-signed',
    mirrors: '13-adfs-assertion-signed',
    about: 'AD FS: Assertion signed (RSA-SHA256) in a default assertion namespace, ds: Signature holding a KeyInfo in the default dsig namespace, " />" empty tags, Consent, SP-initiated, Conditions 1 h but SubjectConfirmationData 5 min',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience, acsUrl: acs, inResponseTo: req, allowSha1: false },
    at,
    xml:
      `<samlp:Response ID="_${uuid('adfs-r')}" Version="2.0" IssueInstant="${iso(at)}" Destination="${acs}" Consent="${CONSENT}" InResponseTo="${req}" xmlns:samlp="${NS.p}"><Issuer xmlns="${NS.a}">${idp}</Issuer>${status('samlp')}` +
      `<Assertion ID="${a}" IssueInstant="${iso(at)}" Version="2.0" xmlns="${NS.a}"><Issuer>${idp}</Issuer>` +
      `<Subject><NameID Format="${FORMAT.email}">${email}</NameID><SubjectConfirmation Method="${BEARER}"><SubjectConfirmationData InResponseTo="${req}" NotOnOrAfter="${iso(at + 5 * MINUTE)}" Recipient="${acs}"/></SubjectConfirmation></Subject>` +
      `<Conditions NotBefore="${iso(at - 2)}" NotOnOrAfter="${iso(at + HOUR - 2)}"><AudienceRestriction><Audience>${audience}</Audience></AudienceRestriction></Conditions>` +
      `<AttributeStatement>${attribute('', `${CLAIMS}/givenname`, ['paula'])}${attribute('', `${CLAIMS}/surname`, ['example'])}</AttributeStatement>` +
      `<AuthnStatement AuthnInstant="${iso(at - 61)}" SessionIndex="${a}"><AuthnContext><AuthnContextClassRef>${AC('PasswordProtectedTransport')}</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion></samlp:Response>`,
    sign: [
      {
        on: 'assertion',
        signer: 'xml-crypto',
        method: 'rsa-sha256',
        prefix: 'ds',
        // Neither edit changes what is signed: KeyInfo is outside SignedInfo and the Assertion digest
        // (enveloped), and c14n drops the space before "/>".
        edit: (xml) => xml.replace('<ds:KeyInfo>', `<KeyInfo xmlns="${NS.ds}">`).replace('</ds:KeyInfo>', '</KeyInfo>').replace(/"\/>/g, '" />'),
      },
    ],
    expected: { nameId: email, email, emailFrom: 'NameID' },
  }
})()

const oktaBoth = (() => {
  const idp = 'http://www.okta.com/exk2example0BothSigned'
  const acs = 'http://localhost:8787/v1/_saml_callback'
  const req = `_${uuid('okta14-req')}`
  const at = Date.parse('2023-07-25T23:20:14.859Z')
  const a = `xmlns:saml2="${NS.a}"`
  return {
    id: '14-okta-both-signed',
    mirrors: '14-okta-both-signed',
    about: 'Okta: Response and Assertion signed (RSA-SHA256) with InclusiveNamespaces PrefixList="xs" on both references, xs declared on the Response and the Assertion, certificates in 76-column lines, SP-initiated, Audience the literal "123" with its quotes, NameID a username, email in a username attribute',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience: '"123"', acsUrl: acs, inResponseTo: req, allowSha1: false },
    at,
    xml:
      `<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="${NS.p}" Destination="${acs}" ID="id${digits('okta14-r', 26)}" InResponseTo="${req}" IssueInstant="${iso(at)}" Version="2.0" xmlns:xs="${NS.xs}"><saml2:Issuer ${a} Format="${FORMAT.entity}">${idp}</saml2:Issuer>${status('saml2p', ` xmlns:saml2p="${NS.p}"`)}` +
      `<saml2:Assertion ${a} ID="id${digits('okta14-a', 26)}" IssueInstant="${iso(at)}" Version="2.0" xmlns:xs="${NS.xs}"><saml2:Issuer Format="${FORMAT.entity}" ${a}>${idp}</saml2:Issuer>` +
      `<saml2:Subject ${a}><saml2:NameID Format="${FORMAT.unspecified}">adalovelace</saml2:NameID><saml2:SubjectConfirmation Method="${BEARER}"><saml2:SubjectConfirmationData InResponseTo="${req}" NotOnOrAfter="${iso(at + 5 * MINUTE)}" Recipient="${acs}"/></saml2:SubjectConfirmation></saml2:Subject>` +
      `<saml2:Conditions NotBefore="${iso(at - 5 * MINUTE)}" NotOnOrAfter="${iso(at + 5 * MINUTE)}" ${a}><saml2:AudienceRestriction><saml2:Audience>"123"</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
      `<saml2:AuthnStatement AuthnInstant="${iso(at)}" SessionIndex="${req}" ${a}><saml2:AuthnContext><saml2:AuthnContextClassRef>${AC('PasswordProtectedTransport')}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
      `<saml2:AttributeStatement ${a}>${attribute('saml2:', 'username', ['ada.lovelace@example.com'], { nameFormat: ATTRNAME.unspecified, type: 'xs:string', declare: 'before-type' })}</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>`,
    sign: [
      // xmlsec1: xml-crypto writes InclusiveNamespaces on every transform, in the transform's namespace.
      { on: 'assertion', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', prefixList: ['xs'], sigWrap: flattenBase64, certWrap: OKTA_CERT_WRAP },
      { on: 'response', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', prefixList: ['xs'], sigWrap: flattenBase64, certWrap: OKTA_CERT_WRAP },
    ],
    expected: { nameId: 'adalovelace', email: 'ada.lovelace@example.com', emailFrom: 'username' },
  }
})()

const oneLogin = (() => {
  const idp = 'https://app.onelogin.com/saml/metadata/700001'
  const acs = 'http://sp.example.test/api/sso/saml2/acs/65f0example0onelogin'
  const email = 'arun@example.com'
  const at = Date.parse('2023-03-08T07:53:39Z')
  return {
    id: '15-onelogin-assertion-signed-sha1',
    mirrors: '15-onelogin-assertion-signed-sha1',
    about: 'OneLogin: Assertion signed (RSA-SHA1), saml declared on the Response and again (with xs, xsi) on the Assertion, pfx-prefixed IDs, instants without fraction, IdP-initiated, Audience the literal "{audience}" OneLogin leaves when the field is blank',
    key: 'rsa-2048',
    connection: { idpEntityId: idp, audience: '{audience}', acsUrl: acs, inResponseTo: null, allowSha1: true },
    at,
    xml:
      `<samlp:Response xmlns:saml="${NS.a}" xmlns:samlp="${NS.p}" ID="R${hex('onelogin-r', 40)}" Version="2.0" IssueInstant="${isoSeconds(at)}" Destination="${acs}"><saml:Issuer>${idp}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion xmlns:saml="${NS.a}" xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" Version="2.0" ID="pfx${uuid('onelogin-a')}" IssueInstant="${isoSeconds(at)}"><saml:Issuer>${idp}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${FORMAT.email}">${email}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${isoSeconds(at + 3 * MINUTE)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${isoSeconds(at - 3 * MINUTE)}" NotOnOrAfter="${isoSeconds(at + 3 * MINUTE)}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${isoSeconds(at - SECOND)}" SessionNotOnOrAfter="${isoSeconds(at + DAY)}" SessionIndex="_${uuid('onelogin-s')}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('PasswordProtectedTransport')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion></samlp:Response>`,
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha1', prefix: 'ds' }],
    expected: { nameId: email, email, emailFrom: 'NameID' },
    variants: [sha1Refused('15')],
  }
})()

const oam = (() => {
  const idp = 'https://oam.example.test:14101/oam/fed'
  const acs = 'http://127.0.0.1:5556/callback'
  const req = `_${uuid('oam-req')}`
  const at = Date.parse('2023-12-12T16:54:35Z')
  return {
    id: '16-oracle-access-manager-assertion-signed-sha1-no-keyinfo',
    mirrors: '16-oracle-access-manager-assertion-signed-sha1-no-keyinfo',
    about: 'Oracle Access Manager: Assertion signed (RSA-SHA1, 1024-bit key) without KeyInfo, every namespace (dsig, enc, saml, x500, xsi) declared on the Response and none on the Signature, persistent NameID with NameQualifier and SPNameQualifier, NotBefore equal to IssueInstant, SP-initiated',
    key: 'rsa-1024',
    connection: { idpEntityId: idp, audience: 'JSAuth', acsUrl: acs, inResponseTo: req, allowSha1: true },
    at,
    xml:
      `<samlp:Response xmlns:samlp="${NS.p}" xmlns:dsig="${NS.ds}" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" xmlns:saml="${NS.a}" xmlns:x500="urn:oasis:names:tc:SAML:2.0:profiles:attribute:X500" xmlns:xsi="${NS.xsi}" Destination="${acs}" ID="id-${alnum('oam-r', 40, `${MIXED}-`)}" InResponseTo="${req}" IssueInstant="${isoSeconds(at)}" Version="2.0">` +
      `<saml:Issuer Format="${FORMAT.entity}">${idp}</saml:Issuer>${status('samlp')}` +
      `<saml:Assertion ID="id-${alnum('oam-a', 40, `${MIXED}-`)}" IssueInstant="${isoSeconds(at)}" Version="2.0"><saml:Issuer Format="${FORMAT.entity}">${idp}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${FORMAT.persistent}" NameQualifier="${idp}" SPNameQualifier="JSAuth">jdoe</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData InResponseTo="${req}" NotOnOrAfter="${isoSeconds(at + 5 * MINUTE)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${isoSeconds(at)}" NotOnOrAfter="${isoSeconds(at + 5 * MINUTE)}"><saml:AudienceRestriction><saml:Audience>JSAuth</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${isoSeconds(at - 25 * SECOND)}" SessionIndex="id-${alnum('oam-s', 40, `${MIXED}-`)}" SessionNotOnOrAfter="${isoSeconds(at + HOUR)}"><saml:AuthnContext><saml:AuthnContextClassRef>${AC('PasswordProtectedTransport')}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion></samlp:Response>`,
    sign: [
      {
        on: 'assertion',
        signer: 'xml-crypto',
        method: 'rsa-sha1',
        prefix: 'dsig',
        keyInfo: 'none',
        // The prefix is declared on the Response; exc-c14n renders it on SignedInfo either way.
        edit: (xml) => xml.replace(`<dsig:Signature xmlns:dsig="${NS.ds}">`, '<dsig:Signature>'),
      },
    ],
    expected: { nameId: 'jdoe', email: null },
    variants: [sha1Refused('16')],
  }
})()

const pingFederate = [
  (() => {
    const { xml, inResponseTo } = pingFederateXml('pf-17', Date.parse('2023-09-02T00:12:06.505Z'), { destination: true })
    return {
      id: '17-pingfederate-response-signed-no-keyinfo',
      mirrors: '17-pingfederate-response-signed-no-keyinfo',
      about: 'PingFederate: Response signed (RSA-SHA256) with a pretty-printed Signature (newlines inside SignedInfo, which are signed), no KeyInfo, unsigned Assertion, IDs with dots, dashes and underscores, SP-initiated',
      key: 'rsa-2048',
      connection: pingConnection(inResponseTo),
      at: Date.parse('2023-09-02T00:12:06.505Z'),
      xml,
      sign: [{ on: 'response', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', pretty: true, keyInfo: 'none', sigWrap: PING_WRAP }],
      expected: pingExpected,
    }
  })(),
  (() => {
    const at = Date.parse('2023-09-02T23:50:08.465Z')
    const { xml, inResponseTo } = pingFederateXml('pf-18', at, { destination: false })
    return {
      id: '18-pingfederate-assertion-signed-no-destination',
      mirrors: '18-pingfederate-assertion-signed-no-destination',
      about: 'PingFederate: Assertion signed (RSA-SHA256), pretty-printed Signature with KeyInfo, no Destination on the Response (PingFederate sets it only when it signs the Response)',
      key: 'rsa-2048',
      connection: pingConnection(inResponseTo),
      at,
      xml,
      sign: [{ on: 'assertion', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', pretty: true, sigWrap: PING_WRAP, certWrap: PING_WRAP }],
      expected: pingExpected,
    }
  })(),
  (() => {
    const at = Date.parse('2023-09-01T21:24:46.268Z')
    const { xml, inResponseTo } = pingFederateXml('pf-19', at, { destination: false })
    return {
      id: '19-pingfederate-assertion-signed-no-keyinfo-no-destination',
      mirrors: '19-pingfederate-assertion-signed-no-keyinfo-no-destination',
      about: 'PingFederate: Assertion signed (RSA-SHA256), pretty-printed Signature, neither KeyInfo nor Destination',
      key: 'rsa-2048',
      connection: pingConnection(inResponseTo),
      at,
      xml,
      sign: [{ on: 'assertion', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', pretty: true, keyInfo: 'none', sigWrap: PING_WRAP }],
      expected: pingExpected,
    }
  })(),
]

const toolExpected = { nameId: TOOL.nameId, email: TOOL.nameId, emailFrom: 'Email' }
const oktaTool = [
  {
    id: '20-okta-saml-test-tool-assertion-signed-sha1',
    mirrors: '20-okta-saml-test-tool-assertion-signed-sha1',
    about: "Okta's SAML test IdP, scenario 0: Assertion signed (RSA-SHA1, Signature in a default namespace), IdP-initiated, Response IssueInstant without fraction and double spaces between its attributes, the emailAddress NameID Format URI also used as an attribute name, issuer equal to the audience",
    key: 'rsa-2048',
    connection: toolConnection(true),
    at: TOOL_AT,
    xml: oktaToolXml('tool-20', TOOL_AT, {}),
    sign: [{ on: 'assertion', signer: 'xml-crypto', method: 'rsa-sha1', prefix: '' }],
    // Only the unsigned Response start tag changes.
    after: (xml) => xml.replace(/ Version="2\.0" IssueInstant="([^"]+)" Destination=/, '  Version="2.0" IssueInstant="$1"  Destination='),
    expected: toolExpected,
    variants: [sha1Refused('20')],
  },
  {
    id: '21-okta-saml-test-tool-c14n11-whole-document',
    mirrors: '21-okta-saml-test-tool-c14n11-whole-document',
    about: 'the same tool, scenario 2: Response signed with Canonical XML 1.1 as CanonicalizationMethod and transform and Reference URI="" (the whole document, which SAML Core 5.4.2 rules out), unsigned Assertion',
    key: 'rsa-2048',
    connection: toolConnection(false),
    at: TOOL_AT + SECOND,
    xml: oktaToolXml('tool-21', TOOL_AT + SECOND, {}),
    sign: [{ on: 'response', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', c14n: 'c14n11', uri: '', sigWrap: flattenBase64, certWrap: flattenBase64 }],
    expected: { refused: 'reference_mismatch' },
  },
  {
    id: '21b-okta-saml-test-tool-c14n11-id-reference',
    mirrors: '21-okta-saml-test-tool-c14n11-whole-document',
    about: 'scenario 2 signed with a Reference to the Response ID instead of URI="": the same Canonical XML 1.1 signature is accepted, so the URI alone decides 21',
    departs: 'not in the captured set: 21 with the one change that makes it conform',
    key: 'rsa-2048',
    connection: toolConnection(false),
    at: TOOL_AT + 2 * SECOND,
    xml: oktaToolXml('tool-21b', TOOL_AT + 2 * SECOND, {}),
    sign: [{ on: 'response', signer: 'xmlsec1', method: 'rsa-sha256', prefix: 'ds', c14n: 'c14n11', sigWrap: flattenBase64, certWrap: flattenBase64 }],
    expected: toolExpected,
  },
]

export const CASES = [entra, google, jumpCloud, keycloak, ...oktaCases.slice(0, 2), pingOne, ...oktaCases.slice(2), nulByte, auth0, adfs, oktaBoth, oneLogin, oam, ...pingFederate, ...oktaTool]
