// Makes sure .dev.vars (git-ignored) holds development-only keys and certificates: the SP's signing
// pair (signs AuthnRequests) and encryption pair (IdPs encrypt assertions to it), the built-in
// development IdP's, and the webhook secrets' sealing key. The pairs are made with the openssl command line;
// production keys are set with `wrangler secret put` instead.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from './wrangler.mjs'

const FILE = path.join(root, '.dev.vars')
const PAIRS = [
  { key: 'SP_PRIVATE_KEY', cert: 'SP_CERTIFICATE', subject: '/CN=saml-edge local development SP' },
  { key: 'SP_ENCRYPTION_PRIVATE_KEY', cert: 'SP_ENCRYPTION_CERTIFICATE', subject: '/CN=saml-edge local development SP encryption' },
  { key: 'DEV_IDP_PRIVATE_KEY', cert: 'DEV_IDP_CERTIFICATE', subject: '/CN=saml-edge local development IdP' },
]

export async function ensureDevVars() {
  let current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Local development only (made by scripts/dev-vars.mjs).\n'
  // wrangler.toml's top level is production; only this git-ignored file turns development on.
  if (!/^ENVIRONMENT=/m.test(current)) {
    current += 'ENVIRONMENT="development"\n'
    writeFileSync(FILE, current)
  }
  // Webhooks: the key signing secrets are sealed under, and retries a few seconds apart instead of minutes.
  if (!/^WEBHOOK_SECRET_KEY=/m.test(current)) {
    current += `WEBHOOK_SECRET_KEY="${randomBytes(32).toString('base64')}"\n`
    writeFileSync(FILE, current)
  }
  if (!/^WEBHOOK_RETRY_BASE_SECONDS=/m.test(current)) {
    current += 'WEBHOOK_RETRY_BASE_SECONDS="2"\n'
    writeFileSync(FILE, current)
  }
  const missing = PAIRS.filter((p) => !new RegExp(`^${p.key}=`, 'm').test(current))
  if (missing.length === 0) return
  const dir = mkdtempSync(path.join(tmpdir(), 'saml-edge-'))
  try {
    for (const p of missing) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', p.subject,
        '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' })
      const q = (f) => JSON.stringify(readFileSync(path.join(dir, f), 'utf8').trim())
      current += `${p.key}=${q('k.pem')}\n${p.cert}=${q('c.pem')}\n`
    }
    writeFileSync(FILE, current)
    console.log(`.dev.vars: added ${missing.map((p) => p.key).join(', ')}`)
  } catch (e) {
    console.warn(`could not make development keys (${e.message}); request signing, encrypted assertions and the development IdP stay off until they are set in .dev.vars`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
