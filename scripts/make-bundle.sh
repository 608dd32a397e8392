#!/bin/sh
# Makes an OCI bundle with a busybox rootfs (busybox-rootfs.sh, from Debian's
# busybox-static) and islet's starter config, non-interactive (terminal off).
# Usage: scripts/make-bundle.sh DIR [ISLET]
set -eu
dir=$1
islet=${2:-islet}
"$(dirname "$0")/busybox-rootfs.sh" "$dir/rootfs"
cd "$dir"
rm -f config.json
"$islet" spec
# Non-interactive by default; the demo and the tests run without a terminal.
tmp=$(mktemp)
jq '.process.terminal = false' config.json >"$tmp" && mv "$tmp" config.json
chmod 644 config.json
