#!/usr/bin/env bats
# linux.timeOffsets in a new time namespace; exec joins it.

load helpers

@test "timeOffsets: a new time namespace starts with the offsets; the host's clocks are untouched" {
	host_ns=$(readlink /proc/self/ns/time)
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 5}}'
	set_args sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	islet run "$CID"
	assert_success
	assert_line --regexp "^monotonic +86400 +0$"
	assert_line --regexp "^boottime +172800 +5$"
	[ "${lines[2]}" -ge 172800 ]
	[ "${lines[3]}" != "$host_ns" ]
	# islet went back to its own time namespace, and so did the host.
	[ "$(readlink /proc/self/ns/time)" = "$host_ns" ]
	[ "$(cut -d. -f1 /proc/uptime)" -lt 172800 ]
	# exec joins it (the namespace belongs to the runtime's user namespace).
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet exec "$CID" cat /proc/self/timens_offsets
	assert_success
	assert_line --regexp "^monotonic +86400 +0$"
	islet delete --force "$CID"
	update_config 'del(.linux.namespaces[] | select(.type == "time"))'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/linux/timeOffsets: time offsets need a new time namespace"
}
