import type { SamlConnection } from '../domain/saml-connection'
import { spUrls } from '../domain/sp-urls'
import { buildSpMetadata } from '../saml'
import type { Deps } from './deps'

/** The SP metadata of one connection: its own entity id and ACS, and our signing key when it signs requests. */
export async function connectionSpMetadata(deps: Deps, origin: string, conn: SamlConnection): Promise<string> {
  const sp = spUrls(origin, conn.id)
  const keys = conn.enableRequestSigning ? await deps.spKeys() : null
  return buildSpMetadata({ entityId: sp.spEntityId, acsUrl: sp.acsUrl, signingCertificate: keys?.certificatePem ?? null })
}
