// Installs Debian's Chromium for the browser test when it is missing (CI runs as root on Debian).
// Playwright's own browser download is not used: it needs the internet, this only the Debian mirror.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    console.warn(`${CHROMIUM} is missing and cannot be installed here (needs root and apt-get); the browser test will fail.`)
  } else {
    console.log('installing Debian chromium for the browser test…')
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  }
}
