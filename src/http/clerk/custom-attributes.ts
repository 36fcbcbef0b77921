import type { z } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import type { CustomAttribute } from '../../domain/saml-connection'
import type { CustomAttributeBody } from './enterprise-schemas'

/** Clerk's `custom_attributes`, in and out; both Clerk views answer them. */

/** `directory_path` is the new name of `scim_path`: one value, sent under either name or both. */
export function fromCustomAttributes(items: z.infer<typeof CustomAttributeBody>[] | null | undefined): CustomAttribute[] | undefined {
  if (!items) return undefined
  return items.map((a, i) => {
    if (a.scim_path !== undefined && a.directory_path !== undefined && a.scim_path !== a.directory_path) {
      throw new AppError('invalid_input', { issues: [{ param: `custom_attributes.${i}.directory_path`, kind: 'value', expected: 'the same value as scim_path, or send only one of them' }] })
    }
    return { name: a.name, key: a.key, ssoPath: a.sso_path || null, scimPath: a.directory_path || a.scim_path || null, multiValued: a.multi_valued ?? false }
  })
}

export const toCustomAttributesJson = (items: CustomAttribute[]) =>
  items.map((a) => ({ name: a.name, key: a.key, sso_path: a.ssoPath ?? '', scim_path: a.scimPath ?? '', directory_path: a.scimPath ?? '', multi_valued: a.multiValued }))
