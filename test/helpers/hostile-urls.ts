/** URLs a browser must never be sent to, each in a shape the WHATWG parser alone would accept or rewrite. */
export const HOSTILE_URLS: [string, string][] = [
  ['a javascript: URL', 'javascript:alert(document.domain)//'],
  ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
  ['a mixed-case JAVASCRIPT: URL', 'JAVASCRIPT:alert(1)'],
  ['a leading space', ' https://idp.example.com/sso'],
  ['a trailing space', 'https://idp.example.com/sso '],
  ['CR/LF inside (header injection)', 'https://idp.example.com/sso\r\nSet-Cookie: x=1'],
  ['a tab inside', 'https://idp.example.com/s\tso'],
  ['a NUL', 'https://idp.example.com/sso\u0000'],
  ['a bidi override', 'https://idp.example.com/\u202Eoss'],
  ['credentials', 'https://trusted.example.com@evil.example.com/sso'],
  ['no slashes after the scheme', 'https:idp.example.com/sso'],
  ['a relative URL', '/sso'],
]
