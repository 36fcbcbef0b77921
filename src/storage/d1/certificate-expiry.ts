import { EXPIRED_STAGE, EXPIRY_HORIZON_MS, EXPIRY_WARNING_DAYS } from '../../domain/certificate-expiry'
import type { CertificateExpiryRepository } from '../types'
import { CONNECTION_COLUMNS, fromRow, type ConnectionRow } from './connection-rows'
import { eventInsert, type Guard } from './events'
import type { D1Handle } from './handle'

const DAY = 24 * 60 * 60_000
const COLUMNS = CONNECTION_COLUMNS.map((c) => `c.${c}`).join(', ')

// The stage a certificate set has reached at `now` (the first parameter), in SQL: the same rule as
// domain/certificate-expiry.ts `expiryStage`, so rows whose notice is current are never read.
const smallestFirst = [...EXPIRY_WARNING_DAYS].sort((a, b) => a - b)
const STAGE_SQL = `CASE WHEN c.certificates_expire_at <= ?1 THEN ${EXPIRED_STAGE} ${smallestFirst
  .map((days) => `WHEN c.certificates_expire_at <= ?1 + ${days * DAY} THEN ${days}`)
  .join(' ')} END`

// The partial index saml_connections_certificates_expiry (migrations/0010) serves the range.
const DUE_SQL =
  `SELECT ${COLUMNS}, n.certificates_expire_at AS notice_expire_at, n.fingerprint AS notice_fingerprint, n.stage_days AS notice_stage ` +
  'FROM saml_connections c LEFT JOIN certificate_expiry_notices n ON n.connection_id = c.id ' +
  'WHERE c.active = 1 AND c.certificates_expire_at IS NOT NULL AND c.certificates_expire_at <= ?2 ' +
  `AND (n.connection_id IS NULL OR n.certificates_expire_at != c.certificates_expire_at OR n.stage_days > ${STAGE_SQL}) ` +
  'ORDER BY c.certificates_expire_at LIMIT ?3'

type DueRow = ConnectionRow & { notice_expire_at: number | null; notice_fingerprint: string | null; notice_stage: number | null }

export function d1CertificateExpiry(db: D1Handle): CertificateExpiryRepository {
  return {
    async due(now, limit) {
      const r = await db.prepare(DUE_SQL).bind(now, now + EXPIRY_HORIZON_MS, limit).all<DueRow>()
      return r.results.map((row) => ({
        connection: fromRow(row),
        notice:
          row.notice_fingerprint === null || row.notice_expire_at === null || row.notice_stage === null
            ? null
            : { certificatesExpireAt: row.notice_expire_at, fingerprint: row.notice_fingerprint, stageDays: row.notice_stage },
      }))
    },

    async record(connectionId, notice, now, events) {
      // Two overlapping runs record a stage once: the events only while no notice of this set has
      // reached the stage yet, and the notice after them.
      const notYet: Guard = {
        sql: 'NOT EXISTS (SELECT 1 FROM certificate_expiry_notices WHERE connection_id = ? AND fingerprint = ? AND stage_days <= ?)',
        args: [connectionId, notice.fingerprint, notice.stageDays],
      }
      await db.batch([
        ...events.map((e) => eventInsert(db, e, notYet)),
        db
          .prepare(
            'INSERT INTO certificate_expiry_notices (connection_id, certificates_expire_at, fingerprint, stage_days, recorded_at) SELECT ?, ?, ?, ?, ? ' +
              'WHERE EXISTS (SELECT 1 FROM saml_connections WHERE id = ?) ON CONFLICT (connection_id) DO UPDATE SET ' +
              'certificates_expire_at = excluded.certificates_expire_at, fingerprint = excluded.fingerprint, stage_days = excluded.stage_days, recorded_at = excluded.recorded_at',
          )
          .bind(connectionId, notice.certificatesExpireAt, notice.fingerprint, notice.stageDays, now, connectionId),
      ])
    },
  }
}
