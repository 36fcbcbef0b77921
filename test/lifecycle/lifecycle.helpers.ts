/**
 * The lifecycle tests' view of the world: metadata documents published at the outbound stand-in
 * (test/setup/metadata-documents.ts), the cron run as Workers runs it, and the D1 rows it leaves.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import worker from '../../src/index'
import { BINDING_POST, BINDING_REDIRECT, metadataXml, type MetadataOptions } from '../helpers/idp-metadata'
import { METADATA_ORIGIN } from '../helpers/outbound'

export { BINDING_POST, BINDING_REDIRECT }

/** A fresh document name, so tests never share one. */
export const documentName = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`
export const documentUrl = (name: string) => `${METADATA_ORIGIN}/documents/${name}`

/** Publishes (or replaces) a document; `status` makes its URL answer that status instead. */
export async function publish(name: string, xml: string, opts: { status?: number; etag?: boolean } = {}): Promise<void> {
  const headers: Record<string, string> = {}
  if (opts.status) headers['x-answer-status'] = String(opts.status)
  if (opts.etag === false) headers['x-no-etag'] = '1'
  const res = await fetch(`${METADATA_ORIGIN}/__documents/${name}`, { method: 'PUT', headers, body: xml })
  if (res.status !== 204) throw new Error(`publish failed: ${res.status}`)
}

export interface DocumentStats {
  fetches: number
  notModified: number
  lastConditional: { ifNoneMatch: string | null; ifModifiedSince: string | null }
  etag: string | null
}
export const documentStats = async (name: string): Promise<DocumentStats> => (await fetch(`${METADATA_ORIGIN}/__documents/${name}`)).json()

export const metadataFor = (entityId: string, certs: string[], extra: MetadataOptions = {}) =>
  metadataXml({ entityId, ssoUrl: `${METADATA_ORIGIN}/sso`, bindings: [BINDING_POST], certs, ...extra })

/** Runs the Worker's `scheduled` handler as the cron trigger does, and waits for all it started. */
export async function runCron(): Promise<void> {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/1 * * * *' }), env, ctx)
  await waitOnExecutionContext(ctx)
}

export interface EventRow {
  id: string
  type: string
  instance_id: string
  connection_id: string
  data: Record<string, any>
  created_at: number
  delivered_at: number | null
}

/**
 * The outbox rows about one connection that its lifecycle wrote, oldest first: an admin's own writes
 * (created, updated, ... with `source: "admin"`; test/webhooks) are left out.
 */
export async function eventsOf(connectionId: string, type?: string): Promise<EventRow[]> {
  const r = await env.DB.prepare('SELECT id, type, instance_id, connection_id, data_json, created_at, delivered_at FROM events WHERE connection_id = ? ORDER BY created_at, rowid')
    .bind(connectionId)
    .all<EventRow & { data_json: string }>()
  return r.results
    .map(({ data_json, ...e }) => ({ ...e, data: JSON.parse(data_json) }))
    .filter((e) => e.data.source !== 'admin' && (!type || e.type === type))
}

export interface RefreshRow {
  metadata_url: string
  next_refresh_at: number
  etag: string | null
  last_modified: string | null
  failures: number
  last_failure: string | null
  last_attempt_at: number | null
  last_success_at: number | null
  cache_duration_ms: number | null
}
export const refreshRow = (connectionId: string) => env.DB.prepare('SELECT * FROM metadata_refresh WHERE connection_id = ?').bind(connectionId).first<RefreshRow>()

/** Makes connections due now, in this order ahead of anything else due (the cron takes the earliest first). */
export async function makeDue(...connectionIds: string[]): Promise<void> {
  await env.DB.batch(connectionIds.map((id, i) => env.DB.prepare('UPDATE metadata_refresh SET next_refresh_at = ? WHERE connection_id = ?').bind(i + 1, id)))
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const

/** A self-signed IdP certificate (PEM) valid from an hour ago until `notAfter`, with its key (PKCS#8 PEM). */
export async function makeCertificate(notAfter: number): Promise<{ cert: string; key: string }> {
  const keys = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
    name: 'CN=saml-edge lifecycle test IdP',
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: RSA,
    keys,
  })
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', keys.privateKey)) as ArrayBuffer)
  const key = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pkcs8)).match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`
  return { cert: cert.toString('pem'), key }
}
