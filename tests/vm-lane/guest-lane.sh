#!/bin/bash
# Runs in a lane's guest as /payload/run.sh LANE (root, pure cgroup v2 with
# every controller): the bats passes of that lane against the payload's islet.
#   plain    no systemd (lane-init is PID 1): cgroupfs
#   systemd  systemd is PID 1: cgroupfs (the systemd files pass
#            --systemd-cgroup themselves); with LANE_FULL, then again with
#            --systemd-cgroup everywhere (ISLET is a wrapper adding the flag)
# The files are tests/vm-lane/*.bats, and with LANE_FULL=1 tests/bats/*.bats;
# LANE_FILES (paths under tests/, e.g. "bats/mounts.bats vm-lane/systemd.bats")
# runs only those.
# Each pass runs on a fresh copy of the tests with the lane's skips applied
# (tests/vm-lane/skips: a skip names its reason), prints its TAP and one
# "VM-LANE: RESULT" line; the exit status is 1 if any test failed.
# Env (from the host's run-disk.sh, via /payload/env): LANE_FULL, LANE_PASSES,
# LANE_JOBS, LANE_FILTER, LANE_FILES.
set -u
lane=$1
P=/payload
# Outside /root (mode 0700): the rootless tests' user runs islet and the
# helpers and reads the tests' files.
W=/opt/islet-lane/tests
# shellcheck source=/dev/null
[ -f $P/env ] && . $P/env
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# islet and the helpers run from the guest's disk: executing them from the
# 9p share (no page cache) would read them over virtio on every exec.
B=/opt/islet-lane/bin
rm -rf $B && mkdir -p $B && chmod 755 /opt/islet-lane $B && cp -a $P/islet $P/islet-systemd $P/helpers $B/
sed -i "s#/payload/islet#$B/islet#" $B/islet-systemd
export ISLET_HELPERS=$B/helpers
echo "# $($B/islet --version | head -1); kernel $(uname -r); PID 1: $(cat /proc/1/comm); $(grep cgroup2 /proc/mounts)"

# Copies the tests and applies the skips whose pass pattern matches $1.
prepare() {
  local pass=$1 f
  rm -rf "$W" && mkdir -p "$W"
  cp -a $P/tests $P/scripts $P/config "$W/"
  for f in "$W"/tests/bats/*.bats "$W"/tests/vm-lane/*.bats; do
    awk -v pass="$pass" -v file="$(basename "$f")" -F' *[|] *' '
      FNR == NR {
        if ($0 ~ /^#/ || NF < 4) next
        if (pass !~ ("^(" $1 ")$") || (file != $2 && $2 != "*")) next
        skip[$3] = $4; next
      }
      {
        print
        if (match($0, /^@test "(.*)" \{/) && ((substr($0, 8, RLENGTH - 10) in skip) || ("*" in skip))) {
          r = (substr($0, 8, RLENGTH - 10) in skip) ? skip[substr($0, 8, RLENGTH - 10)] : skip["*"]
          gsub(/"/, "\\\"", r)
          print "\tskip \"" r "\""
        }
      }
      # A whole file: nothing is set up or torn down around its skips
      # (bats 1.8 cannot skip in setup_file).
      END {
        if ("*" in skip) print "setup_file() { :; }\nteardown_file() { :; }\nsetup() { :; }\nteardown() { :; }"
      }' $P/tests/vm-lane/skips "$f" >"$f.new" && mv "$f.new" "$f"
  done
}

# run_pass NAME ISLET [MANAGER]: one pass over every bats file, islet's
# cgroup manager (cgroupfs, or systemd: ISLET adds --systemd-cgroup) told to
# the tests in ISLET_CGROUP_MANAGER.
run_pass() {
  local name=$1 bin=$2 manager=${3:-cgroupfs} t0 tap rc jobs=() files f
  prepare "$name"
  echo "# VM-LANE: pass $name ($bin)"
  [ "${LANE_JOBS:-1}" -gt 1 ] && jobs=(--jobs "$LANE_JOBS")
  t0=$(date +%s)
  tap=$W/$name.tap
  # shellcheck disable=SC2086
  (cd "$W" || exit 1
    files=(tests/vm-lane/*.bats)
    [ -z "${LANE_FULL:-}" ] || files+=(tests/bats/*.bats)
    if [ -n "${LANE_FILES:-}" ]; then
      files=()
      for f in $LANE_FILES; do files+=("tests/$f"); done
    fi
    ISLET=$bin ISLET_CGROUP_MANAGER=$manager bats --tap --timing "${jobs[@]}" ${LANE_FILTER:+--filter "$LANE_FILTER"} \
    "${files[@]}") 2>&1 | tee "$tap"
  rc=${PIPESTATUS[0]}
  lane_audit "$name" >>"$tap"
  tail -1 "$tap"
  local pass fail skip
  pass=$(grep -a '^ok ' "$tap" | grep -a -c -v '# skip')
  skip=$(grep -a '^ok ' "$tap" | grep -a -c '# skip')
  fail=$(grep -a -c '^not ok ' "$tap")
  echo "VM-LANE: RESULT lane=$lane pass=$name passed=$pass failed=$fail skipped=$skip seconds=$(( $(date +%s) - t0 ))"
  [ "$fail" = 0 ] && [ "$rc" = 0 ]
}

# What a whole pass must not leave: containers' cgroups and systemd units.
lane_audit() {
  local left
  left=$(find /sys/fs/cgroup -name 'islet-t*' 2>/dev/null)
  if [ -n "$(command -v systemctl)" ] && [ "$(cat /proc/1/comm)" = systemd ]; then
    left+=$(systemctl list-units --all --plain --no-legend 'islet-islet-t*' 'islet-test-*' 'islet-ctr-*' 'libpod-*' \
      2>/dev/null | awk '{print " unit:" $1}')
  fi
  if [ -n "$left" ]; then echo "not ok 9999 lane audit ($1): left behind:$left"; else echo "ok 9999 lane audit ($1)"; fi
}

rc=0
case $lane in
  plain)
    run_pass plain $B/islet || rc=1
    ;;
  systemd)
    for p in ${LANE_PASSES:-cgroupfs driver}; do
      case $p in
        cgroupfs) run_pass systemd-cgroupfs $B/islet || rc=1 ;;
        driver) run_pass systemd-driver $B/islet-systemd systemd || rc=1 ;;
      esac
    done
    ;;
esac
exit $rc
