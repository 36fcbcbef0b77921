#!/usr/bin/env bash
# Regenerates the test-only keys and certificates under test/fixtures/keys/.
# These keys sign nothing outside the test suite; never use them for a real IdP or SP.
set -euo pipefail
out="$(dirname "$0")/../test/fixtures/keys"
mkdir -p "$out"
cd "$out"

make_pair() { # name subject days [extra openssl args...]
  local name=$1 subject=$2 days=$3; shift 3
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -keyout "$name.key.pem" -out "$name.cert.pem" \
    -subj "$subject" -days "$days" "$@" 2>/dev/null
}

make_pair idp "/CN=saml-edge test IdP/O=saml-edge tests" 3650
make_pair idp-rollover "/CN=saml-edge test IdP rollover/O=saml-edge tests" 3650
make_pair attacker "/CN=saml-edge test IdP/O=saml-edge tests" 3650
make_pair sp "/CN=saml-edge test SP/O=saml-edge tests" 3650
# The SP's next signing pair (published beside the current one in a rollover) and its encryption
# pairs (EncryptedAssertions are encrypted to them; current and next both decrypt).
make_pair sp-next "/CN=saml-edge test SP next/O=saml-edge tests" 3650
make_pair sp-encryption "/CN=saml-edge test SP encryption/O=saml-edge tests" 3650
make_pair sp-encryption-next "/CN=saml-edge test SP encryption next/O=saml-edge tests" 3650
# Valid in 2019 only: a real but expired certificate. `openssl ca -selfsign` is the portable way to
# set both validity dates on OpenSSL 3.0.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/newcerts" && touch "$tmp/index.txt" && echo 01 > "$tmp/serial"
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = test
[ test ]
dir = $tmp
database = $tmp/index.txt
new_certs_dir = $tmp/newcerts
serial = $tmp/serial
default_md = sha256
policy = anything
[ anything ]
commonName = supplied
organizationName = optional
CNF
openssl req -new -newkey rsa:2048 -nodes -keyout expired.key.pem -out "$tmp/expired.csr" \
  -subj "/CN=saml-edge expired IdP/O=saml-edge tests" 2>/dev/null
openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile expired.key.pem -in "$tmp/expired.csr" \
  -startdate 20190101000000Z -enddate 20191231000000Z -notext -out expired.cert.pem 2>/dev/null
echo "wrote $(ls . | wc -l) files to test/fixtures/keys"
