import { systemClock } from '../domain/clock'
import type { Deps } from '../services/deps'
import { makeMetadataFetcher } from '../services/metadata-fetcher'
import { d1ApiKeys } from '../storage/d1/api-keys'
import { d1Connections } from '../storage/d1/saml-connections'
import { kvEdgeCopy } from '../storage/kv/edge-copy'
import { kvCodeCopy } from '../storage/kv/code-copy'
import { d1SsoState } from '../storage/d1/sso-state'
import { d1Events } from '../storage/d1/events'
import { d1MetadataRefresh } from '../storage/d1/metadata-refresh'
import { d1CertificateExpiry } from '../storage/d1/certificate-expiry'
import { d1SignInAttempts } from '../storage/d1/sign-in-attempts'
import { d1TestRuns } from '../storage/d1/test-runs'
import { d1WebhookEndpoints } from '../storage/d1/webhook-endpoints'
import { DEFAULT_RETRY_BASE_SECONDS, WEBHOOK_TIMEOUT_MS, type WebhookMessage } from '../domain/webhooks'
import { importSealingKey } from '../services/webhook-secrets'
import type { SpEncryption, SpKeys, WebhookWiring } from '../services/deps'
import { openD1Sessions, type D1Sessions } from './d1-sessions'
import { jsonLogger } from './logger'
import { importDecryptionKey, importSigningKey } from '../saml'

/** Secrets set with `wrangler secret put` (or `.dev.vars` locally); not part of wrangler.toml. */
export interface Secrets {
  SP_PRIVATE_KEY?: string
  SP_CERTIFICATE?: string
  /** A rollover's next SP signing certificate (PEM), published in SP metadata beside SP_CERTIFICATE. */
  SP_NEXT_CERTIFICATE?: string
  /** The SP's encryption pair (PKCS#8 PEM key, PEM certificate): IdPs encrypt assertions to it. */
  SP_ENCRYPTION_PRIVATE_KEY?: string
  SP_ENCRYPTION_CERTIFICATE?: string
  /** A rollover's next encryption pair; it decrypts and is published as well. */
  SP_NEXT_ENCRYPTION_PRIVATE_KEY?: string
  SP_NEXT_ENCRYPTION_CERTIFICATE?: string
  PUBLIC_ORIGIN?: string
  /** Development IdP's signing key and certificate (PEM); used only when ENVIRONMENT is development. */
  DEV_IDP_PRIVATE_KEY?: string
  DEV_IDP_CERTIFICATE?: string
  /** `false` turns off the one-line access log (benchmarks). */
  LOG_REQUESTS?: string
  /** Metadata URLs refreshed per cron run (default 50; README, Lifecycle). */
  METADATA_REFRESH_BATCH?: string
  /** Base64 of 32 bytes: the AES-GCM key webhook signing secrets are stored under (README, Webhooks). */
  WEBHOOK_SECRET_KEY?: string
  /** Seconds before a failed delivery's first retry (default 60); short in development and tests. */
  WEBHOOK_RETRY_BASE_SECONDS?: string
}

// Imported once per isolate: key import is the slow part of signing.
let spKeysCache: { pem: string; keys: Promise<SpKeys> } | null = null
function spKeysFrom(env: Env & Secrets): () => Promise<SpKeys | null> {
  return async () => {
    const pem = env.SP_PRIVATE_KEY
    const cert = env.SP_CERTIFICATE
    if (!pem || !cert) return null
    if (spKeysCache?.pem !== pem) spKeysCache = { pem, keys: importSigningKey(pem).then((privateKey) => ({ privateKey, certificatePem: cert })) }
    return spKeysCache.keys
  }
}

// Per isolate too: a decryption key imports itself once per OAEP hash, on first use.
let spEncryptionCache: { secrets: string; encryption: SpEncryption } | null = null
function spEncryptionFrom(env: Env & Secrets): () => SpEncryption {
  return () => {
    const pairs = [
      [env.SP_ENCRYPTION_PRIVATE_KEY, env.SP_ENCRYPTION_CERTIFICATE],
      [env.SP_NEXT_ENCRYPTION_PRIVATE_KEY, env.SP_NEXT_ENCRYPTION_CERTIFICATE],
    ].filter((p): p is [string, string] => Boolean(p[0] && p[1]))
    const secrets = JSON.stringify(pairs)
    if (spEncryptionCache?.secrets !== secrets) {
      spEncryptionCache = { secrets, encryption: { keys: pairs.map(([key]) => importDecryptionKey(key)), certificatesPem: pairs.map(([, cert]) => cert) } }
    }
    return spEncryptionCache.encryption
  }
}

// Imported once per isolate, like the SP keys.
let sealingKeyCache: { raw: string | undefined; key: Promise<CryptoKey | null> } | null = null
function webhookWiring(env: Env & Secrets): WebhookWiring {
  const base = Number(env.WEBHOOK_RETRY_BASE_SECONDS)
  const producer = env.WEBHOOK_QUEUE as Queue<WebhookMessage> | undefined
  return {
    queue: producer ? { send: async (messages) => void (await producer.sendBatch(messages.map((body) => ({ body, contentType: 'json' as const })))) } : null,
    sealingKey: () => {
      const cached = sealingKeyCache?.raw === env.WEBHOOK_SECRET_KEY ? sealingKeyCache : null
      const current = cached ?? { raw: env.WEBHOOK_SECRET_KEY, key: importSealingKey(env.WEBHOOK_SECRET_KEY) }
      sealingKeyCache = current
      return current.key
    },
    retryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS !== undefined && Number.isFinite(base) && base >= 0 ? base : DEFAULT_RETRY_BASE_SECONDS,
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    fetch: (input, init) => fetch(input, init),
    publicOrigin: env.PUBLIC_ORIGIN || null,
  }
}

export const isDevelopment = (env: Env): boolean => env.ENVIRONMENT === 'development'

/**
 * Wires real implementations together; used by `fetch` (per request), `scheduled` and `queue`.
 * `defer` is the request's `waitUntil`; without one, deferred work just runs on. `d1` is the
 * request's D1 sessions (wiring/d1-sessions.ts): every repository reads through them, never
 * through the bare binding.
 */
export function buildDeps(
  env: Env & Secrets,
  requestId: string,
  defer: Deps['defer'] = () => {},
  d1: D1Sessions = openD1Sessions(env.DB, { kind: 'background' }),
): Deps {
  const development = isDevelopment(env)
  const db = d1.main
  return {
    connections: d1Connections(db),
    connectionsAtPrimary: d1Connections(d1.primary),
    apiKeys: d1ApiKeys(db),
    edge: kvEdgeCopy(env.KV),
    signInState: d1SsoState(d1.primary),
    signInAttempts: d1SignInAttempts(db),
    testRuns: d1TestRuns(db),
    codeCopy: kvCodeCopy(env.KV),
    events: d1Events(db),
    webhookEndpoints: d1WebhookEndpoints(db),
    webhooks: webhookWiring(env),
    metadataRefresh: d1MetadataRefresh(db),
    certificateExpiry: d1CertificateExpiry(db),
    spKeys: spKeysFrom(env),
    spNextCertificatePem: env.SP_NEXT_CERTIFICATE || null,
    spEncryption: spEncryptionFrom(env),
    clock: systemClock,
    fetchMetadata: makeMetadataFetcher((input, init) => fetch(input, init), development),
    development,
    log: jsonLogger(requestId),
    defer,
  }
}
