// Writes .dev.vars (git-ignored) with a development-only SP signing key and certificate, made with
// the openssl command line. Production keys are set with `wrangler secret put` instead.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from './wrangler.mjs'

const quote = (pem) => JSON.stringify(pem.trim())

export async function ensureDevVars() {
  const dir = mkdtempSync(path.join(tmpdir(), 'saml-edge-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', '/CN=saml-edge local development SP',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' })
    const key = readFileSync(path.join(dir, 'key.pem'), 'utf8')
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8')
    writeFileSync(path.join(root, '.dev.vars'), `# Local development only (made by scripts/dev-vars.mjs).\nSP_PRIVATE_KEY=${quote(key)}\nSP_CERTIFICATE=${quote(cert)}\n`)
    console.log('wrote .dev.vars with a development SP signing key')
  } catch (e) {
    console.warn(`could not make a development SP signing key (${e.message}); AuthnRequest signing is off until SP_PRIVATE_KEY and SP_CERTIFICATE are set`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
