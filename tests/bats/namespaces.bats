#!/usr/bin/env bats
# linux.namespaces: new and joined by path, all eight kinds, and none at all.
# The user namespace's mappings: userns.bats; the time namespace: timens.bats.

load helpers

ns_inode() { readlink "/proc/$1/ns/$2"; }

@test "each namespace kind is new when asked, and the host's when absent" {
	update_config '.linux.namespaces = [{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"time"}]'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	for n in pid net ipc uts mnt cgroup time; do
		[ "$(ns_inode "$pid" $n)" != "$(ns_inode self $n)" ] || { echo "$n not new"; return 1; }
	done
	[ "$(ns_inode "$pid" user)" = "$(ns_inode self user)" ]
	islet delete -f "$CID"
	# Without a network namespace the container shares the host's.
	update_config '.linux.namespaces |= map(select(.type != "network" and .type != "ipc"))'
	islet run -d "$CID"
	pid=$(pid_of "$CID")
	[ "$(ns_inode "$pid" net)" = "$(ns_inode self net)" ]
	[ "$(ns_inode "$pid" ipc)" = "$(ns_inode self ipc)" ]
}

@test "namespaces joined by path: network, uts, ipc of another container" {
	set_args sleep 1000
	islet run -d "$ID_PREFIX-owner"
	owner=$(pid_of "$ID_PREFIX-owner")
	update_config --arg p "/proc/$owner/ns" '.linux.namespaces |= map(
		if .type == "network" then .path = ($p + "/net")
		elif .type == "uts" then .path = ($p + "/uts")
		elif .type == "ipc" then .path = ($p + "/ipc") else . end) | del(.hostname)'
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	for n in net uts ipc; do [ "$(ns_inode "$pid" $n)" = "$(ns_inode "$owner" $n)" ]; done
	[ "$(ns_inode "$pid" pid)" != "$(ns_inode "$owner" pid)" ]
	# The runtime went back to its own namespaces: state still works and a
	# second create gets fresh ones.
	islet state "$CID"
	assert_success
}

@test "a network namespace made with ip netns is joined" {
	requires cmd:ip
	ns="$ID_PREFIX-ns"
	ip netns add "$ns"
	update_config --arg p "/run/netns/$ns" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_args sleep 1000
	islet run -d "$CID"
	status_run=$status
	pid=$(pid_of "$CID" 2>/dev/null || true)
	joined=$(readlink "/proc/$pid/ns/net" 2>/dev/null || true)
	expected=$(stat -L -c 'net:[%i]' "/run/netns/$ns")
	islet delete -f "$CID"
	ip netns delete "$ns"
	[ "$status_run" -eq 0 ]
	[ "$joined" = "$expected" ]
}

@test "a joined pid namespace: the process is not pid 1 there" {
	set_args sleep 1000
	islet run -d "$ID_PREFIX-owner"
	owner=$(pid_of "$ID_PREFIX-owner")
	update_config --arg p "/proc/$owner/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
	set_args sh -c 'echo $$'
	islet run "$CID"
	assert_success
	[ "$output" -gt 1 ]
}

@test "bad namespace paths and types give clear errors and leave nothing" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns" else . end)'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "failed to open /nonexistent/ns"
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/proc/self/ns/uts is not a network namespace"
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/etc/passwd" else . end)'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/etc/passwd is not a namespace file"
	update_config '.linux.namespaces += [{"type": "bogus"}, {"type": "pid"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'unknown namespace type "bogus"'
	assert_output --partial 'duplicated namespace "pid"'
	[ -z "$(leaked_cgroups)" ]
}

@test "no namespaces at all: the container inherits every host namespace, its mounts go when it does" {
	# As runtime-tools' linux_ns_itype: every namespace removed, the mounts kept.
	update_config '.linux.namespaces = [] | del(.hostname) | .root.readonly = false
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	for n in pid net ipc uts mnt cgroup user; do
		[ "$(ns_inode "$pid" $n)" = "$(ns_inode self $n)" ] || { echo "$n differs"; return 1; }
	done
	# The mounts are in the host's namespace, below the rootfs only.
	grep -q " $BUNDLE/rootfs/proc " /proc/self/mountinfo
	run grep " /proc " /proc/self/mountinfo
	refute_output --partial "$BUNDLE"
	islet delete -f "$CID"
	assert_success
	# delete took them all away (the teardown audit checks it too).
	run ! grep -q "$BUNDLE" /proc/self/mountinfo
	# A read-only root would remount a host mount: refused.
	update_config '.root.readonly = true'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "a read-only root needs a mount namespace"
}

@test "no mount namespace: a create that fails after some mounts leaves none behind" {
	update_config '.linux.namespaces = [] | del(.hostname) | .root.readonly = false
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .mounts += [{"destination": "/bad", "type": "tmpfs", "source": "tmpfs", "options": ["mode=bogus"]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "mount tmpfs to /bad"
	run ! grep -q "$BUNDLE" /proc/self/mountinfo
}

@test "a new network namespace has its loopback up (127.0.0.1 reachable), as with runc" {
	# Flags of lo, then its IPv4 address (the kernel adds 127.0.0.1/8 once
	# lo is up); a fresh network namespace has lo DOWN and no address.
	set_args sh -c 'ip -o link show lo | grep -o "<[^>]*>"; ip -o -4 addr show lo | awk "{print \$4}"'
	islet run "$CID"
	assert_success
	assert_line --index 0 --regexp '^<LOOPBACK,UP,LOWER_UP>$'
	assert_line --index 1 127.0.0.1/8
	local ours=$output
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$ours"
	# Under a new user namespace too (the init owns the network namespace).
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	islet run "$CID-u"
	assert_success
	assert_output "$ours"
}

@test "a new user namespace with linux.devices naming a default device (/dev/full), as with runc" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.devices = [{"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}]'
	set_args sh -c 'stat -c "%F %t:%T" /dev/full /dev/null'
	islet run "$CID"
	assert_success
	assert_output "$(printf 'character special file 1:7\ncharacter special file 1:3')"
	local ours=$output
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$ours"
}
