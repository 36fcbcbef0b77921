// Installs the Debian packages the test suite drives when their commands are missing (CI runs as
// root on Debian): Chromium for the browser tests, xmlsec1 (libxmlsec1) as an independent XML
// Encryption implementation, xmllint (libxml2) as an independent canonicalizer. Only the Debian
// mirror is needed; Playwright's own browser download is not used.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const TOOLS = [
  { command: '/usr/bin/chromium', pkg: 'chromium', usedBy: 'the browser tests' },
  { command: '/usr/bin/xmlsec1', pkg: 'xmlsec1', usedBy: 'the encrypted-assertion and ECDSA/RSA-SHA384 sign-in tests' },
  { command: '/usr/bin/xmllint', pkg: 'libxml2-utils', usedBy: 'the canonicalization tests' },
]

const missing = TOOLS.filter((t) => !existsSync(t.command))
if (missing.length > 0) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    for (const t of missing) console.warn(`${t.command} is missing and cannot be installed here (needs root and apt-get); ${t.usedBy} will fail.`)
  } else {
    console.log(`installing Debian ${missing.map((t) => t.pkg).join(', ')} for ${missing.map((t) => t.usedBy).join(', ')}…`)
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((t) => t.pkg)], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  }
}
