import { certificatesExpireAt, certificateSetFingerprint, expiryStage } from '../domain/certificate-expiry'
import type { Deps } from './deps'
import { expiryEvent } from './lifecycle-events'

const BATCH = 100

/**
 * The cron's expiry warnings: for each active connection whose every certificate expires within 30
 * days, `certificate_expiring` at 30, 7 and 1 days and `certificate_expired` after, each once per
 * certificate set (a new set, from a refresh or an admin, starts over). A connection first seen late
 * gets the stage it is at, not the ones it skipped. Returns how many events were recorded.
 */
export async function recordExpiryWarnings(deps: Deps, limit = BATCH): Promise<number> {
  const now = deps.clock()
  let recorded = 0
  for (const { connection, notice } of await deps.certificateExpiry.due(now, limit)) {
    const expiresAt = certificatesExpireAt(connection.idpCertificates)
    const stage = expiresAt === null ? null : expiryStage(expiresAt, now)
    if (expiresAt === null || stage === null) continue
    const fingerprint = await certificateSetFingerprint(connection.idpCertificates)
    const known = notice?.fingerprint === fingerprint && notice.stageDays <= stage
    const events = known ? [] : [await expiryEvent(connection, stage, expiresAt, now)]
    await deps.certificateExpiry.record(connection.id, { certificatesExpireAt: expiresAt, fingerprint, stageDays: known ? (notice?.stageDays ?? stage) : stage }, now, events)
    recorded += events.length
  }
  return recorded
}
