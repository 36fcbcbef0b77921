import { Validator } from '@cfworker/json-schema'
import published from '../fixtures/clerk-openapi/schemas.json'

/**
 * Checks Clerk-style answers against Clerk's own published OpenAPI document (the schemas the
 * tests need, copied into test/fixtures/clerk-openapi by scripts/make-clerk-schema-fixtures.mjs),
 * beside the check against saml-edge's /openapi.json that every test client makes.
 */
const { responses, $defs } = published as { responses: Record<string, string>; $defs: Record<string, object> }

const templates = [...new Set(Object.keys(responses).map((k) => k.split(' ')[1] ?? ''))].map((template) => ({
  template,
  pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}))

const validators = new Map<string, Validator>()
function validatorFor(name: string): Validator {
  let v = validators.get(name)
  if (!v) {
    v = new Validator({ $ref: `#/$defs/${name}`, $defs } as never, '2020-12', false)
    validators.set(name, v)
  }
  return v
}

/** The published schema's name for an answer, or throws when Clerk's document lists no such success. */
function schemaFor(method: string, path: string, status: number): string | null {
  const template = templates.find((t) => t.pattern.test(path))?.template
  if (!template) return null
  const listed = responses[`${method.toUpperCase()} ${template} ${status}`]
  if (listed) return listed
  // Clerk's document leaves out statuses every endpoint may answer (401, 400, 413, 415); all are ClerkErrors.
  if (status >= 400) return 'ClerkErrors'
  throw new Error(`${method} ${template} answered ${status}, which Clerk's published document does not list`)
}

/** Throws when a Clerk-style JSON answer does not match Clerk's published schema for it. */
export function assertClerkPublished(method: string, path: string, status: number, body: unknown): void {
  const name = schemaFor(method, path.split('?')[0] ?? path, status)
  if (!name) return
  const result = validatorFor(name).validate(body)
  if (!result.valid) throw new Error(`${method} ${path} ${status}: does not match Clerk's ${name}: ${JSON.stringify(result.errors.slice(0, 3))}`)
}
