#!/usr/bin/env bats
# What reaches the container's process as file descriptors: stdio, the
# --preserve-fds range, LISTEN_FDS sockets (SECURITY.md #2). The fd audit of
# a created init: regressions.bats; of exec: exec.bats.

load helpers

@test "stdio passes through; only 0-2 and --preserve-fds reach the container" {
	set_args sh -c 'read x; echo "stdout:$x"; echo "stderr" >&2; ls /proc/self/fd'
	exec 7</
	"$ISLET" --root "$ROOT" run --preserve-fds 1 "$CID" 3<"$BATS_TEST_TMPDIR/../" <<<"input" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	exec 7<&-
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line "stdout:input"
	# ls's own directory fd is 4; 7 never arrived.
	assert_output "$(printf 'stdout:input\n0\n1\n2\n3\n4')"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output stderr
	islet run --preserve-fds 40 "$CID"
	assert_failure 1
	assert_output --partial "unable to stat preserved-fd"
}

@test "LISTEN_FDS for islet passes the sockets to the container as LISTEN_FDS=n LISTEN_PID=1" {
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd'
	run bash -c "exec 3</dev/null 4</dev/null; LISTEN_FDS=2 LISTEN_PID=\$\$ exec $ISLET --root $ROOT run $CID </dev/null"
	assert_success
	assert_output "$(printf '2 1\n0\n1\n2\n3\n4\n5')"
}
