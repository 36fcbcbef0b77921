import type { Deps } from '../services/deps'
import type { Secrets } from '../wiring/deps'

/** What an authenticated management request may touch. */
export interface Principal {
  instanceId: string
  appId: string
}

export interface AppEnv {
  Bindings: Env & Secrets
  Variables: {
    requestId: string
    deps: Deps
    /** The public origin of this service, used to build ACS, entity id and metadata URLs. */
    origin: string
    principal: Principal
  }
}
