/** The service-provider URLs of a connection, derived from this service's public origin and the id. */
export interface SpUrls {
  acsUrl: string
  spEntityId: string
  spMetadataUrl: string
}

export const spUrls = (origin: string, connectionId: string): SpUrls => ({
  acsUrl: `${origin}/v1/saml/acs/${connectionId}`,
  spEntityId: `${origin}/saml/${connectionId}`,
  spMetadataUrl: `${origin}/v1/saml/metadata/${connectionId}.xml`,
})
