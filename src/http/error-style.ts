import { isLegacyPath, isSupertokensPath, isSupertokensSpMetadataPath } from './supertokens/paths'

/**
 * The API style whose envelope a path's errors are written in. The one place that decides it:
 * the root app's `onError` and `notFound` both ask here, sub-apps never render errors themselves.
 * `supertokens-form` is the core's legacy form endpoints, which send outcomes as 400 text.
 */
export type ErrorStyle = 'clerk' | 'supertokens' | 'supertokens-form' | 'browser' | 'plain'

const isLegacyFormPath = (path: string) => isLegacyPath(path) && !path.endsWith('/authorize')

export function errorStyleOf(path: string): ErrorStyle {
  if (isSupertokensPath(path) || isSupertokensSpMetadataPath(path)) return isLegacyFormPath(path) ? 'supertokens-form' : 'supertokens'
  // Browsers and IdPs: the sign-in endpoints and the development pages.
  if (path.startsWith('/v1/saml/') || path === '/' || path.startsWith('/dev/')) return 'browser'
  if (path.startsWith('/v1/')) return 'clerk'
  return 'plain'
}
