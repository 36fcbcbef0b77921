import { expect, it } from 'vitest'
import idpKey from '../fixtures/keys/idp.key.pem?raw'
import idpCert from '../fixtures/keys/idp.cert.pem?raw'
import { SignedXml } from 'xml-crypto'

it('probe', () => {
  expect(idpKey).toContain('PRIVATE KEY')
  const xml = '<root ID="_a"><a>x</a></root>'
  const sig = new SignedXml({ privateKey: idpKey, publicCert: idpCert })
  sig.addReference({ xpath: "//*[local-name(.)='root']", digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'] })
  sig.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#'
  sig.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
  sig.computeSignature(xml)
  console.log(sig.getSignedXml())
})
