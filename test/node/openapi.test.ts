import { Validator } from '@seriousme/openapi-schema-validator'
import { expect, it } from 'vitest'
import { buildOpenApiDocument } from '../../src/http/docs/openapi'

// The full OpenAPI 3.1 meta-schema check runs on Node: the validator compiles schemas to code,
// which workerd does not allow.
it('is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator()
  const result = await validator.validate(JSON.parse(JSON.stringify(buildOpenApiDocument('http://127.0.0.1:8787'))))
  expect(result.errors ?? []).toEqual([])
  expect(result.valid).toBe(true)
  expect(validator.version).toBe('3.1')
})
