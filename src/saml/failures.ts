/**
 * Why the engine refused an input. These stay values inside the engine; services turn them into
 * `AppError`s, whose wire text stays generic while the reason goes to the log.
 */
export type SamlFailure =
  | { reason: 'too_large'; limit: number }
  | { reason: 'not_xml'; detail?: string }
  | { reason: 'dtd_forbidden' }
  | { reason: 'too_deep'; limit: number }
  | { reason: 'not_metadata'; detail: string }
  | { reason: 'missing_entity_id' }
  | { reason: 'missing_sso_url' }
  | { reason: 'missing_certificate' }
  | { reason: 'invalid_certificate' }

export type Result<T, F = SamlFailure> = { ok: true; value: T } | { ok: false; failure: F }
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })
export const fail = <F>(failure: F): Result<never, F> => ({ ok: false, failure })
