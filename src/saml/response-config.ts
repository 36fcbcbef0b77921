import type { DecryptionKey } from './decryption-key'

/** What the connection says about the IdP and about us. */
export interface SamlResponseConfig {
  idpEntityId: string
  /** Bare base64 DER, as `certificate.ts` stores them; any of them may have signed. */
  certificates: string[]
  spEntityId: string
  acsUrl: string
  allowSha1: boolean
  /** The ID of the AuthnRequest this login started with; null for an IdP-initiated login. */
  expectedInResponseTo: string | null
  allowIdpInitiated: boolean
  clockSkewMs?: number
  /** The SP's keys an EncryptedAssertion may be encrypted to (current and next); none: encrypted assertions are refused. */
  decryptionKeys?: readonly DecryptionKey[]
  /** Refuse a plain Assertion (default false): the connection wants every assertion encrypted. */
  requireEncryptedAssertions?: boolean
  /** The Assertion itself must be signed (default false: a signed Response around it also counts). */
  wantAssertionsSigned?: boolean
}
