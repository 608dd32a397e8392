#!/bin/bash
# islet's pure cgroup v2 lane: boots a stock Debian kernel under QEMU with a
# pure cgroup v2 layout (every controller enabled) and runs
# tests/vm-lane/*.bats against an islet binary inside the guest. The host's
# own cgroup mounts are never touched. GNU find, ps, jq, bash and bats come
# from the host (helpers.bash needs find -printf); the rest is busybox. Prints the guest's TAP lines and a
# closing "N passed, N failed" line; exits with the bats status (125: the
# guest did not finish).
# usage: tests/vm-lane/run.sh [ISLET_BINARY]   (as root; default build/islet)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
export VM_DIR
BIN=${1:-$SRC/build/islet}
[ -x "$BIN" ] || { echo "vm-lane: no islet binary at $BIN" >&2; exit 125; }
"$HERE/setup.sh" || exit 125
P=$(mktemp -d "$VM_DIR/payload.XXXXXX")
trap 'rm -rf "$P" "$VM_DIR/lane-$$.cpio.gz"' EXIT
mkdir -p "$P/tests/bats" "$P/tests/vm-lane" "$P/scripts" "$P/helpers"
# islet links libstdc++ statically and glibc dynamically; the debug info is
# dropped to keep the initramfs small.
strip -o "$P/islet" "$BIN" 2>/dev/null || cp "$BIN" "$P/islet"
cp "$SRC/tests/bats/helpers.bash" "$SRC/tests/bats/requires.bash" "$P/tests/bats/"
cp "$HERE"/*.bats "$P/tests/vm-lane/"
cp "$SRC/scripts/make-bundle.sh" "$SRC/scripts/busybox-rootfs.sh" "$P/scripts/"
if [ -d "$SRC/build/tests/helpers" ]; then
  find "$SRC/build/tests/helpers" -maxdepth 1 -type f -perm -u+x -exec cp {} "$P/helpers/" \;
fi
install -m 0755 "$HERE/guest-run.sh" "$P/run.sh"
T0=$(date +%s)
"$HERE/mkinitramfs.sh" -o "$VM_DIR/lane-$$.cpio.gz" -p "$P" -l "$P/islet" \
  -b /usr/bin/bash -b /usr/bin/bats -b /usr/bin/jq -b /usr/bin/ps -b /usr/bin/env -b /usr/bin/find \
  -t /usr/lib/bats-core -t /usr/libexec/bats-core -t /usr/lib/bats || exit 125
LOG=${VM_LOG:-$VM_DIR/lane.log}
"$HERE/run-vm.sh" "$VM_DIR/lane-$$.cpio.gz" "$LOG"
rc=$?
grep -a -E '^(ok|not ok|#|1\.\.|VM-LANE)' "$LOG"
pass=$(grep -a '^ok ' "$LOG" | grep -a -c -v '# skip')
skipped=$(grep -a '^ok ' "$LOG" | grep -a -c '# skip')
fail=$(grep -a -c '^not ok ' "$LOG")
echo "vm-lane: $(( $(date +%s) - T0 ))s, log $LOG"
echo "vm-lane: $pass passed, $fail failed, $skipped skipped"
exit $rc
