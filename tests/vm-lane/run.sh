#!/bin/bash
# islet's pure cgroup v2 lane: boots a stock Debian kernel under QEMU with a
# pure cgroup v2 layout (every controller enabled) and runs
# tests/vm-lane/*.bats against an islet binary inside the guest. The host's
# own cgroup mounts are never touched. GNU find, ps, jq, bash and bats come
# from the host (helpers.bash needs find -printf); the rest is busybox. Prints the guest's TAP lines and a
# closing "N passed, N failed" line; exits with the bats status (125: the
# guest did not finish).
#
# That is the default lane, "v2" (what CI runs, ~4 min under TCG). Two more
# boot a cached Debian 12 disk made with debootstrap (image.sh; run-disk.sh):
#   --lane plain     no systemd, lane-init as PID 1: tests/vm-lane/*.bats
#   --lane systemd   systemd as PID 1: tests/vm-lane/*.bats, among them the
#                    systemd cgroup driver (systemd.bats) and podman and
#                    containerd with their systemd cgroup managers
#                    (systemd-clients.bats)
#   --full           the whole bats suite in the disk lanes (both unless a
#                    --lane is given), and in the systemd lane a second pass
#                    with --systemd-cgroup
# Wall times under TCG on a loaded 2-core machine: README.md (the VM lanes).
# usage: tests/vm-lane/run.sh [--lane v2|plain|systemd]... [--full] [ISLET_BINARY]
#   (as root; default build/islet)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
export VM_DIR
LANES=() FULL=
while [ $# -gt 0 ]; do
  case $1 in
    --lane) LANES+=("${2:?--lane needs v2, plain or systemd}"); shift 2 ;;
    --full) FULL=1; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
    -*) echo "vm-lane: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
BIN=${1:-$SRC/build/islet}
[ -x "$BIN" ] || { echo "vm-lane: no islet binary at $BIN" >&2; exit 125; }
for l in "${LANES[@]}"; do
  case $l in v2|plain|systemd) ;; *) echo "vm-lane: unknown lane $l" >&2; exit 2 ;; esac
done
if [ -n "$FULL" ] && [ ${#LANES[@]} = 0 ]; then LANES=(plain systemd); fi
if [ ${#LANES[@]} -gt 0 ] && [ "${LANES[*]}" != v2 ]; then
  [[ " ${LANES[*]} " != *" v2 "* ]] || { echo "vm-lane: run the v2 lane on its own" >&2; exit 2; }
  VM_LANES="${LANES[*]}" LANE_FULL=$FULL exec "$HERE/run-disk.sh" "$BIN"
fi
[ -z "$FULL" ] || { echo "vm-lane: --full is for the disk lanes (plain, systemd)" >&2; exit 2; }
"$HERE/setup.sh" || exit 125
P=$(mktemp -d "$VM_DIR/payload.XXXXXX")
trap 'rm -rf "$P" "$VM_DIR/lane-$$.cpio.gz"' EXIT
mkdir -p "$P/tests/bats" "$P/tests/vm-lane" "$P/scripts" "$P/helpers"
# islet links libstdc++ statically and glibc dynamically; the debug info is
# dropped to keep the initramfs small.
strip -o "$P/islet" "$BIN" 2>/dev/null || cp "$BIN" "$P/islet"
cp "$SRC/tests/bats/helpers.bash" "$SRC/tests/bats/requires.bash" "$P/tests/bats/"
# The systemd lane's files need systemd as PID 1 (and podman, containerd).
for f in "$HERE"/*.bats; do
  case ${f##*/} in systemd*.bats) ;; *) cp "$f" "$P/tests/vm-lane/" ;; esac
done
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
