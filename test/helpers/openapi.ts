import { Validator } from '@cfworker/json-schema'
import { buildOpenApiDocument } from '../../src/http/docs/openapi'
import { ORIGIN, type Answer } from './http'

/**
 * Checks response bodies seen in tests against the published OpenAPI document, so the document
 * and the behaviour cannot drift apart. Validation runs in workerd (no code generation).
 */
const doc = buildOpenApiDocument(ORIGIN) as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>
  components: object
}

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}))

/** The documented path for a concrete request path, after any SuperTokens tenant/app prefix. */
function findTemplate(path: string): string | null {
  const candidates = [path, path.replace(/^\/[^/]+(?=\/(recipe|apiversion))/, ''), path.replace(/^\/appid-[^/]+\/[^/]+(?=\/(recipe|apiversion))/, '')]
  for (const p of candidates) {
    const hit = templates.find((t) => t.pattern.test(p))
    if (hit) return hit.template
  }
  return null
}

const validators = new Map<string, Validator>()

/** Throws when a JSON body does not match the documented response schema; undocumented answers pass. */
export function assertDocumentedResponse(method: string, path: string, status: number, body: unknown): void {
  const template = findTemplate(path)
  if (!template) return
  const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)]
  if (!response) throw new Error(`${method} ${template} answered ${status}, which the OpenAPI document does not list`)
  const schema = response.content?.['application/json']?.schema
  if (!schema) return
  const key = `${method} ${template} ${status}`
  let v = validators.get(key)
  if (!v) {
    v = new Validator({ ...schema, components: doc.components } as never, '2020-12', false)
    validators.set(key, v)
  }
  const result = v.validate(body)
  if (!result.valid) {
    throw new Error(`${key}: body does not match the OpenAPI schema: ${JSON.stringify(result.errors.slice(0, 3))}`)
  }
}

/** Checks an answer of a documented API (JSON ones against their schema) and hands it back. */
export function documented(method: string, path: string, a: Answer): Answer {
  if (a.contentType?.startsWith('application/json')) assertDocumentedResponse(method, path.split('?')[0] ?? path, a.status, a.body)
  return a
}
