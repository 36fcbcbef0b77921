// Writes .dev.vars (git-ignored) with development-only signing keys and certificates (the SP's, and
// the built-in development IdP's), made with the openssl command line. Production keys are set with `wrangler secret put` instead.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from './wrangler.mjs'

const quote = (pem) => JSON.stringify(pem.trim())

export async function ensureDevVars() {
  const dir = mkdtempSync(path.join(tmpdir(), 'saml-edge-'))
  try {
    const pair = (name, subject) => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', subject,
        '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`)], { stdio: 'ignore' })
      return { key: readFileSync(path.join(dir, `${name}.key`), 'utf8'), cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8') }
    }
    const sp = pair('sp', '/CN=saml-edge local development SP')
    const idp = pair('idp', '/CN=saml-edge local development IdP')
    writeFileSync(
      path.join(root, '.dev.vars'),
      `# Local development only (made by scripts/dev-vars.mjs).\nSP_PRIVATE_KEY=${quote(sp.key)}\nSP_CERTIFICATE=${quote(sp.cert)}\n` +
        `DEV_IDP_PRIVATE_KEY=${quote(idp.key)}\nDEV_IDP_CERTIFICATE=${quote(idp.cert)}\n`,
    )
    console.log('wrote .dev.vars with development SP and IdP signing keys')
  } catch (e) {
    console.warn(`could not make a development SP signing key (${e.message}); AuthnRequest signing is off until SP_PRIVATE_KEY and SP_CERTIFICATE are set`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
