#!/bin/bash
# The disk-booted VM lanes (tests/vm-lane/run.sh --lane plain|systemd, or
# --full): QEMU guests with Debian's stock kernel and a pure cgroup v2
# hierarchy (every controller), booted from a cached Debian 12 disk
# (image.sh, debootstrap) with a snapshot, so runs never change it:
#   plain    no systemd: lane-init is PID 1 and mounts cgroup2 itself
#   systemd  systemd is PID 1 (podman, containerd, the user instance of uid 1500)
# The payload (islet, the test helpers, tests/, scripts/ and config/) is
# shared read-only over 9p; guest-lane.sh runs the bats passes in each guest
# (tests/vm-lane/*.bats; with LANE_FULL=1 also every tests/bats file, and in
# the systemd lane a second pass with --systemd-cgroup). The host's own
# cgroup mounts are never touched. Prints each guest's TAP, one
# "vm-lane: <lane>/<pass>: N passed, N failed, N skipped, S s" line per pass
# and a closing "vm-lane: N passed, N failed, N skipped" line; exits 0 when
# every pass passed (125: a guest did not finish).
# usage: tests/vm-lane/run-disk.sh ISLET_BINARY   (as root; run.sh calls it)
# env: VM_LANES ("plain systemd"), VM_PARALLEL=1 (boot the lanes side by side),
#      LANE_FULL=1 (the whole bats suite), LANE_PASSES (systemd lane:
#      "cgroupfs", with LANE_FULL "cgroupfs driver"), LANE_JOBS (bats --jobs),
#      LANE_FILTER (bats --filter), LANE_FILES (only these files, paths
#      under tests/: "bats/mounts.bats vm-lane/systemd.bats"), VM_DIR,
#      VM_MEM, VM_CPUS, VM_TIMEOUT.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
export VM_DIR
BIN=${1:?usage: run-disk.sh ISLET_BINARY}
[ -x "$BIN" ] || { echo "vm-lane: no islet binary at $BIN" >&2; exit 125; }
T0=$(date +%s)
"$HERE/setup.sh" >&2 || exit 125
IMG=$("$HERE/image.sh" | tail -1) && [ -f "$IMG" ] || exit 125
INITRD=$VM_DIR/disk-initrd.cpio.gz
if [ ! -f "$INITRD" ] || [ "$HERE/init-disk" -nt "$INITRD" ] || [ "$HERE/mkinitramfs-disk.sh" -nt "$INITRD" ]; then
  { "$HERE/mkinitramfs-disk.sh" "$INITRD.tmp" && mv "$INITRD.tmp" "$INITRD"; } || exit 125
fi

P=$(mktemp -d "$VM_DIR/payload.XXXXXX")
trap 'rm -rf "$P"' EXIT
chmod 755 "$P"
mkdir -p "$P/tests/bats" "$P/tests/vm-lane" "$P/scripts" "$P/helpers"
# The debug info is dropped (islet is a static PIE; libsystemd is dlopened
# from the guest's own libsystemd0).
strip -o "$P/islet" "$BIN" 2>/dev/null || cp "$BIN" "$P/islet"
printf '#!/bin/sh\n# islet with the systemd cgroup driver, for the whole-suite pass.\nexec /payload/islet --systemd-cgroup "$@"\n' >"$P/islet-systemd"
chmod 755 "$P/islet-systemd"
cp "$SRC"/tests/bats/*.bats "$SRC"/tests/bats/*.bash "$P/tests/bats/"
cp "$HERE"/*.bats "$HERE/skips" "$P/tests/vm-lane/"
cp "$SRC/scripts/make-bundle.sh" "$SRC/scripts/busybox-rootfs.sh" "$P/scripts/"
cp -a "$SRC/config" "$P/config"
if [ -d "$SRC/build/tests/helpers" ]; then
  find "$SRC/build/tests/helpers" -maxdepth 1 -type f -perm -u+x -exec cp {} "$P/helpers/" \;
fi
install -m 0755 "$HERE/guest-lane.sh" "$P/run.sh"
# Quoted for the guest's shell: a filter may hold any character ("host's").
{
  printf 'LANE_FULL=%q\n' "${LANE_FULL:-}"
  printf 'LANE_PASSES=%q\n' "${LANE_PASSES:-cgroupfs${LANE_FULL:+ driver}}"
  printf 'LANE_JOBS=%q\n' "${LANE_JOBS:-1}"
  printf 'LANE_FILTER=%q\n' "${LANE_FILTER:-}"
  printf 'LANE_FILES=%q\n' "${LANE_FILES:-}"
} >"$P/env"

# boot LANE LOG: one guest, its status in $LOG.rc.
boot() {
  local lane=$1 log=$2 append="root=/dev/vda rw systemd.show_status=false"
  [ "$lane" = plain ] && append+=" init=/usr/local/sbin/lane-init"
  [ "$lane" = systemd ] && append+=" systemd.unified_cgroup_hierarchy=1"
  VM_MEM=${VM_MEM:-2G} VM_APPEND="$append" "$HERE/run-vm.sh" "$INITRD" "$log" \
    -drive "file=$IMG,if=virtio,format=raw,snapshot=on" \
    -virtfs "local,path=$P,mount_tag=payload,security_model=none,readonly=on"
  echo $? >"$log.rc"
}

LANES=${VM_LANES:-plain systemd}
pids=()
for lane in $LANES; do
  log=$VM_DIR/lane-$lane.log
  rm -f "$log" "$log.rc"
  # One guest at a time by default: each wants both of a CI machine's cores.
  if [ -z "${VM_PARALLEL:-}" ]; then boot "$lane" "$log"; else boot "$lane" "$log" & pids+=($!); fi
done
[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"

rc=0 total_pass=0 total_fail=0 total_skip=0
for lane in $LANES; do
  log=$VM_DIR/lane-$lane.log
  echo "# ---- lane $lane (log $log)"
  grep -a -E '^(ok|not ok|#|1\.\.|VM-LANE)' "$log"
  lrc=$(cat "$log.rc" 2>/dev/null || echo 125)
  [ "$lrc" = 0 ] || rc=$([ "$lrc" = 125 ] || [ "$rc" = 125 ] && echo 125 || echo 1)
  # VM-LANE: RESULT lane=L pass=P passed=N failed=N skipped=N seconds=S
  while read -r _ _ _ pass passed failed skipped seconds; do
    pass=${pass#pass=} passed=${passed#passed=} failed=${failed#failed=}
    skipped=${skipped#skipped=} seconds=${seconds#seconds=}
    [[ "$passed$failed$skipped" =~ ^[0-9]+$ ]] || continue
    echo "vm-lane: $lane/$pass: $passed passed, $failed failed, $skipped skipped, ${seconds}s"
    total_pass=$((total_pass + passed)) total_fail=$((total_fail + failed)) total_skip=$((total_skip + skipped))
  done < <(grep -a '^VM-LANE: RESULT ' "$log")
  grep -a -q '^VM-LANE: RESULT ' "$log" || echo "vm-lane: $lane: the guest did not finish (status $lrc)"
done
echo "vm-lane: $(( $(date +%s) - T0 ))s in all"
echo "vm-lane: $total_pass passed, $total_fail failed, $total_skip skipped"
exit "$rc"
