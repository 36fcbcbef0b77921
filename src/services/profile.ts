import type { AttributeMapping } from '../domain/saml-connection'

/** The user a finished sign-in describes, after the connection's attribute mapping. */
export interface SignInProfile {
  connectionId: string
  organizationId: string | null
  idpEntityId: string
  nameId: string
  nameIdFormat: string | null
  sessionIndex: string | null
  userId: string
  emailAddress: string | null
  firstName: string | null
  lastName: string | null
  attributes: Record<string, string[]>
}

// Names IdPs commonly use when the connection maps nothing explicitly.
const DEFAULT_NAMES: Record<'emailAddress' | 'firstName' | 'lastName', string[]> = {
  emailAddress: ['email', 'mail', 'emailAddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'],
  firstName: ['firstName', 'first_name', 'givenName', 'given_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'],
  lastName: ['lastName', 'last_name', 'surname', 'sn', 'family_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'],
}

function pick(attributes: Record<string, string[]>, mapped: string, defaults: string[]): string | null {
  const names = mapped ? [mapped] : defaults
  for (const n of names) {
    // Own keys only: a mapping such as `constructor` or `__proto__` must not read Object.prototype.
    const v = Object.hasOwn(attributes, n) ? attributes[n]?.find((x) => x.trim() !== '') : undefined
    if (v) return v.trim()
  }
  return null
}

/** Applies `attribute_mapping`: a mapped name wins; an empty mapping falls back to common names. */
export function mapProfile(
  base: { connectionId: string; organizationId: string | null; idpEntityId: string; nameId: string; nameIdFormat: string | null; sessionIndex: string | null },
  attributes: Record<string, string[]>,
  mapping: AttributeMapping,
): SignInProfile {
  const email = pick(attributes, mapping.emailAddress, DEFAULT_NAMES.emailAddress) ?? (base.nameId.includes('@') ? base.nameId : null)
  return {
    ...base,
    userId: (mapping.userId && pick(attributes, mapping.userId, [])) || base.nameId,
    emailAddress: email,
    firstName: pick(attributes, mapping.firstName, DEFAULT_NAMES.firstName),
    lastName: pick(attributes, mapping.lastName, DEFAULT_NAMES.lastName),
    attributes,
  }
}
