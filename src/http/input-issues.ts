import type { ZodError } from 'zod'
import type { InputIssue } from '../domain/errors'

/** Normalizes zod issues once, for every API style: which parameter, and what kind of problem. */
export function toInputIssues(error: ZodError): InputIssue[] {
  const out: InputIssue[] = []
  for (const issue of error.issues) {
    const param = issue.path.map(String).join('.')
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ param: param ? `${param}.${key}` : key, kind: 'unknown' })
        break
      case 'invalid_type':
        out.push({ param, kind: issue.input === undefined ? 'missing' : 'type', expected: issue.expected })
        break
      case 'invalid_value':
        out.push({ param, kind: 'value', expected: issue.values.map(String).join(', ') })
        break
      case 'invalid_union':
        out.push({ param, kind: issue.input === undefined ? 'missing' : 'type' })
        break
      case 'too_big':
      case 'too_small':
        out.push({ param, kind: issue.input === undefined ? 'missing' : 'value', expected: issue.message })
        break
      default:
        out.push({ param, kind: 'format', expected: issue.message })
    }
  }
  return out
}
