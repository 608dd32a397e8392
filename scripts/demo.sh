#!/bin/sh
# The demo: installs the Debian packages, builds and installs islet, makes a
# busybox bundle and runs a container that prints its hostname, its ids and
# that it is PID 1. Run from the source tree as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target islet
cmake --install build --strip >/dev/null
bundle=$(mktemp -d /tmp/islet-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
./scripts/make-bundle.sh "$bundle" /usr/local/bin/islet
tmp=$(mktemp)
jq '.process.args = ["sh", "-c", "echo \"hostname: $(hostname)\"; echo \"id: $(id)\"; echo \"I am PID $$\""]' \
  "$bundle/config.json" >"$tmp" && mv "$tmp" "$bundle/config.json"
cd "$bundle"
exec /usr/local/bin/islet run "islet-demo-$$"
