import { Hono } from 'hono'
import { html } from 'hono/html'
import { AppError } from '../../domain/errors'
import { randomBase62 } from '../../domain/ids'
import {
  BINDING_POST,
  BINDING_REDIRECT,
  bytesToBase64,
  encryptAssertion,
  escapeXml,
  importSigningKey,
  parseAuthnRequest,
  SAML_ASSERTION_NS,
  signEnvelopedXml,
  toBareBase64,
} from '../../saml'
import { autoPostPage } from '../browser/auto-post-form'
import type { AppEnv } from '../env'
import { htmlPage } from '../middleware/content-security-policy'

export const devIdpEntityId = (origin: string) => `${origin}/dev/idp`

/** Metadata of the development IdP, in the shape real IdPs publish. */
export function devIdpMetadata(origin: string, certificatePem: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeXml(devIdpEntityId(origin))}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${toBareBase64(certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="${BINDING_REDIRECT}" Location="${escapeXml(origin)}/dev/idp/sso"/><md:SingleSignOnService Binding="${BINDING_POST}" Location="${escapeXml(origin)}/dev/idp/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  )
}

function readAuthnRequest(samlRequest: string) {
  const read = parseAuthnRequest(samlRequest)
  if (!read.ok) throw new AppError('malformed_body', { internal: read.failure })
  return { id: read.value.id, acsUrl: read.value.acsUrl, audience: read.value.issuer }
}

const iso = (ms: number) => new Date(ms).toISOString()

async function buildSignedResponse(env: AppEnv['Bindings'], origin: string, f: Record<string, string>): Promise<string> {
  const keyPem = env.DEV_IDP_PRIVATE_KEY
  const certPem = env.DEV_IDP_CERTIFICATE
  if (!keyPem || !certPem) throw new AppError('internal', { internal: 'DEV_IDP_PRIVATE_KEY / DEV_IDP_CERTIFICATE are not set' })
  const now = Date.now()
  const issuer = escapeXml(devIdpEntityId(origin))
  const assertionId = `_a${randomBase62(30)}`
  const irt = f.request_id ? ` InResponseTo="${escapeXml(f.request_id)}"` : ''
  const attr = (name: string, value: string | undefined) =>
    value ? `<saml:Attribute Name="${name}"><saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue></saml:Attribute>` : ''
  const assertion =
    `<saml:Assertion xmlns:saml="${SAML_ASSERTION_NS}" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escapeXml(f.email ?? '')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${iso(now + 300_000)}" Recipient="${escapeXml(f.acs ?? '')}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(now - 30_000)}" NotOnOrAfter="${iso(now + 300_000)}"><saml:AudienceRestriction><saml:Audience>${escapeXml(f.audience ?? '')}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s${randomBase62(16)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attr('email', f.email)}${attr('firstName', f.first_name)}${attr('lastName', f.last_name)}${attr('groups', f.groups)}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  const signed = await signEnvelopedXml(assertion, assertionId, await importSigningKey(keyPem), certPem)
  // Encrypted to this deployment's own SP encryption certificate, as an IdP reads it from the SP metadata.
  const spCertificate = env.SP_ENCRYPTION_CERTIFICATE
  if (f.encrypt === 'on' && !spCertificate) throw new AppError('internal', { internal: 'SP_ENCRYPTION_CERTIFICATE is not set' })
  const carried = f.encrypt === 'on' && spCertificate ? await encryptAssertion(signed, spCertificate) : signed
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="${SAML_ASSERTION_NS}" ID="_r${randomBase62(30)}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escapeXml(f.acs ?? '')}"${irt}>` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${carried}</samlp:Response>`
  )
}

/**
 * A development-only IdP: it signs whoever you type in, so `npm run dev` can run a real sign-in
 * end to end without an external IdP. Mounted only when ENVIRONMENT is `development`.
 */
export function devIdpRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/metadata', (c) => {
    if (!c.env.DEV_IDP_CERTIFICATE) throw new AppError('not_found')
    return c.body(devIdpMetadata(c.var.origin, c.env.DEV_IDP_CERTIFICATE), 200, { 'content-type': 'application/samlmetadata+xml' })
  })

  app.get('/sso', (c) => {
    const req = readAuthnRequest(c.req.query('SAMLRequest') ?? '')
    if (!req.acsUrl.startsWith(`${c.var.origin}/`)) throw new AppError('invalid_client', { internal: 'the dev IdP only answers this service' })
    return htmlPage(c, html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development IdP</title></head>
<body><h1>Development IdP</h1><p>Signs in as whoever you type. Development only.</p>
<form method="post" action="/dev/idp/sso">
<input type="hidden" name="request_id" value="${req.id}"><input type="hidden" name="acs" value="${req.acsUrl}">
<input type="hidden" name="audience" value="${req.audience}"><input type="hidden" name="relay_state" value="${c.req.query('RelayState') ?? ''}">
<label>Email <input name="email" id="email" value="ada@example.com"></label>
<label>First name <input name="first_name" value="Ada"></label> <label>Last name <input name="last_name" value="Lovelace"></label>
<label>Groups <input name="groups" value="engineering"></label>
<label><input type="checkbox" name="encrypt" id="encrypt" checked> Encrypt the assertion to the SP (EncryptedAssertion, AES-256-GCM + RSA-OAEP)</label>
<button id="idp-sign-in" type="submit">Sign in</button></form></body></html>`, { formAction: ["'self'"] })
  })

  app.post('/sso', async (c) => {
    const f = Object.fromEntries(new URLSearchParams(await c.req.text())) as Record<string, string>
    if (!f.acs?.startsWith(`${c.var.origin}/`)) throw new AppError('invalid_client')
    const response = await buildSignedResponse(c.env, c.var.origin, f)
    const samlResponse = bytesToBase64(new TextEncoder().encode(response))
    return autoPostPage(c, f.acs, { SAMLResponse: samlResponse, ...(f.relay_state ? { RelayState: f.relay_state } : {}) })
  })
  return app
}
