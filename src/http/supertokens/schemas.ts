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
    spEntityId: z.string().openapi({ description: 'saml-edge extension: the SP entity id (Audience) to configure in the IdP.' }),
    spMetadataUrl: z.string().openapi({ description: 'saml-edge extension: SP metadata of this client.' }),
    acsUrl: z.string().openapi({ description: "saml-edge extension: saml-edge's own ACS for this client (the SDK flow uses the app's callback instead)." }),
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

// ---- Login flow (`/recipe/saml/login`, `/callback`, `/user`, `/.well-known/sp-metadata`).

export const MAX_STATE_LENGTH = 4096

export const StLoginBody = z
  .object({
    clientId: z.string(),
    redirectURI: z.string().openapi({ description: 'Must equal one of the client\'s redirectURIs exactly.' }),
    acsURL: HttpUrlSchema.openapi({
      description: 'The app backend\'s callback (`<apiDomain><apiBasePath>/<tenantId>/saml/callback`); the Response must name it as Recipient.',
      example: 'https://api.example.com/auth/public/saml/callback',
    }),
    state: z.string().max(MAX_STATE_LENGTH, `state must be at most ${MAX_STATE_LENGTH} characters`).optional(),
  })
  .openapi('SupertokensSamlLoginBody')

export const StLoginResponse = z
  .union([
    z.object({ status: z.literal('OK'), ssoRedirectURI: z.string().openapi({ description: 'The IdP URL with SAMLRequest and RelayState (and SigAlg/Signature when the client signs requests).' }) }),
    z.object({ status: z.literal('INVALID_CLIENT_ERROR') }),
  ])
  .openapi('SupertokensSamlLoginResponse')

export const StCallbackBody = z
  .object({
    samlResponse: z.string().openapi({ description: 'The base64 SAMLResponse the IdP posted.' }),
    relayState: z.string().optional().openapi({ description: 'The RelayState the IdP posted; absent or empty for an IdP-initiated login.' }),
  })
  .openapi('SupertokensSamlCallbackBody')

export const StCallbackResponse = z
  .union([
    z.object({ status: z.literal('OK'), redirectURI: z.string().openapi({ description: 'The login\'s redirectURI with `code` (and `state`) added to its query.' }) }),
    z.object({
      status: z.enum(['INVALID_RELAY_STATE_ERROR', 'INVALID_CLIENT_ERROR', 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR', 'IDP_LOGIN_DISALLOWED_ERROR']),
    }),
  ])
  .openapi('SupertokensSamlCallbackResponse')

export const StUserBody = z
  .object({
    accessToken: z.string().openapi({ description: 'The `code` from the callback\'s redirectURI; single use.' }),
    clientId: z.string(),
  })
  .openapi('SupertokensSamlUserBody')

export const StUserInfoSchema = z
  .object({
    claims: z.record(z.string(), z.array(z.string())).openapi({ description: 'NameID, NameIDFormat and every attribute, as arrays of strings.' }),
    sub: z.string().nullable(),
    email: z.string().nullable(),
    aud: z.string().openapi({ description: 'The clientId.' }),
  })
  .openapi('SupertokensSamlUserInfo')
export type StUserInfo = z.infer<typeof StUserInfoSchema>

export const StUserResponse = z
  .union([StUserInfoSchema.extend({ status: z.literal('OK') }), z.object({ status: z.literal('INVALID_TOKEN_ERROR') })])
  .openapi('SupertokensSamlUserResponse')

export const StSpMetadataQuery = z.object({
  clientId: z.string().min(1).optional().openapi({
    param: { name: 'clientId', in: 'query' },
    description: 'The client whose SP metadata to return; may be left out when the tenant has exactly one client.',
  }),
  instanceId: z.string().min(1).max(64).optional().openapi({
    param: { name: 'instanceId', in: 'query' },
    description: 'The instance, when no api-key header names it (an IdP fetching the metadata sends none).',
  }),
})

// ---- Legacy OAuth-provider-style endpoints (`/recipe/saml/legacy/...`, public tenant only).

const formField = (description: string) => z.string().openapi({ description })
const queryParam = (name: string, description: string) => z.string().openapi({ param: { name, in: 'query' }, description })

export const StLegacyAuthorizeQuery = z.object({
  client_id: queryParam('client_id', 'The SAML client (`clientId`) of the public tenant.'),
  redirect_uri: queryParam('redirect_uri', 'Must equal one of the client\'s redirectURIs exactly.'),
  state: queryParam('state', 'Returned to redirect_uri with the code.').max(MAX_STATE_LENGTH, `state must be at most ${MAX_STATE_LENGTH} characters`).optional(),
  instance_id: queryParam('instance_id', 'The instance, when no api-key header names it (a browser sent here by an OAuth client sends none).').min(1).max(64).optional(),
})

export const StLegacyInstanceQuery = z.object({
  instance_id: queryParam('instance_id', 'The instance, when no api-key header names it; part of the ACS URL saml-edge gives the IdP.').min(1).max(64).optional(),
})

export const StLegacyCallbackForm = z
  .object({
    SAMLResponse: formField('The base64 SAMLResponse the IdP posted (`samlResponse` is read too).'),
    RelayState: formField('The RelayState the IdP posted (`relayState` is read too); absent for an IdP-initiated login.').optional(),
  })
  .openapi('SupertokensSamlLegacyCallbackForm')

export const StLegacyTokenForm = z
  .object({
    client_id: formField('The SAML client the code was issued for.'),
    client_secret: formField('The client\'s secret (set with `clientSecret` on PUT /recipe/saml/clients).'),
    code: formField('The code from the legacy callback\'s redirect; redeemed here, once.'),
    redirect_uri: formField('When sent (as OAuth clients do), it must be the redirect_uri the code was issued for.').optional(),
  })
  .openapi('SupertokensSamlLegacyTokenForm')

export const StLegacyTokenResponse = z
  .object({
    status: z.literal('OK'),
    access_token: z.string().openapi({ description: '`<token>.<clientId>`, for the userinfo endpoint; single use.' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
  })
  .openapi('SupertokensSamlLegacyToken')

export const StLegacyUserInfo = z
  .object({
    claims: StUserInfoSchema.shape.claims,
    id: z.string().nullable().openapi({ description: 'The `sub` of /recipe/saml/user.' }),
    email: z.string().nullable(),
    aud: z.string().openapi({ description: 'The clientId.' }),
  })
  .openapi('SupertokensSamlLegacyUserInfo')
