/**
 * Reads the XML Schema types of metadata's freshness attributes (SAML Metadata §2.2.1). Both are
 * hints for when to fetch again, so an unreadable value is no value (null), never an error.
 */
const DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const SECOND = 1000
// A year and a month have no fixed length; for a refresh hint 365 and 30 days are close enough.
const UNITS = [365 * 86_400, 30 * 86_400, 86_400, 3_600, 60, 1].map((s) => s * SECOND)

/** xs:duration (`PT6H`, `P1D`, `P0Y1M`) in milliseconds; null for anything else, a negative one included. */
export function parseXsDuration(raw: string | undefined): number | null {
  const m = raw === undefined ? null : DURATION.exec(raw.trim())
  if (!m || m[1] || !m.slice(2).some((part) => part !== undefined) || raw?.trim().endsWith('T')) return null
  return m.slice(2).reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * (UNITS[i] ?? 0)), 0)
}

/** xs:dateTime in epoch milliseconds; null when it is not one. A value without a zone is read as UTC. */
export function parseXsDateTime(raw: string | undefined): number | null {
  const value = raw?.trim() ?? ''
  if (!/^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value)) return null
  const ms = Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`)
  return Number.isFinite(ms) ? ms : null
}
