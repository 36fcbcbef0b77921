import idpCertPem from '../fixtures/keys/idp.cert.pem?raw'
import expiredCertPem from '../fixtures/keys/expired.cert.pem?raw'
import rolloverCertPem from '../fixtures/keys/idp-rollover.cert.pem?raw'
import { bare, metadataXml, type MetadataOptions } from './idp-metadata'

export { expiredCertPem, idpCertPem, rolloverCertPem }

/** PEM with 64-character lines, as the core serves `idpCertificate`. */
export const pem = (pemText: string): string => `-----BEGIN CERTIFICATE-----\n${bare(pemText).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`

/** IdP metadata (test/helpers/idp-metadata.ts) signed for by the test IdP's certificate unless `certs` says otherwise. */
export const idpMetadataXml = (options: MetadataOptions = {}): string => metadataXml({ certs: [idpCertPem], ...options })
