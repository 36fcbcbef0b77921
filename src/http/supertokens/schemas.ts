import { z } from '@hono/zod-openapi'
import { HttpUrlSchema } from '../../domain/fields'

/**
 * SuperTokens-core-style wire schemas: projections of the domain model with the core's camelCase
 * names. Unknown keys are ignored, as the core ignores them. Field order is the order in which the
 * core checks them, so the first reported issue is the one the core would report.
 */

export const MAX_REDIRECT_URIS = 50

export const StUpsertClientBody = z
  .object({
    clientId: z.string().min(1, 'clientId must not be empty').max(255, 'clientId must be at most 255 characters').optional().openapi({
      description: 'Generated as `st_saml_` + a UUID when absent. An unknown clientId is created under that id.',
      example: 'st_saml_2b5c1a9e-6d1f-4a4e-9d1f-0e2f5b3c7a10',
    }),
    clientSecret: z.string().min(1, 'clientSecret must not be empty').max(1024, 'clientSecret must be at most 1024 characters').optional().openapi({
      description: 'Stored as a SHA-256 hash. Echoed in this response only; omitting it on an update removes it.',
    }),
    defaultRedirectURI: HttpUrlSchema.openapi({ example: 'https://app.example.com/auth/callback/saml' }),
    redirectURIs: z
      .array(HttpUrlSchema)
      .min(1, 'redirectURIs is required in the input')
      .max(MAX_REDIRECT_URIS, `redirectURIs must hold at most ${MAX_REDIRECT_URIS} URIs`)
      .openapi({ description: 'Allowed redirect URIs; must contain defaultRedirectURI.' }),
    metadataXML: z.string().openapi({ description: 'Base64 (standard alphabet, no whitespace) of the IdP metadata XML.' }),
    allowIDPInitiatedLogin: z.boolean().optional().openapi({ description: 'Default false.' }),
    enableRequestSigning: z.boolean().optional().openapi({ description: 'Default true.' }),
  })
  .refine((b) => b.redirectURIs.includes(b.defaultRedirectURI), { message: 'redirectURIs must contain defaultRedirectURI', path: ['redirectURIs'] })
  .openapi('SupertokensCreateOrUpdateSamlClientBody')
export type StUpsertClient = z.infer<typeof StUpsertClientBody>

export const StRemoveClientBody = z.object({ clientId: z.string() }).openapi('SupertokensRemoveSamlClientBody')

export const StSamlClientSchema = z
  .object({
    clientId: z.string(),
    clientSecret: z.string().optional().openapi({ description: 'Only in the response to the PUT that set it.' }),
    defaultRedirectURI: z.string().nullable(),
    redirectURIs: z.array(z.string()),
    idpEntityId: z.string().nullable(),
    idpSsoUrl: z.string().nullable(),
    idpCertificate: z.string().nullable().openapi({ description: 'Primary IdP signing certificate, PEM.' }),
    idpSigningCertificate: z.string().nullable().openapi({ description: 'The same certificate as the core returns it: base64 DER, no PEM armour.' }),
    allowIDPInitiatedLogin: z.boolean(),
    enableRequestSigning: z.boolean(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('SupertokensSamlClient')
export type StSamlClient = z.infer<typeof StSamlClientSchema>

export const StUpsertClientResponse = z
  .union([
    StSamlClientSchema.extend({ status: z.literal('OK') }),
    z.object({ status: z.literal('DUPLICATE_IDP_ENTITY_ERROR') }).openapi({ description: 'Another client of this tenant uses the same IdP entity id; nothing changed.' }),
  ])
  .openapi('SupertokensCreateOrUpdateSamlClientResponse')

export const StListClientsResponse = z
  .object({ status: z.literal('OK'), clients: z.array(StSamlClientSchema) })
  .openapi('SupertokensListSamlClientsResponse')

export const StRemoveClientResponse = z
  .object({ status: z.literal('OK'), didExist: z.boolean() })
  .openapi('SupertokensRemoveSamlClientResponse')

export const StApiVersionResponse = z.object({ versions: z.array(z.string()) }).openapi('SupertokensApiVersions')

export const StApiVersionQuery = z.object({
  apiDomain: z.string().optional().openapi({ param: { name: 'apiDomain', in: 'query' } }),
  websiteDomain: z.string().optional().openapi({ param: { name: 'websiteDomain', in: 'query' } }),
})

/** Plain-text error bodies, as the core sends them. */
export const StTextErrorSchema = z.string().openapi({ example: "Field name 'metadataXML' is invalid in JSON input" })
