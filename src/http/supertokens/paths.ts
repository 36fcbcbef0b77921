/**
 * SuperTokens core paths: `/X`, `/<tenantId>/X`, `/appid-<appId>/X` and `/appid-<appId>/<tenantId>/X`.
 * Like the core, ids are matched on the lower-cased path, and the default app and tenant are `public`.
 * App and tenant ids are 1-64 characters of `[a-z0-9-]`.
 */

import { DEFAULT_APP_ID, DEFAULT_TENANT_ID } from '../../domain/saml-connection'

export { DEFAULT_APP_ID, DEFAULT_TENANT_ID }

/** Segments the core never reads as a tenant id, because core APIs start with them. */
const RESERVED_TENANT_IDS = new Set(['recipe', 'config', 'users', 'hello', 'apiversion'])

// The core's app_id and tenant_id columns are VARCHAR(64).
const ID = '[a-z0-9-]{1,64}'
const PREFIX = new RegExp(`^(?:/appid-(${ID}))?(?:/(${ID}))?(?:/recipe/.*|/apiversion)$`)

export interface PathScope {
  appId: string
  tenantId: string
}

/** Reads app and tenant from a request path; null when the path is not a SuperTokens core path. */
export function parseSupertokensPath(path: string): PathScope | null {
  const m = PREFIX.exec(path.toLowerCase())
  if (!m) return null
  const [, appId = DEFAULT_APP_ID, tenantId = DEFAULT_TENANT_ID] = m
  if (m[2] !== undefined && (RESERVED_TENANT_IDS.has(tenantId) || tenantId.startsWith('appid-'))) return null
  return { appId, tenantId }
}

/**
 * Whether the root app should answer this path in the SuperTokens style (404s and stray errors).
 * Empty segments count: an SDK configured with a trailing slash sends `//recipe/...`.
 */
export const isSupertokensPath = (path: string): boolean =>
  parseSupertokensPath(path) !== null || /^(?:\/[^/]*){0,2}\/recipe\//i.test(path)

/** The SP metadata of a client, under the same prefixes (it is not under `/recipe/`). */
export const isSupertokensSpMetadataPath = (path: string): boolean => /^(?:\/[^/]*){0,2}\/\.well-known\/sp-metadata$/i.test(path)

/** The legacy OAuth-style endpoints, which resolve their scope their own way. */
export const isLegacyPath = (path: string): boolean => /\/recipe\/saml\/legacy\//.test(path)
