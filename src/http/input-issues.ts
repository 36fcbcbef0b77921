import type { core } from 'zod'
import type { InputIssue } from '../domain/errors'

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/**
 * Normalizes zod issues once, for every API style: which parameter, and what kind of problem.
 * `input` is what was validated; zod does not echo it, and "missing" vs "wrong type" depends on it.
 */
export function toInputIssues(error: core.$ZodError, input: unknown): InputIssue[] {
  const out: InputIssue[] = []
  for (const issue of error.issues) {
    const param = issue.path.map(String).join('.')
    const absent = valueAt(input, issue.path) === undefined
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ param: param ? `${param}.${key}` : key, kind: 'unknown' })
        break
      case 'invalid_type':
        out.push({ param, kind: absent ? 'missing' : 'type', expected: issue.expected })
        break
      case 'invalid_value':
        out.push({ param, kind: absent ? 'missing' : 'value', expected: issue.values.map(String).join(', ') })
        break
      case 'invalid_union':
        out.push({ param, kind: absent ? 'missing' : 'type' })
        break
      case 'too_big':
      case 'too_small':
        out.push({ param, kind: absent ? 'missing' : 'value', expected: issue.message })
        break
      default:
        out.push({ param, kind: 'format', expected: issue.message })
    }
  }
  return out
}
