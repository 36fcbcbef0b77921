import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium (scripts/ensure-tools.mjs installs it), headless, with nothing of its own reaching the network. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
