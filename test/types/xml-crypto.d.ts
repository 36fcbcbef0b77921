// The slice of xml-crypto the test IdP and the c14n cross-check use. The package's own types pull
// in lib.dom, whose Web API types clash with the Workers runtime types the project compiles with.
declare module 'xml-crypto' {
  export interface SignedXmlOptions {
    privateKey?: string
    publicCert?: string
    signatureAlgorithm?: string
    canonicalizationAlgorithm?: string
  }
  export interface Reference {
    xpath: string
    digestAlgorithm: string
    transforms: string[]
    inclusiveNamespacesPrefixList?: string[]
  }
  export interface ComputeSignatureOptions {
    prefix?: string
    location?: { reference: string; action: 'append' | 'prepend' | 'before' | 'after' }
  }
  export class SignedXml {
    constructor(options?: SignedXmlOptions)
    addReference(reference: Reference): void
    computeSignature(xml: string, options?: ComputeSignatureOptions): void
    getSignedXml(): string
    loadSignature(signature: string): void
    checkSignature(xml: string): boolean
  }
  export class ExclusiveCanonicalization {
    process(node: unknown, options: { inclusiveNamespacesPrefixList?: string[]; ancestorNamespaces?: unknown[] }): unknown
  }
  export function findAncestorNs(doc: unknown, xpath: string): unknown[]
}
