/** Every KV key is built here. Request-derived parts are hashed or bounded (KV refuses keys over 512 bytes). */
export const kvKeys = {
  connection: (id: string) => `conn:${id.slice(0, 64)}`,
  authnRequest: (requestIdHash: string) => `authnreq:${requestIdHash}`,
  relayState: (relayState: string) => `relay:${relayState.slice(0, 128)}`,
  authCode: (codeHash: string) => `code:${codeHash}`,
}
