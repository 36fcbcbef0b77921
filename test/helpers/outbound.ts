import { env } from 'cloudflare:test'
import { createApp } from '../../src/app'
import { ORIGIN } from './http'

/** The host test/setup/outbound.ts answers for; every other host gets a 502. */
export const METADATA_ORIGIN = 'https://idp-metadata.test'

/** How many requests the test outbound (test/setup/outbound.ts) received whose URL contains `marker`. */
export async function outboundAttempts(marker: string): Promise<number> {
  const res = await fetch(`${METADATA_ORIGIN}/__attempts?marker=${encodeURIComponent(marker)}`)
  return ((await res.json()) as { count: number }).count
}

/** The Worker as deployed (ENVIRONMENT production), called in-process; the suite itself runs in development. */
export function productionApp() {
  const prod = { ...env, ENVIRONMENT: 'production' } as Env
  const app = createApp()
  return (path: string, init: RequestInit) => app.request(`${ORIGIN}${path}`, init, prod)
}
