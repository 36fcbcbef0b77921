/** The code exchange's limits: a refusal is the JSON error of /v1/saml/token. */
import { describe, expect, it } from 'vitest'
import { MAX_SAML_RESPONSE_BYTES } from '../../src/saml/limits'
import { send } from '../helpers/http'
import { captureLogs, expectBrowserError } from '../helpers/wire'

captureLogs()
const ACS_BODY_LIMIT = 2 * MAX_SAML_RESPONSE_BYTES

describe('request body size', () => {
  it('token: answers 413 invalid_request as JSON for a body over the cap, and 400 for a code over 4096 characters', async () => {
    const over = await send('/v1/saml/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${'c'.repeat(ACS_BODY_LIMIT)}` })
    expectBrowserError(over, 'json')
    expect([over.status, over.body.error]).toEqual([413, 'invalid_request'])
    const longCode = await send('/v1/saml/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${'c'.repeat(4097)}` })
    expectBrowserError(longCode, 'json')
    expect([longCode.status, longCode.body.error]).toEqual([400, 'invalid_request'])
  })
})
