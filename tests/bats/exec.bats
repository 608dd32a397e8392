#!/usr/bin/env bats
# exec as clients use it (RUNC-CONTRACT.md §2.8): joins the container, exit
# codes, flags, detached with a pid file, and the error cases.

load helpers

setup() {
	setup_common
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	INIT=$(pid_of "$CID")
}

@test "exec joins every namespace and the cgroups of the container" {
	islet exec "$CID" sh -c 'for n in cgroup ipc mnt net pid uts; do readlink /proc/self/ns/$n; done'
	assert_success
	expected=$(for n in cgroup ipc mnt net pid uts; do readlink "/proc/$INIT/ns/$n"; done)
	assert_output "$expected"
	islet exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 100
	assert_success
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ "$epid" =~ ^[0-9]+$ ]]
	# Same cgroups on every hierarchy as the init.
	diff <(cat "/proc/$INIT/cgroup") <(cat "/proc/$epid/cgroup")
	# A pid inside the container's pid namespace.
	islet exec "$CID" sh -c 'ps -o args | grep -c "^sleep 100$"'
	assert_output --partial 1
}

@test "exec exits with the process's status, 128+N for a signal, 255 when it never started" {
	islet exec "$CID" sh -c 'exit 42'
	assert_failure 42
	islet exec "$CID" sh -c 'kill -9 $$'
	assert_failure 137
	islet exec "$CID" /nonexistent
	assert_failure 255
	assert_output --partial 'exec failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory'
	islet exec "$CID" /etc/passwd
	assert_failure 255
	assert_output --partial "permission denied"
	islet exec -d --pid-file "$BATS_TEST_TMPDIR/none.pid" "$CID" /nonexistent
	assert_failure 255
	[ ! -e "$BATS_TEST_TMPDIR/none.pid" ]
}

@test "exec flags: env, cwd, user, additional gids, no-new-privs, cap" {
	islet exec -e FOO=bar -e "A=1,B=2" "$CID" sh -c 'echo "$FOO|$A"'
	assert_success
	assert_output "bar|1,B=2"
	islet exec --cwd /tmp "$CID" pwd
	assert_output /tmp
	islet exec --user 1000:1001 -g 5 -g 7 "$CID" sh -c 'id -u; id -g; id -G'
	assert_success
	assert_output "$(printf '1000\n1001\n1001 5 7')"
	islet exec --no-new-privs "$CID" grep NoNewPrivs /proc/self/status
	assert_output --regexp 'NoNewPrivs:\s+1'
	islet exec "$CID" grep CapBnd /proc/self/status
	before=$(echo "$output" | awk '{print $2}')
	islet exec --cap CAP_SYS_ADMIN "$CID" sh -c 'grep -E "Cap(Bnd|Eff|Inh|Amb)" /proc/self/status'
	assert_success
	# CAP_SYS_ADMIN is bit 21: added to bounding and effective, never inheritable or ambient.
	bnd=$(echo "$output" | awk '/CapBnd/{print $2}')
	[ $(( 0x$bnd & (1 << 21) )) -ne 0 ]
	[ "$bnd" != "$before" ]
	assert_line --regexp 'CapInh:\s+0000000000000000'
	assert_line --regexp 'CapAmb:\s+0000000000000000'
	islet exec --cap CAP_BOGUS "$CID" true
	assert_failure 255
	assert_output --partial 'unknown capability "CAP_BOGUS"'
}

@test "exec --user is parsed strictly" {
	for good in 1 1:2 1000:1000; do
		islet exec --user "$good" "$CID" sh -c 'echo $(id -u):$(id -g)'
		assert_success
		uid=${good%%:*}
		gid=${good#*:}
		[ "$gid" = "$good" ] && gid=0
		assert_output "$uid:$gid"
	done
	for bad in -1 a:b 1: :1 "" 1:x 4294967296; do
		islet exec --user "$bad" "$CID" true
		assert_failure 1
	done
}

@test "exec --process runs a runtime-spec process object as is" {
	cat >"$BATS_TEST_TMPDIR/process.json" <<'JSON'
{"terminal": false, "user": {"uid": 5, "gid": 6}, "args": ["sh", "-c", "echo $MSG; pwd; id -u"],
 "env": ["PATH=/bin", "MSG=from-process-file"], "cwd": "/dev"}
JSON
	islet exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	assert_success
	assert_output "$(printf 'from-process-file\n/dev\n5')"
	# conmon adds a redundant --tty next to -p only with a terminal; a bad file is refused.
	echo '{"args": [], "cwd": "relative"}' >"$BATS_TEST_TMPDIR/bad.json"
	islet exec -p "$BATS_TEST_TMPDIR/bad.json" "$CID"
	assert_failure 255
	assert_output --partial "/args: args must not be empty"
	assert_output --partial "/cwd: cwd must be an absolute path"
	echo '{"args": ["true"], "cwd": "/", "cwd": "/tmp"}' >"$BATS_TEST_TMPDIR/dup.json"
	islet exec -p "$BATS_TEST_TMPDIR/dup.json" "$CID"
	assert_failure 255
	assert_output --partial 'duplicate key "cwd"'
}

@test "exec in a created, a paused and a stopped container" {
	islet create "$ID_PREFIX-b"
	islet exec "$ID_PREFIX-b" echo works-in-created
	assert_success
	assert_output works-in-created
	islet pause "$CID"
	assert_success
	islet exec "$CID" true
	assert_failure 255
	assert_output --partial "cannot exec in a paused container (use --ignore-paused to override)"
	islet exec -d --ignore-paused "$CID" true
	assert_success
	islet resume "$CID"
	islet kill "$CID" KILL
	wait_status "$CID" stopped
	islet exec "$CID" true
	assert_failure 255
	assert_output --partial "cannot exec in a stopped container"
	islet exec nonexistent-id true
	assert_failure 255
	assert_output --partial "container does not exist"
}

@test "only stdio and preserved fds reach the exec'd process" {
	exec 7</ 8>"$BATS_TEST_TMPDIR/preserved"
	"$ISLET" --root "$ROOT" exec --preserve-fds 1 "$CID" sh -c 'ls /proc/self/fd' >"$BATS_TEST_TMPDIR/fds" 2>&1 </dev/null
	exec 7<&- 8>&-
	# 0, 1, 2, the preserved 3 (our fd 3 is bats' own), and ls's own directory fd.
	run cat "$BATS_TEST_TMPDIR/fds"
	assert_output "$(printf '0\n1\n2\n3\n4')"
	islet exec --preserve-fds 50 "$CID" true
	assert_failure 255
	assert_output --partial "unable to stat preserved-fd"
}

@test "exec --cgroup refuses paths that climb out" {
	islet exec --cgroup ../escape "$CID" true
	assert_failure 255
	assert_output --partial "bad sub cgroup path"
	islet exec --cgroup nosuchcontroller:sub "$CID" true
	assert_failure 255
	assert_output --partial "bad sub cgroup path"
}

@test "process.oomScoreAdj with a new user namespace: init and exec get it, as with runc" {
	update_config '.process.oomScoreAdj = 100 | .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	local rt
	for rt in islet runc; do
		set_args cat /proc/self/oom_score_adj
		if [ "$rt" = islet ]; then islet run "$CID-o"; else runc_ref run "$CID-runc"; fi
		assert_success
		assert_output 100
	done
	set_args sleep 1000
	islet run -d "$CID-od"
	assert_success
	islet exec "$CID-od" cat /proc/self/oom_score_adj
	assert_success
	assert_output 100
	runc_ref run -d "$CID-runc-d"
	assert_success
	runc_ref exec "$CID-runc-d" cat /proc/self/oom_score_adj
	assert_output 100
	runc_ref delete -f "$CID-runc-d"
}

@test "a cwd only root may search (/root 0700) with user 42: run and exec enter it, as with runc" {
	chmod 700 "$BUNDLE/rootfs/root"
	update_config '.process.user = {"uid": 42, "gid": 42} | .process.cwd = "/root"'
	set_args sh -c 'pwd; ls . >/dev/null 2>&1 || echo cannot-list'
	islet run "$CID-c"
	assert_success
	assert_output "$(printf '/root\ncannot-list')"
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$(printf '/root\ncannot-list')"
	# exec, into the container setup started (cwd /, user 0).
	islet exec --user 42:42 --cwd /root "$CID" pwd
	assert_success
	assert_output /root
	# A missing cwd is still an error, with its path.
	islet exec --user 42:42 --cwd /nonexistent/x "$CID" pwd
	assert_failure
	assert_output --partial "chdir to cwd /nonexistent/x: no such file or directory"
}

@test "exec: the process never reports ready before the joiner reported its pid" {
	# podman's conmon waits for the pid in --pid-file: were it the joiner's
	# (gone, status 0), `podman exec` would lose the process's output and
	# exit status. The joiner is held right after it forked the process.
	require_test_hooks
	ISLET_TEST_PAUSE_AT=pid-forked "$ISLET" --root "$ROOT" exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$CID" sleep 999 \
		</dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 &
	runner=$!
	paused=$(wait_paused "$runner")
	# Time for the forked process to get as far as it can on its own.
	sleep 1
	kill -0 "$runner"
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
	# The joiner dies unreported: exec fails, and its process is gone too.
	kill -9 "$paused"
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -ne 0 ]
	run cat "$BATS_TEST_TMPDIR/exec.out"
	assert_output --partial "the joining process died before it reported the exec process"
	for _ in $(seq 50); do
		islet exec "$CID" ps -o args
		[[ "$output" != *"sleep 999"* ]] && break
		sleep 0.1
	done
	refute_output --partial "sleep 999"
	# An ordinary exec: its pid file names the exec'd process.
	islet exec -d --pid-file "$BATS_TEST_TMPDIR/pid2" "$CID" sleep 998
	assert_success
	[ "$(tr '\0' ' ' <"/proc/$(cat "$BATS_TEST_TMPDIR/pid2")/cmdline")" = "sleep 998 " ]
}
