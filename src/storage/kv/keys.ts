/** Every KV key is built here. Request-derived parts are hashed or bounded (KV refuses keys over 512 bytes). */
export const kvKeys = {
  connection: (id: string) => `conn:${id.slice(0, 64)}`,
  authCode: (codeHash: string) => `code:${codeHash}`,
}
