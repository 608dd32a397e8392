#!/usr/bin/env bats
# --systemd-cgroup (and crun's --cgroup-manager systemd) on a host where
# systemd is not PID 1, as on these test machines: runc's clear error, before
# anything is made, and never a plain directory behind no one's back. The
# driver itself runs in the VM lane's systemd guest
# (tests/vm-lane/run.sh --lane systemd: tests/vm-lane/systemd.bats).

load helpers

setup() {
	requires no_systemd
	setup_common
	RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
	update_config --arg p "system.slice:islet-test:$CID" '.linux.cgroupsPath = $p'
	set_args true
}

teardown() {
	local d
	for d in "$RUNC_ROOT"/*/; do
		[ -d "$d" ] && runc --root "$RUNC_ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	teardown_common
}

# Nothing of the container anywhere: no state, no cgroup, no scope directory.
assert_nothing_made() {
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "*$CID*" 2>/dev/null)" ]
}

@test "no systemd: --systemd-cgroup run is runc's error and makes nothing" {
	local msg="systemd not running on this host, cannot use systemd cgroups manager"
	islet --systemd-cgroup run "$CID"
	assert_failure 1
	assert_output --partial "$msg"
	assert_nothing_made
	run_file runc --root "$RUNC_ROOT" --systemd-cgroup run "$ID_PREFIX-r"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$msg"* ]]
}

@test "no systemd: --cgroup-manager systemd create is the same error; cgroupfs still works" {
	islet --cgroup-manager systemd create "$CID"
	assert_failure 1
	assert_output --partial "systemd not running on this host, cannot use systemd cgroups manager"
	assert_nothing_made
	# The same bundle without the flag: a slice:prefix:name path is a
	# plain directory under cgroupfs, as runc makes it.
	islet run "$CID"
	assert_success
}
