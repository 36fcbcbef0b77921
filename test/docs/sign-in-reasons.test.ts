import { describe, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { SIGN_IN_FAILURE_REASONS } from '../../src/domain/sign-in-attempt'

describe('README, Lifecycle: the sign-in failure reasons', () => {
  it('lists exactly the closed list, each code with its meaning', () => {
    const start = readme.indexOf('| reason | meaning |')
    expect(start).toBeGreaterThan(0)
    const table = readme.slice(start).split('\n\n')[0]!
    const rows = [...table.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm)].map(([, code, meaning]) => [code, meaning])
    expect(Object.fromEntries(rows)).toEqual(SIGN_IN_FAILURE_REASONS)
    expect(rows).toHaveLength(Object.keys(SIGN_IN_FAILURE_REASONS).length)
  })
})
