import type { OaepHash } from './encryption-algorithms'

/**
 * One of the SP's decryption keys. A WebCrypto RSA-OAEP key is bound to one hash, so the key is
 * asked for per hash; each hash is imported once, on first use.
 */
export interface DecryptionKey {
  oaepKey(hash: OaepHash): Promise<CryptoKey>
}

/** A PKCS#8 PEM private key (`BEGIN PRIVATE KEY`) as a decryption key; fails on first use if it is not RSA. */
export function importDecryptionKey(pkcs8Pem: string): DecryptionKey {
  const byHash = new Map<OaepHash, Promise<CryptoKey>>()
  const importFor = async (hash: OaepHash) => {
    const der = Uint8Array.from(atob(pkcs8Pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '')), (ch) => ch.charCodeAt(0))
    return crypto.subtle.importKey('pkcs8', der, { name: 'RSA-OAEP', hash }, false, ['decrypt'])
  }
  return {
    oaepKey(hash) {
      let key = byHash.get(hash)
      if (!key) {
        key = importFor(hash)
        byHash.set(hash, key)
      }
      return key
    },
  }
}
