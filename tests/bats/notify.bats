#!/usr/bin/env bats
# NOTIFY_SOCKET (sd_notify) pass-through, as runc does it for systemd units.

load helpers

@test "READY= from the container reaches the caller's socket with MAINPID and a barrier" {
	install_helper sd_notify
	set_args sh -c 'sleep 0.3; sd_notify READY=1; sleep 1000'
	host_sock="$BATS_TEST_TMPDIR/host-notify.sock"
	"$ISLET_HELPERS/notify_listener" "$host_sock" "$BATS_TEST_TMPDIR/notify.log" &
	listener=$!
	for _ in $(seq 100); do [ -S "$host_sock" ] && break; sleep 0.02; done
	NOTIFY_SOCKET="$host_sock" islet create "$CID"
	assert_success
	# The container sees its own socket path, bound read-only.
	NOTIFY_SOCKET="$host_sock" islet start "$CID"
	assert_success
	wait "$listener"
	run cat "$BATS_TEST_TMPDIR/notify.log"
	assert_line READY=1
	assert_line "MAINPID=$(pid_of "$CID")"
	assert_line BARRIER=1
	tr '\0' '\n' <"/proc/$(pid_of "$CID")/environ" | grep -qx NOTIFY_SOCKET=/run/notify/notify.sock
	islet exec "$CID" grep " /run/notify " /proc/self/mountinfo
	assert_output --regexp ' /run/notify ro,nosuid,nodev,noexec'
}

@test "without NOTIFY_SOCKET nothing of it appears" {
	set_args sh -c 'echo "[$NOTIFY_SOCKET]"; ls /run 2>&1'
	islet run "$CID"
	assert_line "[]"
	refute_output --partial notify
}
