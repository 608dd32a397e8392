# Shared bats helpers: the real islet binary, as root, on the real kernel.
#
# Every test gets its own state root, bundle and container-id prefix (unique
# per run, so suites running at the same time never share ids or cgroups), and
# a teardown that deletes what is left and then audits that nothing leaked:
# no state, no cgroup directory named after the test, no mount naming the
# bundle, no process in a test cgroup, and an untouched canary.

# `run !` and `run -N` (bats 1.5; Debian 12 has 1.8).
bats_require_minimum_version 1.5.0

bats_load_library bats-support 2>/dev/null || load '/usr/lib/bats/bats-support/load'
bats_load_library bats-assert 2>/dev/null || load '/usr/lib/bats/bats-assert/load'
# shellcheck source=requires.bash
source "$(dirname "${BASH_SOURCE[0]}")/requires.bash"

ISLET=${ISLET:-islet}
ISLET_HELPERS=${ISLET_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}

# The busybox rootfs every bundle starts from: built once per run. If that
# fails, every test fails at once instead of waiting for it.
_template_rootfs() {
	local t="$BATS_RUN_TMPDIR/template"
	if mkdir "$t.lock" 2>/dev/null; then
		if "$BATS_TEST_DIRNAME/../../scripts/make-bundle.sh" "$t" "$ISLET" >/dev/null; then
			touch "$t.ready"
		else
			touch "$t.failed"
		fi
	fi
	while [ ! -e "$t.ready" ]; do
		if [ -e "$t.failed" ]; then
			echo "the template bundle (scripts/make-bundle.sh) could not be built" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "$t"
}

# Per-test setup: ROOT, BUNDLE, CID (a fresh container id), CANARY.
# shellcheck disable=SC2034 # CID is the tests'
setup_common() {
	requires root
	ROOT="$BATS_TEST_TMPDIR/state"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	ID_PREFIX="islet-t$$-$BATS_TEST_NUMBER"
	CID="$ID_PREFIX-a"
	local t
	t=$(_template_rootfs)
	mkdir -p "$BUNDLE"
	cp -a "$t/rootfs" "$BUNDLE/rootfs"
	cp "$t/config.json" "$BUNDLE/config.json"
	# The canary stands for "the host": nothing islet does may change it.
	CANARY="$BATS_TEST_TMPDIR/canary"
	mkdir -p "$CANARY/dir"
	echo canary >"$CANARY/file"
	CANARY_SUM=$(cd "$CANARY" && find . -printf '%p %y %m %s\n' | sort | sha256sum)
	cd "$BUNDLE" || return
}

# Like bats' `run` (sets $status, $output, $lines), but through a file with
# stdin from /dev/null, for commands that may leave a container holding their
# stdout (a pipe would never see EOF). regressions.bats's fd audit knows
# the file's name.
# shellcheck disable=SC2034 # lines is the tests'
run_file() {
	local out
	out=$(mktemp -p "$BATS_TEST_TMPDIR" islet-out.XXXXXX)
	status=0
	"$@" >"$out" 2>&1 </dev/null || status=$?
	output=$(cat "$out")
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	return 0
}

# Copies one of tests/helpers' static programs to the rootfs's /bin.
install_helper() { cp "$ISLET_HELPERS/$1" "$BUNDLE/rootfs/bin/$1"; }

# Runs islet with the test's state root and sets $status, $output and
# $lines as bats' `run` does. Output goes through a fresh file rather than a
# pipe: a detached container inherits islet's stdio and would hold a pipe
# open forever. Its own later output lands in that file, not in $output.
islet() {
	# As containerd and podman call it: JSON errors in --log, and the bare
	# message on stderr.
	run_file "$ISLET" --root "$ROOT" --log "$BATS_TEST_TMPDIR/islet.log" --log-format json "$@"
	if [ -n "${ISLET_TEST_VERBOSE:-}" ]; then
		echo "# islet $* -> $status" >&3
		[ -z "$output" ] || echo "#   ${output//$'\n'/$'\n'#   }" >&3
	fi
	return 0
}

# The test-only pause points (ISLET_TEST_PAUSE_AT) exist only in a build
# configured with -DISLET_TEST_HOOKS=ON, which scripts/test.sh always makes:
# a test that needs them fails against a binary without them (a skip would
# hide a wrong build).
require_test_hooks() {
	"$ISLET" --version | grep -qx 'test-hooks: on' ||
		fail "$ISLET has no test pause points (ISLET_TEST_PAUSE_AT): build it with -DISLET_TEST_HOOKS=ON, as scripts/test.sh does"
}

# wait_paused RUNNER: prints the pid of the process that stopped at its
# ISLET_TEST_PAUSE_AT point, RUNNER itself or one of its children, waiting up
# to 5 s; fails when none did.
wait_paused() {
	local p
	for _ in $(seq 100); do
		for p in "$1" $(pgrep -P "$1"); do
			if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = islet-paused ]; then
				echo "$p"
				return 0
			fi
		done
		sleep 0.05
	done
	echo "no process of $1 stopped at its pause point" >&2
	return 1
}

# Same, without bats' `run` (for pipelines and background use).
islet_raw() { "$ISLET" --root "$ROOT" "$@"; }

# Applies a jq filter to the bundle's config.json.
update_config() {
	local tmp
	tmp=$(mktemp)
	jq "$@" "$BUNDLE/config.json" >"$tmp"
	mv "$tmp" "$BUNDLE/config.json"
}

# The command the container runs.
set_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	update_config --argjson a "$json" '.process.args = $a'
}

# Status of a container, from `islet state`.
status_of() { "$ISLET" --root "$ROOT" state "$1" | jq -r .status; }
pid_of() { "$ISLET" --root "$ROOT" state "$1" | jq -r .pid; }

# Waits (up to ~5 s) until container $1 has status $2.
wait_status() {
	for _ in $(seq 100); do
		[ "$(status_of "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "container $1 did not reach status $2 (now: $(status_of "$1" 2>&1))"
	return 1
}

# The pass runs islet with the systemd cgroup driver: tests/vm-lane's driver
# pass sets ISLET_CGROUP_MANAGER=systemd (its ISLET adds --systemd-cgroup).
systemd_driver() { [ "${ISLET_CGROUP_MANAGER:-cgroupfs}" = systemd ]; }

# The cgroup directory where the pids controller counts process $1's
# cgroup: v1's pids hierarchy, or the unified one on a pure v2 host (with
# --systemd-cgroup that is the unit's scope, not /ID).
pids_cgroup_dir() {
	if pure_v2_host; then
		echo "/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$1/cgroup")"
	else
		echo "/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" {print $3}' "/proc/$1/cgroup")"
	fi
}

# Every cgroup directory, on every hierarchy, named after this test.
leaked_cgroups() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name "$ID_PREFIX*" 2>/dev/null || true
}

# Deletes what the test left, then fails if anything leaked.
teardown_common() {
	[ -n "${ROOT:-}" ] || return 0
	cd /
	local id
	if [ -d "$ROOT" ]; then
		for id in "$ROOT"/*; do
			[ -e "$id" ] || continue
			"$ISLET" --root "$ROOT" delete --force "${id##*/}" >/dev/null 2>&1 || true
		done
	fi
	local problems=""
	if [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
		problems+="state left in $ROOT: $(ls -A "$ROOT")\n"
	fi
	local cg
	cg=$(leaked_cgroups)
	if [ -n "$cg" ]; then
		problems+="cgroups left: $cg\n"
		# Clean up anyway so one failure does not cascade.
		for d in $cg; do rmdir "$d" 2>/dev/null || true; done
	fi
	if grep -q "$BATS_TEST_TMPDIR" /proc/self/mountinfo; then
		problems+="mounts left: $(grep "$BATS_TEST_TMPDIR" /proc/self/mountinfo)\n"
	fi
	local sum
	# (No canary when setup failed before making it.)
	sum=$([ -z "${CANARY_SUM:-}" ] || { cd "$CANARY" && find . -printf '%p %y %m %s\n' | sort | sha256sum; })
	if [ "$sum" != "${CANARY_SUM:-}" ]; then
		problems+="the canary changed: $(ls -laR "$CANARY")\n"
	fi
	if [ -n "$problems" ]; then
		printf 'leak audit failed:\n%b' "$problems" >&2
		return 1
	fi
}

setup() { setup_common; }
teardown() { teardown_common; }

# Debian's runc 1.1.5 (the reference) on the same bundle, with a state root
# of its own; sets $status, $output and $lines as run_file does.
runc_ref() {
	command -v runc >/dev/null || skip "runc (the reference) is not installed"
	# runc's init walks to the rootfs itself, from inside a new user
	# namespace too: let anyone search bats' private directories above it.
	local d=$BUNDLE
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	run_file runc --root "$BATS_TEST_TMPDIR/runc-state" "$@"
}
