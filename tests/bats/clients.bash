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

# Skips the whole file unless we are root and the clients it names are
# installed (scripts/install-deps.sh --clients). A missing islet is no
# reason to skip: the file fails.
clients_require() {
	requires root "${@/#/cmd:}"
	[ -x "$ISLET" ] || { echo "islet not found: set ISLET to its path" >&2; return 1; }
}

# A private, world-readable temporary directory (the rootless user reads
# the image and the config from it).
clients_tmpdir() {
	CLIENT_TMP=$(mktemp -d /tmp/islet-clients.XXXXXX)
	chmod 755 "$CLIENT_TMP"
	export CLIENT_TMP
}

# A busybox rootfs from Debian's busybox-static (no registry needed).
make_busybox_rootfs() {
	local r=$1 a
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var/tmp}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	cp /bin/busybox "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}

# --- what this islet build cannot do yet ------------------------------------
#
# Features other branches are building (cgroup resources, seccomp, exec, ps)
# make islet fail with "not supported yet" or "No help topic". The suites
# find out once per file, by asking islet itself, so that they test the
# clients' real defaults as soon as islet implements them.

# Sets ISLET_LACKS to a space-separated list among: pids cpu memory seccomp.
probe_islet_features() {
	local d="$CLIENT_TMP/probe" frag name out
	ISLET_LACKS=""
	mkdir -p "$d/base"
	make_busybox_rootfs "$d/rootfs"
	(cd "$d/base" && "$ISLET" spec)
	for frag in \
		'pids:.linux.resources.pids = {"limit": 100}' \
		'cpu:.linux.resources.cpu = {"shares": 1024}' \
		'memory:.linux.resources.memory = {"limit": 104857600}' \
		'seccomp:.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'; do
		name=${frag%%:*}
		mkdir -p "$d/$name"
		jq --arg r "$d/rootfs" ".root.path = \$r | .process.terminal = false | .process.args = [\"true\"] | ${frag#*:}" \
			"$d/base/config.json" >"$d/$name/config.json"
		# Output to a file, not a pipe: a created container's init keeps
		# create's stdout open until it is deleted.
		"$ISLET" --root "$d/state" create --bundle "$d/$name" "probe-$name-$$" >"$d/$name.out" 2>&1 </dev/null || true
		"$ISLET" --root "$d/state" delete --force "probe-$name-$$" >/dev/null 2>&1 || true
		out=$(cat "$d/$name.out")
		[[ "$out" != *"not supported"* ]] || ISLET_LACKS+="$name "
	done
	rm -rf "$d"
	export ISLET_LACKS
}

islet_lacks() { [[ " $ISLET_LACKS " == *" $1 "* ]]; }

# True when islet implements the subcommand (exec, ps, update...).
islet_has_command() { "$ISLET" "$1" --help >/dev/null 2>&1; }

# Skips the test unless islet has the subcommand (built on another branch).
require_islet_command() {
	islet_has_command "$1" || skip "needs islet $1 (${2:-in progress})"
}

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
