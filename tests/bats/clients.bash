# Shared set-up for the client suites (podman.bats, podman-rootless.bats,
# containerd.bats): the real clients from Debian drive the real islet binary.
#
# ISLET is islet's absolute path (CI: /usr/local/bin/islet after
# scripts/test.sh installs it; while developing: the build tree's binary).
# The clients are pointed at it through their own configuration, never
# through a copy in /usr/local/bin. Everything a file makes lives in
# $CLIENT_TMP (one per file) and is removed in teardown_file.

bats_load_library bats-support 2>/dev/null || load '/usr/lib/bats/bats-support/load'
bats_load_library bats-assert 2>/dev/null || load '/usr/lib/bats/bats-assert/load'
# shellcheck source=requires.bash
source "$(dirname "${BASH_SOURCE[0]}")/requires.bash"

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
ISLET=$(command -v "${ISLET:-/usr/local/bin/islet}" || true)
# A hung client must not hang CI: every test gets this many seconds.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}

# For setup_file: `clients_require CLIENT... || return 0` notes the first
# unmet gate unless we are root and the clients it names are installed
# (scripts/install-deps.sh --clients), and the file's setup skips every test
# with it (file_skip, requires.bash). A missing islet is no reason to skip:
# the file fails.
clients_require() {
	file_requires root "${@/#/cmd:}" || return 1
	[ -x "$ISLET" ] || { echo "islet not found: set ISLET to its path" >&2; exit 1; }
}

# A private, world-readable temporary directory (the rootless user reads
# the image and the config from it).
clients_tmpdir() {
	CLIENT_TMP=$(mktemp -d /tmp/islet-clients.XXXXXX)
	chmod 755 "$CLIENT_TMP"
	export CLIENT_TMP
}

# A busybox rootfs from Debian's busybox-static (no registry needed): the
# image every client suite imports.
make_busybox_rootfs() { "$REPO_ROOT/scripts/busybox-rootfs.sh" "$1"; }

# Waits up to $2 tenths of a second for command "${@:3}" to succeed.
wait_for() {
	local what=$1 n=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $what" >&2
	return 1
}

# Status of a container by its id, straight from islet's state.
islet_status() { "$ISLET" --root "$1" state "$2" 2>/dev/null | jq -r .status; }

# The settings of a private containerd whose files all live in $1 (root,
# state and its sockets), for a file that starts its own daemon.
private_containerd_config() {
	cat <<-EOF
		version = 2
		root = "$1/root"
		state = "$1/state"
		[grpc]
		  address = "$1/containerd.sock"
		[ttrpc]
		  address = "$1/containerd.sock.ttrpc"
	EOF
}

# podman_rm CMD...: a `podman rm` that is not what a test checks, tried once
# more when podman 4.3 trips over its own shm unmount ("unlinkat
# .../userdata/shm: device or resource busy"): podman's race (podman issues
# 10454 and 11594, fixed in 4.4 by pull 16159), seen once in this suite, not
# the runtime's. Any other failure fails the test.
podman_rm() {
	local out
	out=$("$@" 2>&1) && return 0
	if grep -q 'userdata/shm: device or resource busy' <<<"$out"; then
		"$@" >/dev/null && return 0
	fi
	echo "$out" >&2
	return 1
}

# pod_and_joins NETWORK PODMAN...: for islet and then runc (PODMAN --runtime
# RT), a container started with --network/--ipc/--pid/--uts container:X sees
# X's hostname and processes, and a member of a pod shares the pod's net, ipc,
# uts and pid namespaces. NETWORK is one option for the first container and the
# pod ("" for podman's default; rootless passes --network=none). Uses the
# calling file's name().
pod_and_joins() {
	local net=$1 rt c pod out
	local links='for n in net ipc uts pid; do readlink /proc/self/ns/$n; done'
	shift
	for rt in islet runc; do
		c=$(name "j-$rt")
		"$@" --runtime "$rt" run -d ${net:+"$net"} --hostname "host-$rt" --name "$c" "$IMG" sleep 1000 >/dev/null
		run "$@" --runtime "$rt" run --rm --network "container:$c" --ipc "container:$c" --pid "container:$c" \
			--uts "container:$c" "$IMG" sh -c 'hostname; grep -qx sleep /proc/[0-9]*/comm && echo sees-sleep'
		assert_success
		assert_output "$(printf 'host-%s\nsees-sleep' "$rt")"
	done
	# Root's podman 4.3 with the cgroupfs manager, on a pure v2 host, attaches
	# a deny-all device program (8 instructions, no rules) to each pod's
	# cgroup when it makes it, before any runtime runs: every member's
	# /dev/null is refused there (runc: "error reopening /dev/null inside
	# container: open /dev/null: operation not permitted"), so no runtime can
	# start a pod. Rootless podman attaches none (it cannot).
	if [ "$1" = podman ] && pure_v2_host; then
		skip "podman 4.3 (cgroupfs manager, pure cgroup v2) denies every device to its pods' cgroups; runc fails the same"
	fi
	for rt in islet runc; do
		c=$(name "j-$rt")
		pod=$(name "pod-$rt")
		# The pid namespace too: each member's init joins it by path after
		# its setup (issue 10), and sees the pod's catatonit as its pid 1.
		"$@" --runtime "$rt" pod create ${net:+"$net"} --share +pid --name "$pod" >/dev/null
		"$@" --runtime "$rt" run -d --pod "$pod" --name "$c-m1" "$IMG" sleep 1000 >/dev/null
		out=$("$@" exec "$c-m1" sh -c "$links")
		run "$@" --runtime "$rt" run --rm --pod "$pod" "$IMG" sh -c "$links; hostname; cat /proc/1/comm"
		"$@" pod rm -f -t 0 "$pod" >/dev/null
		assert_success
		assert_output "$(printf '%s\n%s\ncatatonit' "$out" "$pod")"
	done
}

# FROZEN or THAWED: the freezer state of cgroup PATH (v1's freezer hierarchy,
# or the "frozen" key of cgroup.events on a pure v2 host).
freezer_state() {
	if ! pure_v2_host; then
		cat "/sys/fs/cgroup/freezer$1/freezer.state"
	elif grep -qx 'frozen 1' "/sys/fs/cgroup$1/cgroup.events"; then
		echo FROZEN
	else
		echo THAWED
	fi
}
