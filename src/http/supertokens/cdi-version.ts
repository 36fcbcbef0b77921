import { AppError } from '../../domain/errors'

/**
 * Core Driver Interface versions the SuperTokens core accepts in `cdi-version` (core 12.x). SAML
 * behaviour does not change between them; the SDKs with a SAML recipe send 5.4.
 */
export const SUPPORTED_CDI_VERSIONS = [
  ...Array.from({ length: 15 }, (_, i) => `2.${i + 7}`),
  '3.0', '3.1', '4.0',
  ...Array.from({ length: 7 }, (_, i) => `5.${i}`),
] as const

const SUPPORTED = new Set<string>(SUPPORTED_CDI_VERSIONS)
const VERSION = /^[0-9]+(\.[0-9]+)*$/

const cdiIssue = (expected: string) => new AppError('invalid_input', { issues: [{ param: 'cdi-version', kind: 'value', expected }] })

const isBelow3 = (v: string) => Number(v.split('.')[0]) < 3

/**
 * Checks the optional `cdi-version` header the way the core does: absent means the newest version,
 * a malformed or unsupported one is a 400, and before 3.0 only the public tenant exists.
 */
export function checkCdiVersion(header: string | undefined, tenantId: string): void {
  if (header === undefined) return
  const v = header.trim()
  if (!VERSION.test(v)) throw cdiIssue('cdi-version header is invalid')
  if (isBelow3(v) && tenantId !== 'public') throw new AppError('not_found')
  if (!SUPPORTED.has(v)) throw cdiIssue(`cdi-version ${v} not supported`)
}
