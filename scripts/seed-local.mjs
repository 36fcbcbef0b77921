// `npm run seed -- [--count 20] [--origin http://127.0.0.1:8787]`: with `npm run dev` running, adds
// demo connections to the local instance through the public APIs (both styles), plus the demo
// connection to the built-in development IdP that the admin page at / can test-sign-in with.
const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const origin = flag('origin', 'http://127.0.0.1:8787')
const count = Number(flag('count', '20'))
const clerk = { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/json' }

async function call(path, init) {
  const res = await fetch(`${origin}${path}`, init)
  if (!res.ok && res.status !== 303) throw new Error(`${init.method} ${path}: ${res.status} ${await res.text()}`)
  return res
}

await call('/dev/demo-connection', { method: 'POST', redirect: 'manual' })
const providers = ['saml_okta', 'saml_google', 'saml_microsoft', 'saml_custom']
const stamp = Date.now().toString(36)
for (let i = 0; i < count; i++) {
  await call('/v1/saml_connections', {
    method: 'POST',
    headers: clerk,
    body: JSON.stringify({ name: `Demo customer ${i + 1}`, provider: providers[i % providers.length], domain: `customer-${stamp}-${i + 1}.example.com` }),
  })
}
const list = await (await call('/v1/saml_connections?limit=1', { method: 'GET', headers: clerk })).json()
console.log(`seeded ${count} connections and the development-IdP demo; the local instance now has ${list.total_count}. Open ${origin}/`)
