#!/usr/bin/env bats
# Rootless islet (issue 13): an unprivileged user runs containers with islet
# directly, side by side with runc 1.1.5 run by the same user on the same
# bundle (runc's state under the user's $XDG_RUNTIME_DIR/runc). The file
# makes its own user (not podman-rootless.bats's isletrl), its /etc/subuid
# and /etc/subgid lines and a private runtime directory, and removes them.
# This host has cgroups v1 and no systemd: no delegated cgroup, so rootless
# containers run without cgroups (as runc's do here).

load helpers

RS_USER=isletrs
# Three blocks of 65536: the isolated tests fill them.
RS_SUB_START=700000
RS_SUB_SIZE=196608

setup_file() {
	file_requires root cmd:setpriv cmd:newuidmap cmd:newgidmap cmd:runc || return 0
	id "$RS_USER" >/dev/null 2>&1 || useradd -m -s /bin/sh "$RS_USER"
	# Debian's useradd assigns ranges of its choosing: ours replace them.
	sed -i "/^$RS_USER:/d" /etc/subuid /etc/subgid
	echo "$RS_USER:$RS_SUB_START:$RS_SUB_SIZE" >>/etc/subuid
	echo "$RS_USER:$RS_SUB_START:$RS_SUB_SIZE" >>/etc/subgid
	export RS_UID RS_GID RS_HOME RS_TMP RS_XDG RS_ISLET RS_TEMPLATE
	RS_UID=$(id -u "$RS_USER")
	RS_GID=$(id -g "$RS_USER")
	RS_HOME=$(getent passwd "$RS_USER" | cut -d: -f6)
	# Not under bats' 0700 run directory: the user must reach it.
	RS_TMP=$(mktemp -d /tmp/islet-rootless.XXXXXX)
	chmod 755 "$RS_TMP"
	RS_XDG="$RS_TMP/xdg"
	mkdir -m 700 "$RS_XDG"
	chown "$RS_USER:" "$RS_XDG"
	# The binary where the user can run it, as it would be installed.
	mkdir "$RS_TMP/bin"
	RS_ISLET="$RS_TMP/bin/islet"
	install -m 755 "$(command -v "$ISLET")" "$RS_ISLET"
	RS_TEMPLATE="$RS_TMP/template"
	"$BATS_TEST_DIRNAME/../../scripts/busybox-rootfs.sh" "$RS_TEMPLATE/rootfs" >/dev/null
	chown -R "$RS_USER:" "$RS_TEMPLATE"
}

teardown_file() {
	[ -n "${RS_TMP:-}" ] || return 0
	local c
	for c in $(rs "$RS_ISLET" list -q 2>/dev/null); do rs "$RS_ISLET" delete -f "$c" >/dev/null 2>&1 || true; done
	for c in $(rs runc --root "$RS_XDG/runc" list -q 2>/dev/null); do
		rs runc --root "$RS_XDG/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
	rm -rf "$RS_TMP"
	userdel -r "$RS_USER" 2>/dev/null || true
	sed -i "/^$RS_USER:/d" /etc/subuid /etc/subgid
}

# Runs a command as the test user, in the bundle, with a login's environment.
rs() {
	(cd "${RS_BUNDLE:-/}" && setpriv --reuid="$RS_UID" --regid="$RS_GID" --init-groups \
		env -i HOME="$RS_HOME" USER="$RS_USER" LOGNAME="$RS_USER" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$RS_XDG" "$@")
}
ri() { rs "$RS_ISLET" "$@"; }                # islet, state in $XDG_RUNTIME_DIR/islet
rr() { rs runc --root "$RS_XDG/runc" "$@"; }  # runc, as the same user

# A command that leaves a container behind (create, run -d): the container
# must not hold bats' output pipe, so its stdio is /dev/null; the command's
# errors are shown when it fails.
quiet() {
	"$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/quiet.err" || {
		cat "$BATS_TEST_TMPDIR/quiet.err" >&2
		return 1
	}
}

# A jq filter applied to the bundle's config (the file stays the user's).
config() {
	jq "$1" "$RS_BUNDLE/config.json" >"$RS_BUNDLE/config.json.new"
	mv "$RS_BUNDLE/config.json.new" "$RS_BUNDLE/config.json"
	chown "$RS_USER:" "$RS_BUNDLE/config.json"
}

# The bundle run by runc, then by islet, as the user: both succeed with the
# same output, which the test reads on in $output and $lines.
same_as_runc() {
	run rr run "$CID-runc"
	assert_success
	local expected=$output
	run ri run "$CID"
	assert_success
	assert_output "$expected"
}

setup() {
	file_skip
	RS_BUNDLE="$RS_TMP/t$BATS_TEST_NUMBER"
	CID="rs$$-$BATS_TEST_NUMBER"
	mkdir "$RS_BUNDLE"
	cp -a "$RS_TEMPLATE/rootfs" "$RS_BUNDLE/rootfs"
	chown "$RS_USER:" "$RS_BUNDLE"
	# `islet spec --rootless` as the user would write it.
	rs "$RS_ISLET" spec --rootless
	config '.process.terminal = false'
}

teardown() {
	# Nothing was set up when setup_file noted an unmet gate.
	[ -z "${FILE_SKIP:-}" ] || return 0
	local c left=""
	for c in $(ri list -q 2>/dev/null); do ri delete -f "$c" >/dev/null 2>&1 || true; done
	for c in $(rr list -q 2>/dev/null); do rr delete -f "$c" >/dev/null 2>&1 || true; done
	[ -z "$(ls -A "$RS_XDG/islet" 2>/dev/null)" ] || left="islet state left: $(ls "$RS_XDG/islet")"
	! compgen -G "$RS_XDG/islet-idblocks/block-*" >/dev/null || left+=" ID blocks left"
	rm -rf "$RS_BUNDLE"
	[ -z "$left" ] || { echo "$left" >&2; return 1; }
}

@test "spec --rootless, then run prints uid=0(root), as runc" {
	config '.process.args = ["id"]'
	same_as_runc
	assert_output "uid=0(root) gid=0(root) groups=0(root)"
}

@test "the state lives under \$XDG_RUNTIME_DIR/islet, the user's own, as runc's" {
	config '.process.args = ["sleep", "100"]'
	quiet rr create "$CID-runc"
	quiet ri create "$CID"
	[ "$(stat -c '%U %a' "$RS_XDG/islet")" = "$RS_USER 1700" ]
	[ "$(stat -c %U "$RS_XDG/islet/$CID/state.json")" = "$RS_USER" ]
	run ri list -q
	assert_output "$CID"
	run ri state "$CID"
	assert_success
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(rr state "$CID-runc" | jq -r .status)" = created ]
}

# create, start, exec, kill and delete with runtime $1 (rr or ri), id $2.
lifecycle() {
	quiet "$1" create "$2"
	"$1" start "$2"
	[ "$("$1" state "$2" | jq -r .status)" = running ]
	run "$1" exec "$2" id
	assert_success
	assert_output "uid=0(root) gid=0(root) groups=0(root)"
	"$1" kill "$2" KILL
	for _ in $(seq 50); do [ "$("$1" state "$2" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	[ "$("$1" state "$2" | jq -r .status)" = stopped ]
	"$1" delete "$2"
	run "$1" state "$2"
	assert_failure
}

@test "create, start, exec, kill, delete, as runc" {
	config '.process.args = ["sleep", "100"]'
	lifecycle rr "$CID-runc"
	lifecycle ri "$CID"
	[ ! -e "$RS_XDG/islet/$CID" ]
}

@test "ps without cgroups lists the container's pid namespace (runc 1.1.5 fails)" {
	config '.process.args = ["sleep", "100"]'
	quiet rr run -d "$CID-runc"
	quiet ri run -d "$CID"
	# runc reads the pids from a cgroup it does not have; islet finds the
	# processes of the container's pid namespace instead (deliberately more).
	run rr ps "$CID-runc"
	assert_failure
	assert_output --partial "unable to get all container pids"
	local pid
	pid=$(ri state "$CID" | jq -r .pid)
	run ri ps "$CID"
	assert_success
	assert_line -n 0 --regexp "^UID +PID +PPID"
	assert_line --regexp "^$RS_USER +$pid .*sleep 100\$"
	[ "${#lines[@]}" = 2 ]
}

@test "kill --all without cgroups signals the container's pid namespace (runc 1.1.5 fails)" {
	config '.process.args = ["sleep", "100"]'
	quiet rr run -d "$CID-runc"
	quiet ri run -d "$CID"
	run rr kill --all "$CID-runc" TERM
	assert_failure
	quiet ri exec -d "$CID" sleep 200
	run ri ps "$CID"
	assert_line --regexp "sleep 200\$"
	# The exec'd sleep is no child of the init: only --all reaches it (the
	# init, pid 1 without a handler, ignores TERM).
	ri kill --all "$CID" TERM
	for _ in $(seq 50); do ri ps "$CID" | grep -q 'sleep 200$' || break; sleep 0.1; done
	run ri ps "$CID"
	refute_line --regexp "sleep 200\$"
	[ "$(ri state "$CID" | jq -r .status)" = running ]
}

@test "--rootless true, auto and false, as runc" {
	config '.process.args = ["true"]'
	local v
	for v in true auto; do
		run rr --rootless "$v" run "$CID-runc-$v"
		assert_success
		run ri --rootless "$v" run "$CID-$v"
		assert_success
	done
	# false: the cgroups errors are not ignored, and a user has none.
	run rr --rootless false run "$CID-runc-false"
	assert_failure
	run ri --rootless false run "$CID-false"
	assert_failure
	assert_output --partial "cgroups"
	[ ! -e "$RS_XDG/islet/$CID-false" ]
}

@test "mounts an unprivileged user may make: host /sys, host device nodes, as runc" {
	config '.process.args = ["sh", "-c", "stat -c %t:%T /dev/null /dev/zero /dev/tty; awk \"\\$5 == \\\"/sys\\\" {print \\$9}\" /proc/self/mountinfo; mknod /dev/x c 1 3 2>/dev/null && echo mknod || echo no-mknod"]'
	same_as_runc
	assert_line -n 0 "1:3"
	assert_line -n 3 sysfs
	assert_line -n 4 no-mknod
}

@test "sysfs without a network namespace of its own: the host's /sys bound instead (runc 1.1.5 fails)" {
	# The kernel refuses a new sysfs to a user namespace that does not own
	# the network namespace. runc 1.1.5 fails with EPERM; islet binds the
	# host's /sys instead, as crun and later runc do (deliberately kinder).
	config '.mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end)
		| .process.args = ["sh", "-c", "awk \"\\$5 == \\\"/sys\\\" {print \\$9, \\$6}\" /proc/self/mountinfo | cut -d, -f1; test -d /sys/kernel && echo kernel"]'
	run rr run "$CID-runc"
	assert_failure
	assert_output --partial 'error mounting \"sysfs\" to rootfs at \"/sys\"'
	run ri run "$CID"
	assert_success
	assert_line -n 0 "sysfs ro"
	assert_line -n 1 kernel
}

@test "a network namespace of its own has lo up, as runc" {
	config '.linux.namespaces += [{"type": "network"}] | .process.args = ["sh", "-c", "ip -o link show lo | grep -o \"<[^>]*>\"; cat /proc/net/dev | grep -c :"]'
	same_as_runc
	assert_line -n 0 --partial "UP"
	assert_line -n 1 1
}

@test "no cgroups here: said once at debug level; limits, update and pause are clear errors, as runc" {
	config '.process.args = ["true"]'
	run ri --debug run "$CID"
	assert_success
	[ "$(grep -c 'running without cgroups' <<<"$output")" = 1 ]
	# A limit needs a cgroup: refused, not dropped (runc's rule too).
	config '.linux.resources = {"memory": {"limit": 67108864}}'
	run rr run "$CID-runc"
	assert_failure
	run ri run "$CID-mem"
	assert_failure
	assert_output --partial "rootless needs no limits when no permission is granted for cgroups"
	[ ! -e "$RS_XDG/islet/$CID-mem" ]
	config 'del(.linux.resources) | .process.args = ["sleep", "100"]'
	quiet rr run -d "$CID-runc-p"
	quiet ri run -d "$CID-p"
	run rr pause "$CID-runc-p"
	assert_failure
	run ri pause "$CID-p"
	assert_failure
	assert_output --partial "cannot pause: the container runs without cgroups"
	[ "$(ri state "$CID-p" | jq -r .status)" = running ]
	run rr update --memory 67108864 "$CID-runc-p"
	assert_failure
	run ri update --memory 67108864 "$CID-p"
	assert_failure
	assert_output --partial "cannot update resources: the container runs without cgroups"
}

@test "several ranges through newuidmap and newgidmap, as runc" {
	config ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RS_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RS_SUB_START, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RS_GID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RS_SUB_START, \"size\": 65536}]
		| .process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/gid_map | tr -s \\\" \\\"; touch /dev/shm/f; chown 1000:1000 /dev/shm/f && stat -c %u:%g /dev/shm/f\"]"
	# chown needs CAP_CHOWN, which `spec --rootless` leaves out.
	config '.process.capabilities |= with_entries(.value += ["CAP_CHOWN"])'
	same_as_runc
	assert_line -n 1 " 1 $RS_SUB_START 65536"
	assert_line -n 3 " 1 $RS_SUB_START 65536"
	# ID 1000 inside is a subordinate ID, which only newuidmap could map.
	assert_line -n 4 "1000:1000"
}

@test "a config without a user namespace is runc's error, nothing left" {
	config 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user")) | .process.args = ["true"]'
	run rr run "$CID-runc"
	assert_failure
	assert_output --partial "rootless container requires user namespaces"
	run ri run "$CID"
	assert_failure
	assert_output --partial "rootless container requires user namespaces"
	[ "$(grep -c . <<<"$output")" = 1 ]
	[ ! -e "$RS_XDG/islet/$CID" ]
}

@test "a mapping the user does not own is refused naming it, nothing left, as runc" {
	config ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RS_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": 900000, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RS_GID, \"size\": 1}]
		| .process.args = [\"true\"]"
	run rr run "$CID-runc"
	assert_failure
	run ri run "$CID"
	assert_failure
	assert_output --partial "linux.uidMappings: host IDs 900000-965535 are not the caller's to map: id $RS_UID owns $RS_SUB_START-$((RS_SUB_START + RS_SUB_SIZE - 1)) in /etc/subuid"
	[ "$(grep -c . <<<"$output")" = 1 ]
	[ ! -e "$RS_XDG/islet/$CID" ]
}

@test "terminals: foreground run -t, --console-socket and exec -t, as runc" {
	config '.process.terminal = true | .process.args = ["sh", "-c", "tty; id -u"]'
	run rs script -qec "runc --root $RS_XDG/runc run $CID-runc" /dev/null
	assert_success
	assert_output --partial "/dev/pts/0"
	run rs script -qec "$RS_ISLET run $CID" /dev/null
	assert_success
	assert_output --partial "/dev/pts/0"
	assert_output --partial $'0\r'
	# A console socket the user listens on (recvtty checks runc's framing).
	install -m 755 "$ISLET_HELPERS/recvtty" "$RS_TMP/bin/recvtty"
	local r sock log pid
	for r in rr ri; do
		sock="$RS_BUNDLE/$r.sock" log="$RS_BUNDLE/$r.tty"
		rs "$RS_TMP/bin/recvtty" "$sock" "$log" &
		pid=$!
		for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
		quiet "$r" create --console-socket "$sock" "$CID-$r-sock"
		"$r" start "$CID-$r-sock"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run cat "$log"
		assert_line "framing=ok"
		assert_output --partial "/dev/pts/0"
	done
	config '.process.terminal = false | .process.args = ["sleep", "100"]'
	quiet ri run -d "$CID-x"
	run rs script -qec "$RS_ISLET exec -t $CID-x sh -c 'tty; exit 6'" /dev/null
	[ "$status" -eq 6 ]
	assert_output --partial "/dev/pts/"
}

@test "hooks run at their moments as the user, as runc's" {
	local r
	cat >"$RS_BUNDLE/hook.sh" <<-'HOOK'
	#!/bin/sh
	state=$(cat)
	echo "$2 uid=$(id -u) status=$(echo "$state" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')" >>"$1"
	HOOK
	chmod 755 "$RS_BUNDLE/hook.sh"
	chown "$RS_USER:" "$RS_BUNDLE/hook.sh"
	for r in rr ri; do
		local log="$RS_BUNDLE/$r.hooks"
		config "$(jq -n --arg h "$RS_BUNDLE/hook.sh" --arg l "$log" '
			def hk(p): [{path: $h, args: ["hook.sh", $l, p]}];
			"." + " | .process.args = [\"true\"] | .hooks = " + ({prestart: hk("prestart"), createRuntime: hk("createRuntime"),
				createContainer: hk("createContainer"), poststart: hk("poststart"), poststop: hk("poststop")} | tojson)' -r)"
		quiet "$r" create "$CID-$r"
		"$r" start "$CID-$r"
		for _ in $(seq 50); do [ "$("$r" state "$CID-$r" | jq -r .status)" = stopped ] && break; sleep 0.1; done
		"$r" delete "$CID-$r"
	done
	run cat "$RS_BUNDLE/ri.hooks"
	# Same phases, same order, same user as runc's; the status is islet's
	# `created` where runc says `creating` (hooks.bats, CONFORMANCE.md).
	assert_equal "$(cut -d' ' -f1,2 "$RS_BUNDLE/ri.hooks")" "$(cut -d' ' -f1,2 "$RS_BUNDLE/rr.hooks")"
	assert_equal "${#lines[@]}" 5
	assert_line -n 0 "prestart uid=$RS_UID status=created"
}

# A delegated cgroup v2 subtree, as systemd's user@.service gives a user
# (Delegate=yes): the directory and its cgroup.procs, cgroup.subtree_control
# and cgroup.threads are the user's, and the user's processes live below it.
# This host is hybrid without systemd, so the test builds that view in a
# private mount namespace: the unified hierarchy mounted alone at
# /sys/fs/cgroup (a pure v2 host's layout), the user's shell moved into the
# subtree as systemd would. Each runtime gets cgroupsPath /<subtree>/<name>.
# Until this test islet tried to load its device eBPF program there
# (CAP_SYS_ADMIN only) and so ran without cgroups; runc skips device rules
# when rootless, and so does islet now.
_delegated_cgroup_run() {
	local sub=$1 rt=$2 id=$3
	cat <<-EOF
		umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup
		mkdir /sys/fs/cgroup/$sub /sys/fs/cgroup/$sub/shell
		chown $RS_USER: /sys/fs/cgroup/$sub /sys/fs/cgroup/$sub/cgroup.procs \
			/sys/fs/cgroup/$sub/cgroup.subtree_control /sys/fs/cgroup/$sub/cgroup.threads
		chown -R $RS_USER: /sys/fs/cgroup/$sub/shell
		echo \$\$ >/sys/fs/cgroup/$sub/shell/cgroup.procs
		cg=/sys/fs/cgroup/$sub/$rt
		# Whatever happens: no container, the shell out, the subtree gone
		# (from in here: a hybrid host may not mount the unified hierarchy).
		trap '$rt delete -f $id >/dev/null 2>&1; echo \$\$ >/sys/fs/cgroup/cgroup.procs
			rmdir /sys/fs/cgroup/$sub/shell /sys/fs/cgroup/$sub && echo subtree-removed' EXIT
		quiet $rt run -d $id || exit 1
		pid=\$($rt state $id | jq -r .pid)
		grep -qx "\$pid" \$cg/cgroup.procs && echo in-cgroup
		$rt pause $id && echo "paused=\$($rt state $id | jq -r .status) freeze=\$(cat \$cg/cgroup.freeze)"
		$rt resume $id && echo "resumed=\$($rt state $id | jq -r .status) freeze=\$(cat \$cg/cgroup.freeze)"
		$rt ps $id | grep -q " \$pid " && echo ps-lists-init
		$rt kill --all $id KILL
		for _ in \$(seq 50); do [ "\$($rt state $id | jq -r .status)" = stopped ] && break; sleep 0.1; done
		$rt delete $id && [ ! -e \$cg ] && echo deleted-cgroup-gone
	EOF
}

@test "a delegated cgroup v2 subtree: the container gets a cgroup there for pause, ps, kill --all, as runc" {
	config '.process.args = ["sleep", "100"]'
	local sub="islet-rs$$-$BATS_TEST_NUMBER" rt expected=""
	export -f rs ri rr quiet
	export RS_BUNDLE RS_UID RS_GID RS_HOME RS_USER RS_XDG RS_ISLET BATS_TEST_TMPDIR
	for rt in rr ri; do
		config ".linux.cgroupsPath = \"/$sub/$rt\""
		run unshare -m --propagation private bash -c "$(_delegated_cgroup_run "$sub" "$rt" "$CID-$rt")"
		assert_success
		assert_line subtree-removed
		assert_line in-cgroup
		assert_line "paused=paused freeze=1"
		assert_line "resumed=running freeze=0"
		assert_line ps-lists-init
		assert_line deleted-cgroup-gone
		[ -z "$expected" ] || assert_equal "$(grep -v '^time=' <<<"$output")" "$expected"
		expected=$(grep -v '^time=' <<<"$output")
	done
}

@test "joining another container's user and network namespaces by path, as runc" {
	local r a
	config '.linux.namespaces += [{"type": "network"}] | .process.args = ["sleep", "100"]'
	cp "$RS_BUNDLE/config.json" "$RS_BUNDLE/owner.json"
	for r in rr ri; do
		cp "$RS_BUNDLE/owner.json" "$RS_BUNDLE/config.json"
		quiet "$r" run -d "$CID-$r-owner"
		a=$("$r" state "$CID-$r-owner" | jq -r .pid)
		# runc 1.1.5 rootless wants the mappings even for a joined user namespace.
		config ".linux.namespaces |= map(
			if .type == \"user\" then .path = \"/proc/$a/ns/user\" elif .type == \"network\" then .path = \"/proc/$a/ns/net\" else . end)
			| .process.args = [\"sh\", \"-c\", \"readlink /proc/self/ns/user; readlink /proc/self/ns/net; id -u\"]"
		run "$r" run "$CID-$r"
		assert_success
		assert_line -n 0 "$(readlink "/proc/$a/ns/user")"
		assert_line -n 1 "$(readlink "/proc/$a/ns/net")"
		assert_line -n 2 0
		"$r" delete -f "$CID-$r-owner"
	done
}

@test "the host's pid namespace: a new procfs is refused, a bind of /proc works, as runc" {
	config '.linux.namespaces |= map(select(.type != "pid")) | .process.args = ["sh", "-c", "test -d /proc/1/ns && echo host-proc"]'
	run rr run "$CID-runc"
	assert_failure
	run ri run "$CID"
	assert_failure
	assert_output --partial "mount proc to /proc (type proc): create the filesystem: operation not permitted"
	[ ! -e "$RS_XDG/islet/$CID" ]
	# What podman does for --pid=host rootless: the host's /proc, bound.
	config '.mounts |= map(if .destination == "/proc" then {destination: "/proc", type: "bind", source: "/proc", options: ["rbind", "nosuid", "noexec", "nodev"]} else . end)'
	run rr run "$CID-runc-b"
	assert_success
	assert_line host-proc
	run ri run "$CID-b"
	assert_success
	assert_output host-proc
}

# runc has no isolated user namespaces: these are islet's own.
isolated_config() {
	config '.annotations["run.islet.isolated-userns"] = "true" | .process.args = ["sleep", "100"]'
	# The block's root is no one to the bundle's owner: it must reach the
	# rootfs as "others" (docs/ISOLATION.md "Rootless").
	chmod 755 "$RS_BUNDLE"
}

@test "isolated: two containers get disjoint blocks of the user's ranges, freed on delete" {
	isolated_config
	quiet ri run -d "$CID-a"
	quiet ri run -d "$CID-b"
	local a b
	a=$(ri exec "$CID-a" cat /proc/self/uid_map | tr -s ' ')
	b=$(ri exec "$CID-b" cat /proc/self/uid_map | tr -s ' ')
	[ "$a" != "$b" ]
	local sa sb
	sa=$(cut -d' ' -f3 <<<"$a")
	sb=$(cut -d' ' -f3 <<<"$b")
	# Inside the user's range, 65536 apart at least, and gids alike.
	[ "$sa" -ge "$RS_SUB_START" ] && [ "$sb" -ge "$RS_SUB_START" ]
	[ $((sa > sb ? sa - sb : sb - sa)) -ge 65536 ]
	[ "$(ri exec "$CID-a" cat /proc/self/gid_map | tr -s ' ')" = "$a" ]
	[ "$(ri state "$CID-a" | jq -r '.annotations["run.islet.isolated-userns.block"]')" = "$sa-$((sa + 65535))" ]
	run ri exec "$CID-a" id
	assert_output --regexp "^uid=0\(root\) gid=0\(root\)"
	run ri blocks
	assert_success
	assert_line --partial "$CID-a"
	assert_line --partial "$CID-b"
	ri delete -f "$CID-a"
	run ri blocks
	refute_line --partial "$CID-a"
	assert_line --partial "$CID-b"
}

@test "isolated: refused with a clear error when the user's ranges hold no more blocks" {
	isolated_config
	quiet ri create "$CID-1"
	quiet ri create "$CID-2"
	quiet ri create "$CID-3"
	run quiet ri create "$CID-4"
	assert_failure
	assert_output --partial "the ID pool is exhausted: all 3 blocks of 65536 IDs from $RS_SUB_START are in use"
	[ ! -e "$RS_XDG/islet/$CID-4" ]
	# Room again once one goes.
	ri delete "$CID-2"
	quiet ri create "$CID-4"
}

@test "isolated: the block of a killed create is freed by delete --force" {
	require_test_hooks
	isolated_config
	run quiet rs env ISLET_TEST_PAUSE_AT=after-cgroup timeout -s KILL 2 "$RS_ISLET" create "$CID"
	assert_failure
	run ri blocks
	assert_line --partial "$CID"
	ri delete --force "$CID"
	run ri blocks
	refute_line --partial "$CID"
	[ ! -e "$RS_XDG/islet/$CID" ]
}
