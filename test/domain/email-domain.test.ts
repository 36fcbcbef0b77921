import { describe, expect, it } from 'vitest'
import { checkConnectionDomain, domainAllowed, emailDomainAllowed, emailDomainOf, normalizeDomainName } from '../../src/domain/email-domain'

describe('normalizeDomainName', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['Acme.COM', 'acme.com'],
    ['Acme.COM.', 'acme.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['ａｃｍｅ．ｃｏｍ', 'acme.com'],
    ['sub.acme.co.uk', 'sub.acme.co.uk'],
    ['localhost', 'localhost'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeDomainName(input)).toBe(expected)
  })

  it.each([
    [''],
    ['.'],
    ['acme.com..'],
    ['.acme.com'],
    ['acme..com'],
    ['-acme.com'],
    ['acme-.com'],
    ['acme.com:443'],
    ['acme.com/path'],
    ['user@acme.com'],
    ['acme%2ecom'],
    ['acme com'],
    ['[::1]'],
    ['127.0.0.1'],
    ['0x7f.1'],
    ['acme.123'],
    ['a_b.com'],
    [`${'a'.repeat(64)}.com`],
    [`${'a.'.repeat(127)}com`],
  ])('%j is not a domain name', (input) => {
    expect(normalizeDomainName(input)).toBeNull()
  })
})

describe('emailDomainOf', () => {
  it('takes the text after the last @', () => {
    expect(emailDomainOf('a@b@acme.com')).toBe('acme.com')
  })
  it.each([['@acme.com'], ['ceo'], ['ceo@'], ['']])('%j has no domain', (email) => {
    expect(emailDomainOf(email)).toBeNull()
  })
})

describe('emailDomainAllowed', () => {
  const acme = ['acme.com']

  it.each([
    ['ceo@acme.com', acme, false, true],
    ['CEO@ACME.COM.', acme, false, true],
    ['ceo@Acme.Com', ['ACME.com.'], false, true],
    ['ceo@othercorp.com', acme, false, false],
    ['ceo@evilacme.com', acme, false, false],
    ['ceo@evilacme.com', acme, true, false],
    ['ceo@acme.com.evil.com', acme, false, false],
    ['ceo@acme.com.evil.com', acme, true, false],
    ['ceo@sub.acme.com', acme, false, false],
    ['ceo@sub.acme.com', acme, true, true],
    ['ceo@deep.sub.acme.com', acme, true, true],
    ['ceo@com', acme, true, false],
    ['ceo@acme.com', ['sub.acme.com'], true, false],
    ['ceo@bücher.example', ['xn--bcher-kva.example'], false, true],
    ['ceo@xn--bcher-kva.example', ['bücher.example'], false, true],
    ['ceo@BÜCHER.example', ['bücher.example'], false, true],
    ['ceo@mail.bücher.example', ['xn--bcher-kva.example'], true, true],
    ['ceo@bucher.example', ['bücher.example'], false, false],
    ['a@b@acme.com', acme, false, true],
    ['a@acme.com@evil.com', acme, true, false],
    ['@acme.com', acme, false, false],
    ['ceo', acme, true, false],
    ['ceo@', acme, true, false],
    ['ceo@acme.com', [], true, false],
    ['ceo@acme.com', ['not a domain', 'acme.com'], false, true],
  ])('%s against %j (subdomains %s) -> %s', (email, domains, allowSubdomains, expected) => {
    expect(emailDomainAllowed(email, domains, allowSubdomains)).toBe(expected)
  })
})

describe('domainAllowed', () => {
  it('compares whole labels, so a shared string suffix is no match', () => {
    expect(domainAllowed('myacme.com', ['acme.com'], true)).toBe(false)
    expect(domainAllowed('my.acme.com', ['acme.com'], true)).toBe(true)
  })
})

describe('checkConnectionDomain', () => {
  it.each([
    ['Acme.COM.', 'acme.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['acme.github.io', 'acme.github.io'],
    ['acme.co.uk', 'acme.co.uk'],
    ['www.ck', 'www.ck'],
  ])('accepts %s as %s', (raw, domain) => {
    expect(checkConnectionDomain(raw)).toEqual({ ok: true, domain })
  })

  it.each([['com'], ['COM.'], ['co.uk'], ['github.io'], ['pages.dev'], ['blogspot.com'], ['s3.amazonaws.com'], ['foo.ck'], ['公司.cn'], ['xn--55qx5d.cn']])(
    '%s is a public suffix',
    (raw) => {
      expect(checkConnectionDomain(raw)).toEqual({ ok: false, problem: 'public_suffix' })
    },
  )

  it.each([['localhost'], ['example'], ['127.0.0.1'], ['acme..com'], ['not a domain']])('%s is not a domain', (raw) => {
    expect(checkConnectionDomain(raw)).toEqual({ ok: false, problem: 'not_a_domain' })
  })
})
