#!/usr/bin/env bats
# cgroups on a pure cgroup v2 host (run by tests/vm-lane/run.sh inside a
# QEMU guest whose root cgroup has every controller enabled). The hybrid
# layout is covered by tests/bats/cgroups.bats on the host. The systemd
# lane's driver pass runs the same tests with --systemd-cgroup: there the
# container's cgroup is its scope.

load ../bats/helpers

CG=/sys/fs/cgroup

setup() {
	# (Before the bundle is made: each test of another layout skips at once.)
	requires v2
	setup_common
	update_config '.root.readonly = false'
	use_cgroup "$ID_PREFIX-cg"
}

teardown() {
	teardown_common
	# The driver's scopes are not named after the test's prefix: none is
	# left, nor its cgroup.
	if systemd_driver; then
		local left
		left=$(systemctl list-units --all --plain --no-legend "islet-test-$ID_PREFIX*" | awk '{print $1}')
		left+=$(find $CG/system.slice -maxdepth 1 -name "islet-test-$ID_PREFIX*")
		[ -z "$left" ] || { echo "left: $left" >&2; return 1; }
	fi
}

# Points the bundle's cgroupsPath at the cgroup $1; CGPATH is its directory
# under $CG. The systemd driver (the systemd lane's driver pass) takes runc's
# slice:prefix:name, and the cgroup is the scope systemd makes in the slice.
use_cgroup() {
	local p
	if systemd_driver; then
		p="system.slice:islet-test:$1"
		CGPATH="/system.slice/islet-test-$1.scope"
	else
		p="/$1"
		CGPATH=$p
	fi
	update_config --arg p "$p" '.linux.cgroupsPath = $p'
}

cgfile() { cat "$CG$CGPATH/$1"; }
resources() { update_config ".linux.resources += $1"; }

@test "v2: the init is cloned into its cgroup; controllers are enabled above it" {
	set_args sleep 100
	islet create "$CID"
	assert_success
	pid=$(pid_of "$CID")
	[ "$(cat /proc/"$pid"/cgroup)" = "0::$CGPATH" ]
	for c in cpu io memory pids; do grep -qw $c $CG/cgroup.subtree_control; done
	[ -e "$CG$CGPATH/memory.max" ]
}

@test "v2: memory (max, swap converted, low), pids, cpu (weight from shares, max), cpuset" {
	resources '{"memory":{"limit":33554432,"swap":67108864,"reservation":1048576},"pids":{"limit":0},
		"cpu":{"shares":1024,"quota":20000,"period":50000,"cpus":"0","mems":"0"}}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	[ "$(cgfile memory.max)" = 33554432 ]
	[ ! -e "$CG$CGPATH/memory.swap.max" ] || [ "$(cgfile memory.swap.max)" = 33554432 ]
	[ "$(cgfile memory.low)" = 1048576 ]
	[ "$(cgfile pids.max)" = 1 ]
	[ "$(cgfile cpu.weight)" = 100 ]
	[ "$(cgfile cpu.max)" = "20000 50000" ]
	[ "$(cgfile cpuset.cpus)" = 0 ]
	[ "$(cgfile cpuset.mems)" = 0 ]
}

@test "v2: blkio weight is converted to io.weight; hugetlb; unified keys" {
	resources '{"blockIO":{"weight":500},"hugepageLimits":[{"pageSize":"2MB","limit":4194304}],
		"unified":{"memory.high":"50000000","pids.max":"42"}}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	if [ -e "$CG$CGPATH/io.bfq.weight" ]; then
		grep -q 500 "$CG$CGPATH/io.bfq.weight"
	else
		[ "$(cgfile io.weight)" = "default 4950" ]
	fi
	[ "$(cgfile hugetlb.2MB.max)" = 4194304 ]
	[ "$(cgfile memory.high)" = 49999872 ] || [ "$(cgfile memory.high)" = 50000000 ]
	[ "$(cgfile pids.max)" = 42 ]
	resources '{"unified":{"nosuch.knob":"1"}}'
	use_cgroup "$ID_PREFIX-b"
	islet create "$ID_PREFIX-b"
	assert_failure 1
	assert_output --partial 'controller "nosuch" not available'
	resources '{"cpu":{"realtimeRuntime":1000}}'
	use_cgroup "$ID_PREFIX-c"
	islet create "$ID_PREFIX-c"
	assert_failure 1
	assert_output --partial "not supported on cgroup v2"
}

@test "v2: a process over memory.max is OOM-killed and events reports it" {
	resources '{"memory":{"limit":16777216,"swap":16777216}}'
	set_args sh -c 'sleep 1; x=$(yes aaaaaaaaaaaaaaa | head -c 64000000); echo survived ${#x}'
	islet create "$CID"
	assert_success
	"$ISLET" --root "$ROOT" events --interval 30s "$CID" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	ev=$!
	islet start "$CID"
	wait_status "$CID" stopped || wait_status "$CID" stopped
	# systemd removes a scope's cgroup once its last process is gone.
	systemd_driver || grep -q "oom_kill [1-9]" "$CG$CGPATH/memory.events"
	wait "$ev"
	grep -qx '{"type":"oom","id":"'"$CID"'"}' "$BATS_TEST_TMPDIR/events"
}

@test "v2: /bin/true runs under a 4 MiB memory.max (SECURITY.md #37)" {
	resources '{"memory":{"limit":4194304}}'
	set_args /bin/true
	islet run "$CID"
	assert_success
}

@test "v2: a pids limit stops fork" {
	resources '{"pids":{"limit":3}}'
	set_args sh -c 'for i in 1 2 3 4 5 6; do sleep 3 & done; wait; echo done'
	islet run "$CID"
	assert_output --partial "can't fork"
}

@test "v2: device rules through the eBPF program" {
	# Nodes made from the host (no CAP_MKNOD inside). 8:0 does not exist in
	# the guest: allowed, opening it says ENXIO; refused, EPERM.
	mknod "$BUNDLE/rootfs/tmp/disk" b 8 0
	mknod "$BUNDLE/rootfs/tmp/full" c 1 7
	mknod "$BUNDLE/rootfs/tmp/kmsg" c 1 11
	update_config '.linux.resources.devices = [{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]'
	set_args sh -c 'head -c 1 /tmp/full | wc -c; echo islet-test >/tmp/kmsg && echo kmsg-ok; head -c 1 /tmp/disk'
	islet run "$CID"
	assert_failure
	assert_line 1
	assert_line kmsg-ok
	assert_output --partial "/tmp/disk: Operation not permitted"
	# Without the allow rule, writing /dev/kmsg is refused.
	update_config '.linux.resources.devices = [{"allow":false,"access":"rwm"}]'
	islet run "$CID"
	assert_failure
	refute_line kmsg-ok
	assert_output --partial "Operation not permitted"
	# Allow-all: the kernel answers for the missing disk, not the filter.
	update_config '.linux.resources.devices = [{"allow":true,"access":"rwm"}]'
	islet run "$CID"
	assert_line kmsg-ok
	refute_output --partial "/tmp/disk: Operation not permitted"
}

@test "v2: pause and resume through cgroup.freeze; kill and delete of a paused container" {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.1; done'
	islet run -d "$CID"
	assert_success
	islet pause "$CID"
	assert_success
	[ "$(status_of "$CID")" = paused ]
	[ "$(cgfile cgroup.freeze)" = 1 ]
	grep -qx "frozen 1" "$CG$CGPATH/cgroup.events"
	islet resume "$CID"
	assert_success
	[ "$(status_of "$CID")" = running ]
	islet pause "$CID"
	islet kill "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	islet delete "$CID"
	assert_success
	[ ! -d "$CG$CGPATH" ]
}

@test "v2: update, ps, events --stats" {
	set_args sh -c 'sleep 100 & sleep 100'
	islet run -d "$CID"
	assert_success
	islet update --memory 64m --cpu-quota 30000 --cpu-period 100000 --pids-limit 20 --cpu-share 2048 "$CID"
	assert_success
	[ "$(cgfile memory.max)" = 67108864 ]
	[ "$(cgfile cpu.max)" = "30000 100000" ]
	[ "$(cgfile pids.max)" = 20 ]
	[ "$(cgfile cpu.weight)" = 174 ]
	islet update --cpu-quota 50000 "$CID"
	[ "$(cgfile cpu.max)" = "50000 100000" ]
	echo '{"memory":{"limit":134217728,"swap":268435456}}' | "$ISLET" --root "$ROOT" update -r - "$CID"
	[ "$(cgfile memory.max)" = 134217728 ]
	[ ! -e "$CG$CGPATH/memory.swap.max" ] || [ "$(cgfile memory.swap.max)" = 134217728 ]
	islet ps -f json "$CID"
	assert_success
	[ "$(echo "$output" | jq length)" -ge 2 ]
	islet ps "$CID"
	assert_success
	assert_line --index 0 --regexp 'PID'
	islet events --stats "$CID"
	assert_success
	[ "$(echo "$output" | jq .data.pids.limit)" = 20 ]
	[ "$(echo "$output" | jq .data.memory.usage.limit)" = 134217728 ]
	echo "$output" | jq -e '.data.cpu.usage.total > 0'
}

@test "v2: kill --all uses cgroup.kill; SIGKILL of islet during create is cleaned up" {
	require_test_hooks
	set_args sh -c 'trap "" TERM; sleep 100 & sleep 100 & wait'
	islet run -d "$CID"
	assert_success
	islet kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	for _ in $(seq 100); do [ -z "$(cgfile cgroup.procs)" ] && break; sleep 0.05; done
	[ -z "$(cgfile cgroup.procs)" ]
	islet delete "$CID"
	resources '{"memory":{"limit":67108864}}'
	# With the systemd driver the cgroup is the scope, started after clone3.
	local at=after-cgroup
	! systemd_driver || at=after-scope
	ISLET_TEST_PAUSE_AT=$at "$ISLET" --root "$ROOT" create "$CID" >/dev/null 2>&1 &
	p=$!
	for _ in $(seq 400); do [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" = T ] && break; sleep 0.05; done
	[ "$(awk '{print $3}' /proc/$p/stat)" = T ]
	[ -d "$CG$CGPATH" ]
	kill -9 $p
	wait $p || true
	# (A scope goes with its last process: the init may already be gone.)
	systemd_driver || [ -d "$CG$CGPATH" ]
	islet delete --force "$CID"
	assert_success
	[ ! -d "$CG$CGPATH" ]
}

@test "v2: the container's cgroup mount is its own cgroup2, read-only" {
	set_args sh -c 'grep " /sys/fs/cgroup " /proc/self/mountinfo; cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max'
	resources '{"pids":{"limit":9}}'
	islet run "$CID"
	assert_success
	assert_line --regexp "/sys/fs/cgroup ro,.* - cgroup2 "
	assert_line "0::/"
	assert_line 9
}
