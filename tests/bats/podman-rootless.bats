#!/usr/bin/env bats
# Rootless podman (CLIENTS.md §2.5, §7.3): a test user with /etc/subuid and
# /etc/subgid ranges runs podman, which runs conmon and islet as uid 0 inside
# its user namespace, without cgroups (v1 host), with islet's state under
# $XDG_RUNTIME_DIR/islet. --network=none: /dev/net/tun is not usable here.

bats_require_minimum_version 1.5.0
load clients

RL_USER=isletrl

setup_file() {
	clients_require podman conmon newuidmap runuser || return 0
	clients_tmpdir
	if ! id "$RL_USER" >/dev/null 2>&1; then
		useradd -m -s /bin/sh "$RL_USER"
	fi
	# Debian's useradd adds ranges when /etc/subuid exists; make sure.
	grep -q "^$RL_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 300000-365535 "$RL_USER"
	grep -q "^$RL_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 300000-365535 "$RL_USER"
	export RL_HOME
	RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
	# No logind here: the user's runtime dir is ours to make. Its podman
	# config and storage live here too: podman pins its tmp dir (and the
	# pause process's pid file) in the storage's database, so a store
	# shared between runs would keep an old XDG_RUNTIME_DIR.
	export RL_XDG="$CLIENT_TMP/xdg" RL_DATA="$CLIENT_TMP/data" RL_CONFIG="$CLIENT_TMP/config"
	mkdir -p "$RL_XDG" "$RL_DATA" "$RL_CONFIG"
	chown "$RL_USER:" "$RL_XDG" "$RL_DATA" "$RL_CONFIG"
	chmod 700 "$RL_XDG"
	# The user cannot raise a hard limit: the config's ulimits go no higher
	# than the user's own (a 2 GiB guest's RLIMIT_NPROC is below 32768).
	local nofile nproc
	nofile=$(at_most 20000 "$(rl bash -c 'ulimit -Hn')")
	nproc=$(at_most 32768 "$(rl bash -c 'ulimit -Hu')")
	sed -e "s#/usr/local/bin/islet#$ISLET#" \
		-e "s/^default_ulimits = .*/default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]/" \
		"$REPO_ROOT/config/containers.conf" >"$CLIENT_TMP/containers.conf"
	grep -qx "default_ulimits = .*nproc=$nproc:$nproc.*" "$CLIENT_TMP/containers.conf"
	chmod 644 "$CLIENT_TMP/containers.conf"
	export IMG=localhost/islet-test-busybox:latest
	export PREFIX="islet-rl$$"
	make_busybox_rootfs "$CLIENT_TMP/rootfs"
	tar -C "$CLIENT_TMP/rootfs" -c . | rl podman import - "$IMG" >/dev/null
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	local n pause
	for n in $(rl podman ps -a --format '{{.Names}}' --filter "name=^$PREFIX-" 2>/dev/null); do
		rl podman rm -f -t 0 "$n" >/dev/null 2>&1 || true
	done
	for n in $(rl podman pod ls --format '{{.Name}}' --filter "name=^$PREFIX-" 2>/dev/null); do
		rl podman pod rm -f -t 0 "$n" >/dev/null 2>&1 || true
	done
	rl podman rmi -f "$IMG" >/dev/null 2>&1 || true
	# podman's pause process keeps the user namespace alive between
	# commands; it was started for these tests, so it ends with them.
	pause=$(cat "$RL_XDG/libpod/tmp/pause.pid" 2>/dev/null || true)
	if [ -n "$pause" ]; then
		kill "$pause" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pause" 2>/dev/null || break; sleep 0.1; done
	fi
	awk -v d="$CLIENT_TMP" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
	rm -rf "$CLIENT_TMP"
}

# Runs a command as the test user with the environment a login would give.
rl() {
	(cd / && runuser -u "$RL_USER" -- env -i HOME="$RL_HOME" USER="$RL_USER" LOGNAME="$RL_USER" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$RL_XDG" \
		XDG_DATA_HOME="$RL_DATA" XDG_CONFIG_HOME="$RL_CONFIG" \
		CONTAINERS_CONF="$CLIENT_TMP/containers.conf" "$@")
}

pm() { rl podman --runtime islet "$@"; }

# at_most LIMIT HARD: LIMIT, or the hard limit HARD when lower.
at_most() { if [ "$2" != unlimited ] && [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

name() { echo "$PREFIX-$BATS_TEST_NUMBER-$1"; }

id_of() { rl podman inspect --format '{{.Id}}' "$1"; }

# islet's state as the user's podman sees it (no --root: the XDG default).
rl_islet_state() { rl podman unshare "$ISLET" state "$1"; }

setup() { file_skip; }

teardown() {
	# Nothing was set up when setup_file noted an unmet gate.
	[ -z "${FILE_SKIP:-}" ] || return 0
	local n id problems=""
	for n in $(rl podman ps -a --format '{{.Names}}' --filter "name=^$PREFIX-$BATS_TEST_NUMBER-"); do
		id=$(id_of "$n")
		rl podman rm -f -t 0 "$n" >/dev/null 2>&1 || true
		[ ! -e "$RL_XDG/islet/$id" ] || problems+="islet state left: $RL_XDG/islet/$id\n"
	done
	if [ -n "$problems" ]; then
		printf 'leak audit failed:\n%b' "$problems" >&2
		return 1
	fi
}

@test "rootless podman run: output, exit status, user namespace" {
	local uid
	uid=$(id -u "$RL_USER")
	run pm run --rm --network=none "$IMG" sh -c 'id -u; cat /proc/self/uid_map'
	assert_success
	assert_line --index 0 0
	# podman's own namespace: container root is the user, the rest subuids.
	assert_line --index 1 --regexp "^ +0 +$uid +1\$"
	run pm run --rm --network=none "$IMG" sh -c 'exit 4'
	assert_failure 4
	run -127 pm run --rm --network=none "$IMG" /nonexistent
	assert_failure 127
	assert_output --partial 'exec: "/nonexistent": stat /nonexistent: no such file or directory'
}

@test "rootless podman run -d, stop, rm; islet's state lives under XDG_RUNTIME_DIR" {
	local c id
	c=$(name d)
	pm run -d --network=none --name "$c" "$IMG" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	id=$(id_of "$c")
	[ -d "$RL_XDG/islet/$id" ]
	run rl_islet_state "$id"
	assert_success
	[ "$(jq -r .status <<<"$output")" = running ]
	run rl podman stop -t 10 "$c"
	assert_success
	[ "$(rl podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$c")" = "exited 0" ]
	run rl podman rm "$c"
	assert_success
	[ ! -e "$RL_XDG/islet/$id" ]
}

@test "rootless podman rm -f and kill" {
	local c
	c=$(name k)
	pm run -d --network=none --name "$c" "$IMG" sleep 1000
	run rl podman kill "$c"
	assert_success
	for _ in $(seq 50); do
		[ "$(rl podman inspect --format '{{.State.Status}}' "$c")" = exited ] && break
		sleep 0.1
	done
	[ "$(rl podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$c")" = "exited 137" ]
	pm run -d --network=none --name "$c-2" "$IMG" sleep 1000
	run rl podman rm -f -t 0 "$c-2"
	assert_success
}

@test "rootless podman exec" {
	local c
	c=$(name e)
	pm run -d --network=none --name "$c" "$IMG" sleep 1000
	run rl podman exec "$c" sh -c 'echo hi; id -u'
	assert_success
	assert_output $'hi\n0'
	run rl podman exec "$c" sh -c 'exit 6'
	assert_failure 6
}

@test "rootless podman --uidmap and --userns=keep-id nest a user namespace" {
	local uid
	uid=$(id -u "$RL_USER")
	run pm run --rm --network=none --uidmap 0:1:1000 --gidmap 0:1:1000 "$IMG" cat /proc/self/uid_map
	assert_success
	assert_output --regexp '^ +0 +1 +1000$'
	run pm run --rm --network=none --userns=keep-id "$IMG" id -u
	assert_success
	assert_output "$uid"
}

@test "rootless podman bind mounts a directory of the user's" {
	local dir="$CLIENT_TMP/rlvol"
	mkdir -p "$dir"
	echo from-host >"$dir/in"
	chown -R "$RL_USER:" "$dir"
	run pm run --rm --network=none -v "$dir:/data" "$IMG" sh -c 'cat /data/in; echo back >/data/out'
	assert_success
	assert_output from-host
	[ "$(cat "$dir/out")" = back ]
	[ "$(stat -c %U "$dir/out")" = "$RL_USER" ]
}

@test "rootless podman run --network=none: lo is up, as with runc" {
	local rt
	for rt in islet runc; do
		run rl podman --runtime "$rt" run --rm --network=none "$IMG" ip -o -4 addr show lo
		assert_success
		assert_output --regexp 'inet 127\.0\.0\.1/8'
	done
}

@test "rootless podman --read-only and --tmpfs (tmpcopyup), as with runc" {
	local rt
	for rt in islet runc; do
		run rl podman --runtime "$rt" run --rm --network=none --read-only --tmpfs /etc "$IMG" \
			sh -c 'head -1 /etc/passwd; touch /tmp/x && echo tmp-writable'
		assert_success
		assert_output "$(printf 'root:x:0:0:root:/root:/bin/sh\ntmp-writable')"
	done
}

@test "rootless podman: a pod of two, and --network/--ipc/--pid/--uts container:X, as with runc" {
	pod_and_joins --network=none rl podman
}
