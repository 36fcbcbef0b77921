/**
 * The part of `node:crypto` the engine uses, as workerd (with nodejs_compat) and Node 22 both
 * provide it. The project does not load @types/node, whose globals (Buffer, timers) a Worker lacks.
 */
declare module 'node:crypto' {
  export interface KeyObject {
    readonly asymmetricKeyType?: string
    readonly asymmetricKeyDetails?: { namedCurve?: string }
    export(options: { type: 'spki'; format: 'der' }): Uint8Array
  }
  export class X509Certificate {
    constructor(buffer: string | ArrayBufferView)
    readonly validFrom: string
    readonly validTo: string
    readonly publicKey: KeyObject
  }
}
