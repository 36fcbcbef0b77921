/**
 * Checks that an answer of the Worker under test is in the envelope of the API style that was
 * called, and captures its log lines. Every check throws (through `expect`), so it can sit inside a property.
 */
import { afterAll, beforeAll, expect, vi } from 'vitest'
import { ClerkDeletedObjectSchema, ClerkSamlConnectionSchema, ClerkSamlConnectionsSchema } from '../../src/http/clerk/schemas'
import { StListClientsResponse, StRemoveClientResponse, StUpsertClientResponse } from '../../src/http/supertokens/schemas'
import type { Answer } from './http'
import { consumedCodeCount, snapshotInstance } from './store'

const brief = (a: Answer) => `${a.status} ${a.contentType} ${a.text.slice(0, 300)}`

// ---------------------------------------------------------------- Clerk

/** Every wire code src/http/clerk/errors.ts can send for a 4xx. */
const CLERK_CODES = new Set([
  'clerk_key_invalid', 'authorization_header_format_invalid', 'authorization_invalid', 'resource_not_found', 'request_body_invalid',
  'unsupported_content_type', 'request_body_too_large', 'form_param_missing', 'form_param_type_invalid', 'form_param_value_invalid',
  'form_param_unknown', 'form_param_format_invalid', 'invalid_query_parameter_value', 'organization_already_has_sso_connection',
  'form_identifier_exists', 'saml_connection_cant_be_activated', 'saml_failed_to_fetch_idp_metadata', 'saml_failed_to_parse_idp_metadata',
  'saml_relay_state_invalid', 'authorization_code_invalid', 'saml_idp_initiated_disallowed', 'saml_response_invalid',
])

/** A 4xx in Clerk's `{errors, meta, clerk_trace_id}` envelope with at least one error. */
export function expectClerkError(a: Answer): void {
  expect(a.status, brief(a)).toBeGreaterThanOrEqual(400)
  expect(a.status, brief(a)).toBeLessThan(500)
  expect(a.contentType, brief(a)).toBe('application/json')
  expect(Object.keys(a.body ?? {}).sort(), brief(a)).toEqual(['clerk_trace_id', 'errors', 'meta'])
  expect(a.body.meta).toEqual({})
  expect(a.body.clerk_trace_id).toMatch(/^req_[0-9A-Za-z]{22}$/)
  expect(Array.isArray(a.body.errors) && a.body.errors.length > 0, brief(a)).toBe(true)
  for (const e of a.body.errors) {
    expect(CLERK_CODES.has(e.code), brief(a)).toBe(true)
    expect(typeof e.message === 'string' && e.message.length > 0, brief(a)).toBe(true)
    expect(typeof e.long_message === 'string' && e.long_message.length > 0, brief(a)).toBe(true)
    if ('meta' in e) expect(typeof e.meta === 'object' && e.meta !== null, brief(a)).toBe(true)
    // Field errors name their parameter as a string, and the long message names the same one
    // (a parameter name looked up carelessly could turn into an object or a function here).
    if (/^form_param_|^invalid_query_parameter_value$/.test(e.code)) {
      if (Array.isArray(e.meta?.param_names)) {
        expect(e.meta.param_names.every((n: unknown) => typeof n === 'string'), brief(a)).toBe(true)
      } else {
        expect(typeof e.meta?.param_name, brief(a)).toBe('string')
        expect(e.long_message.includes(e.meta.param_name), brief(a)).toBe(true)
      }
    }
  }
}

const CLERK_OK = { connection: ClerkSamlConnectionSchema, list: ClerkSamlConnectionsSchema, deleted: ClerkDeletedObjectSchema.strict() }

/** Either a 200 of the expected shape or a Clerk 4xx; never anything else. */
export function expectClerkAnswer(a: Answer, kind: keyof typeof CLERK_OK): void {
  if (a.status !== 200) return expectClerkError(a)
  expect(a.contentType, brief(a)).toBe('application/json')
  const parsed = CLERK_OK[kind].safeParse(a.body)
  expect(parsed.success, `${brief(a)}\n${parsed.error?.message ?? ''}`).toBe(true)
}

// ---------------------------------------------------------------- SuperTokens

const ST_OK = { upsert: StUpsertClientResponse, list: StListClientsResponse, remove: StRemoveClientResponse }

/**
 * SuperTokens core style (src/http/supertokens/errors.ts): a 200 JSON `{status, ...}` of the route's
 * shape, or a one-line plain-text error served as `text/html; charset=UTF-8`.
 */
export function expectSupertokensAnswer(a: Answer, kind: keyof typeof ST_OK): void {
  if (a.status === 200) {
    expect(a.contentType, brief(a)).toBe('application/json; charset=UTF-8')
    const parsed = ST_OK[kind].safeParse(a.body)
    expect(parsed.success, `${brief(a)}\n${parsed.error?.message ?? ''}`).toBe(true)
    return
  }
  expect([400, 401, 403, 404, 405], brief(a)).toContain(a.status)
  expect(a.contentType, brief(a)).toBe('text/html; charset=UTF-8')
  expect(a.text, brief(a)).toMatch(/^[^\n]+\n$/)
}

/**
 * A request to a SuperTokens legacy endpoint (authorize, callback, token, userinfo): its answer is
 * the route's success, or a one-line plain-text 4xx that changed nothing of the instance in D1 (no
 * connection row, no consumed code); never an engine crash or a polluted prototype.
 */
export async function expectLegacySafe(logs: CapturedLogs, instanceId: string, request: () => Promise<Answer>, success: (a: Answer) => boolean): Promise<Answer> {
  const before = { rows: await snapshotInstance(instanceId), consumed: await consumedCodeCount() }
  logs.take()
  const a = await request()
  if (!success(a)) {
    expect([400, 401, 403, 404, 405], brief(a)).toContain(a.status)
    expect(a.contentType, brief(a)).toBe('text/html; charset=UTF-8')
    expect(a.text, brief(a)).toMatch(/^[^\n]+\n$/)
    expect(a.location, brief(a)).toBeNull()
    expect({ rows: await snapshotInstance(instanceId), consumed: await consumedCodeCount() }).toEqual(before)
  }
  expectNoInternalErrors(logs.take())
  expectNoPollution()
  return a
}

// ---------------------------------------------------------------- browser endpoints

const BROWSER_ERRORS = new Set(['invalid_client', 'access_denied', 'not_found', 'invalid_request', 'conflict', 'invalid_grant', 'invalid_saml_response'])

/** The error of src/http/browser/errors.ts: JSON for /token and `Accept: application/json`, else an HTML page. */
export function expectBrowserError(a: Answer, form: 'json' | 'html'): void {
  expect(a.status, brief(a)).toBeGreaterThanOrEqual(400)
  expect(a.status, brief(a)).toBeLessThan(500)
  expect(a.location, brief(a)).toBeNull()
  if (form === 'json') {
    expect(a.contentType, brief(a)).toBe('application/json')
    expect(Object.keys(a.body ?? {}).sort(), brief(a)).toEqual(['error', 'error_description', 'request_id'])
    expect(BROWSER_ERRORS.has(a.body.error), brief(a)).toBe(true)
    expect(a.body.request_id).toMatch(/^req_/)
  } else {
    expect(a.contentType, brief(a)).toBe('text/html; charset=UTF-8')
    expect(a.text.startsWith('<!doctype html>'), brief(a)).toBe(true)
    expect(a.text).toContain('<h1>Sign-in failed</h1>')
  }
}

// ---------------------------------------------------------------- logs and globals

export interface LogLine {
  level: string
  event: string
  [k: string]: unknown
}

/**
 * The Worker runs in the test's isolate, so its JSON log lines pass through this `console.log`.
 * Keeps warn/error lines for inspection (info lines are dropped, which also keeps test output short).
 */
export interface CapturedLogs {
  /** Lines kept since the last call. */
  take(): LogLine[]
}

export function captureLogs(): CapturedLogs {
  let kept: LogLine[] = []
  let spy: ReturnType<typeof vi.spyOn> | undefined
  beforeAll(() => {
    spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      const line = args.map(String).join(' ')
      if (!line.startsWith('{')) return
      try {
        const parsed = JSON.parse(line) as LogLine
        if (parsed.level !== 'info') kept.push(parsed)
      } catch {
        /* not one of ours */
      }
    })
  })
  afterAll(() => spy?.mockRestore())
  return {
    /** Lines kept since the last call. */
    take(): LogLine[] {
      const out = kept
      kept = []
      return out
    },
  }
}

/** No request may end in an unexpected error, even one that was rendered as a 4xx. */
export function expectNoInternalErrors(lines: LogLine[]): void {
  const bad = lines.filter((l) => l.event === 'internal_error' || l.code === 'internal' || String(l.reason ?? '').includes('internal_error'))
  expect(bad).toEqual([])
}

/** Nothing a request sent may have reached Object.prototype. */
export function expectNoPollution(): void {
  const probe: Record<string, unknown> = {}
  expect(probe.polluted).toBeUndefined()
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false)
}
