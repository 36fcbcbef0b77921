import { AppError } from '../domain/errors'
import type { AttributeMapping, CustomAttribute } from '../domain/saml-connection'

const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'

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
  /** The connection's custom attributes found in the assertion, by key: an array when multi-valued. */
  customAttributes: Record<string, string | string[]>
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

/**
 * Each custom attribute's values from the SAML attribute its `ssoPath` names (trimmed, empty ones
 * dropped): all of them when multi-valued, else the first. One the assertion lacks is left out.
 */
function customValues(attributes: Record<string, string[]>, custom: CustomAttribute[]): Record<string, string | string[]> {
  // A Map, then Object.fromEntries: keys such as `__proto__` stay plain own keys.
  const out = new Map<string, string | string[]>()
  for (const c of custom) {
    if (!c.ssoPath || !Object.hasOwn(attributes, c.ssoPath)) continue
    const values = (attributes[c.ssoPath] ?? []).map((v) => v.trim()).filter((v) => v !== '')
    if (values.length === 0) continue
    out.set(c.key, c.multiValued ? values : (values[0] as string))
  }
  return Object.fromEntries(out)
}

/**
 * Applies `attribute_mapping` and the custom attributes: a mapped name wins; an empty mapping falls back to common names.
 * The user id is the mapped user-id attribute, else the NameID; under a transient NameID, else the
 * email; with neither, the sign-in is refused.
 */
export function mapProfile(
  base: { connectionId: string; organizationId: string | null; idpEntityId: string; nameId: string; nameIdFormat: string | null; sessionIndex: string | null },
  attributes: Record<string, string[]>,
  mapping: AttributeMapping,
  custom: CustomAttribute[] = [],
): SignInProfile {
  const transient = base.nameIdFormat === TRANSIENT
  const email = pick(attributes, mapping.emailAddress, DEFAULT_NAMES.emailAddress) ?? (!transient && base.nameId.includes('@') ? base.nameId : null)
  const mappedUserId = (mapping.userId && pick(attributes, mapping.userId, [])) || null
  // A transient NameID changes at every login: as a user id it would make a new user every time.
  const userId = mappedUserId ?? (transient ? email : base.nameId)
  if (!userId) throw new AppError('saml_response_rejected', { internal: { reason: 'transient_name_id_without_user_id' } })
  return {
    ...base,
    userId,
    emailAddress: email,
    firstName: pick(attributes, mapping.firstName, DEFAULT_NAMES.firstName),
    lastName: pick(attributes, mapping.lastName, DEFAULT_NAMES.lastName),
    attributes,
    customAttributes: customValues(attributes, custom),
  }
}
