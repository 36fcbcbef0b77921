import type { SamlConnection } from '../domain/saml-connection'
import { spUrls } from '../domain/sp-urls'
import { buildSpMetadata } from '../saml'
import type { Deps } from './deps'

/**
 * The SP metadata of one connection: its own entity id and ACS, our signing certificates (current,
 * and the next of a rollover) when it signs requests, and our encryption certificates always.
 */
export async function connectionSpMetadata(deps: Deps, origin: string, conn: SamlConnection): Promise<string> {
  const sp = spUrls(origin, conn.id)
  const keys = conn.enableRequestSigning ? await deps.spKeys() : null
  const signingCertificates = keys ? [keys.certificatePem, ...(deps.spNextCertificatePem ? [deps.spNextCertificatePem] : [])] : []
  return buildSpMetadata({
    entityId: sp.spEntityId, acsUrl: sp.acsUrl, signingCertificates, encryptionCertificates: deps.spEncryption().certificatesPem,
    wantAssertionsSigned: conn.wantAssertionsSigned,
  })
}
