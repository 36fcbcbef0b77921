import type { SignInProfile } from '../../services/profile'

/** The profile returned by the code exchange, in snake_case like the Clerk-style API. */
export const toProfileJson = (p: SignInProfile) => ({
  object: 'saml_profile',
  connection_id: p.connectionId,
  organization_id: p.organizationId,
  idp_entity_id: p.idpEntityId,
  name_id: p.nameId,
  name_id_format: p.nameIdFormat,
  session_index: p.sessionIndex,
  user_id: p.userId,
  email_address: p.emailAddress,
  first_name: p.firstName,
  last_name: p.lastName,
  attributes: p.attributes,
  // A code issued before custom attributes existed carries none.
  custom_attributes: p.customAttributes ?? {},
})
