import supertokens from 'supertokens-node'
import SAML from 'supertokens-node/recipe/saml'

export const DEV_API_KEY = 'local-development-api-key'

/**
 * Points the real supertokens-node (SAML recipe) at the Worker as its core, with the development
 * key. One init per process: the SDK is a singleton, and vitest runs each file in its own worker.
 */
export function initSupertokens(connectionURI: string): void {
  supertokens.init({
    supertokens: { connectionURI, apiKey: DEV_API_KEY },
    appInfo: { appName: 'saml-edge tests', apiDomain: 'http://localhost:3001', websiteDomain: 'http://localhost:3000' },
    recipeList: [SAML.init()],
    telemetry: false,
  })
}
