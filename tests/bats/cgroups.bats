#!/usr/bin/env bats
# cgroups on this host's layout (RUNC-CONTRACT.md §2.1, §2.9; SECURITY.md G,
# §4.2, §4.6, §4.7, checklist 17, 18, 33, 34, 36, 37, 38, 40): every resource
# whose controller exists here is read back from the cgroup files and, where
# a user would see it, observed (a process over the memory limit is killed,
# a pids limit stops fork). Pure cgroup v2 is covered by tests/vm-lane.

load helpers

CG=/sys/fs/cgroup

setup() {
	# (Before the bundle is made: each test of another layout skips at once.)
	requires hybrid
	setup_common
	CGPATH="/$ID_PREFIX-cg"
	update_config --arg p "$CGPATH" '.linux.cgroupsPath = $p | .root.readonly = false'
}

# The container's cgroup file in hierarchy $1.
cgfile() { cat "$CG/$1$CGPATH/$2"; }

# Sets linux.resources.<path> = <json>.
resources() { update_config ".linux.resources += $1"; }

@test "the init is in every hierarchy, unified included, before it runs" {
	set_args sleep 100
	islet create "$CID"
	assert_success
	pid=$(pid_of "$CID")
	run cat "/proc/$pid/cgroup"
	assert_line "0::$CGPATH"
	for h in memory cpu cpuacct cpuset pids blkio devices freezer; do
		assert_line --regexp "^[0-9]+:$h:$CGPATH\$"
	done
	assert_line --regexp "^[0-9]+:name=systemd:$CGPATH\$"
	grep -qx "$pid" "$CG/memory$CGPATH/cgroup.procs"
}

@test "memory: limit, reservation, swap, swappiness, OOM killer, kernel ignored" {
	resources '{"memory":{"limit":33554432,"reservation":16777216,"swap":67108864,"swappiness":10,
		"disableOOMKiller":false,"useHierarchy":true,"kernel":1048576,"kernelTCP":1048576}}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	[ "$(cgfile memory memory.limit_in_bytes)" = 33554432 ]
	[ "$(cgfile memory memory.soft_limit_in_bytes)" = 16777216 ]
	[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 67108864 ]
	[ "$(cgfile memory memory.swappiness)" = 10 ]
	grep -q "Kernel memory settings are ignored" "$BATS_TEST_TMPDIR/islet.log"
}

@test "memory: a process over the limit is OOM-killed; events reports it" {
	resources '{"memory":{"limit":16777216,"swap":16777216}}'
	set_args sh -c 'sleep 0.5; x=$(yes aaaaaaaaaaaaaaa | head -c 64000000); echo survived ${#x}'
	islet create "$CID"
	assert_success
	"$ISLET" --root "$ROOT" events --interval 10s "$CID" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	ev=$!
	islet start "$CID"
	wait_status "$CID" stopped
	grep -q "oom_kill [1-9]" <(cgfile memory memory.oom_control)
	wait "$ev"
	grep -qx '{"type":"oom","id":"'"$CID"'"}' "$BATS_TEST_TMPDIR/events"
}

@test "memory: /bin/true runs under a 4 MiB limit (SECURITY.md #37)" {
	resources '{"memory":{"limit":4194304}}'
	set_args /bin/true
	islet run "$CID"
	assert_success
	# The stretch goal: 1 MiB.
	resources '{"memory":{"limit":1048576}}'
	islet run "$ID_PREFIX-b"
	echo "1 MiB: status $status: $output" >&3
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 137 ]
}

@test "memory: checkBeforeUpdate and a limit below usage give runc's messages" {
	# The shell holds 8 MB (and does not exec sleep: a command follows).
	set_args sh -c 'x=$(yes aaaaaaaaaaaaaaa | head -c 8000000); sleep 100; echo ${#x}'
	islet run -d "$CID"
	assert_success
	sleep 1
	echo '{"memory":{"limit":1048576,"checkBeforeUpdate":true}}' >"$BATS_TEST_TMPDIR/r.json"
	islet update -r "$BATS_TEST_TMPDIR/r.json" "$CID"
	assert_failure 1
	assert_output --partial "rejecting memory limit 1048576 below current usage"
}

@test "cpu: shares, quota, period, burst, idle, realtime" {
	resources '{"cpu":{"shares":512,"quota":20000,"period":50000,"burst":1000,"idle":0,
		"realtimeRuntime":1000,"realtimePeriod":100000}}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	[ "$(cgfile cpu cpu.shares)" = 512 ]
	[ "$(cgfile cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(cgfile cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cgfile cpu cpu.cfs_burst_us)" = 1000 ]
	[ "$(cgfile cpu cpu.idle)" = 0 ]
	[ "$(cgfile cpu cpu.rt_runtime_us)" = 1000 ]
	[ "$(cgfile cpu cpu.rt_period_us)" = 100000 ]
	resources '{"cpu":{"shares":1}}'
	islet create "$ID_PREFIX-b"
	assert_failure 1
	assert_output --partial "/linux/resources/cpu/shares: the minimum allowed cpu-shares is 2"
}

@test "cpu: a quota throttles a busy loop" {
	resources '{"cpu":{"quota":10000,"period":100000}}'
	set_args sh -c 'while :; do :; done'
	islet run -d "$CID"
	assert_success
	sleep 2
	[ "$(awk '/^nr_throttled/{print $2}' "$CG/cpu$CGPATH/cpu.stat")" -gt 0 ]
	# 10% of one cpu: well under the 2 s that passed.
	[ "$(cgfile cpuacct cpuacct.usage)" -lt 600000000 ]
}

@test "cpuset: cpus and mems" {
	resources '{"cpu":{"cpus":"0","mems":"0"}}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	[ "$(cgfile cpuset cpuset.cpus)" = 0 ]
	[ "$(cgfile cpuset cpuset.mems)" = 0 ]
	grep -q "Cpus_allowed_list:.0$" /proc/"$(pid_of "$CID")"/status
}

@test "pids: limit 0 becomes 1, -1 is max; a fork over the limit fails (SECURITY.md #38)" {
	resources '{"pids":{"limit":0}}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	[ "$(cgfile pids pids.max)" = 1 ]
	islet delete -f "$CID"
	resources '{"pids":{"limit":-1}}'
	islet run -d "$CID"
	[ "$(cgfile pids pids.max)" = max ]
	islet delete -f "$CID"
	resources '{"pids":{"limit":3}}'
	set_args sh -c 'for i in 1 2 3 4 5 6; do sleep 5 & done; wait; echo done'
	islet run "$CID"
	assert_output --partial "can't fork"
}

# A blkio weight needs the CFQ or BFQ I/O scheduler (blkio.weight or
# blkio.bfq.weight); disks under none, mq-deadline or kyber have neither.
blkio_has_weights() { [ -e $CG/blkio/blkio.weight ] || [ -e $CG/blkio/blkio.bfq.weight ]; }

@test "blockIO: throttles; a weight where CFQ or BFQ runs, else a clear error" {
	local disks=(/sys/block/*/dev)
	dev=$(cat /sys/block/vda/dev 2>/dev/null || cat "${disks[0]}")
	maj=${dev%:*} min=${dev#*:}
	resources "{\"blockIO\":{\"weight\":300,
		\"throttleReadBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":1048576}],
		\"throttleWriteBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":2097152}],
		\"throttleReadIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":100}],
		\"throttleWriteIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":200}]}}"
	set_args sleep 100
	if ! blkio_has_weights; then
		# runc 1.1.5 fails here too, on the missing weight file;
		# islet names the reason before it makes anything.
		islet create "$CID"
		assert_failure 1
		assert_output --partial "/linux/resources/blockIO/weight: cannot set a blkio weight"
		assert_output --partial "no CFQ or BFQ I/O scheduler"
		[ -z "$(leaked_cgroups)" ]
		update_config 'del(.linux.resources.blockIO.weight)'
	fi
	islet create "$CID"
	assert_success
	if blkio_has_weights; then
		w=$(cat "$CG/blkio$CGPATH/blkio.weight" 2>/dev/null || cgfile blkio blkio.bfq.weight)
		[[ "$w" == *300* ]]
	fi
	[ "$(cgfile blkio blkio.throttle.read_bps_device)" = "$dev 1048576" ]
	[ "$(cgfile blkio blkio.throttle.write_bps_device)" = "$dev 2097152" ]
	[ "$(cgfile blkio blkio.throttle.read_iops_device)" = "$dev 100" ]
	[ "$(cgfile blkio blkio.throttle.write_iops_device)" = "$dev 200" ]
}

@test "hugetlb: lives on the unified hierarchy here and is enabled there" {
	requires hugetlb_v2
	resources '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	grep -qw hugetlb $CG/unified/cgroup.subtree_control
	[ "$(cgfile unified hugetlb.2MB.max)" = 4194304 ]
	resources '{"hugepageLimits":[{"pageSize":"3MB","limit":1}]}'
	islet create "$ID_PREFIX-b"
	assert_failure 1
	assert_output --partial "hugepage size 3MB is not supported"
}

@test "unified: keys of unified controllers work in hybrid, v1 ones are refused" {
	resources '{"unified":{"cgroup.max.descendants":"3"}}'
	set_args sleep 100
	islet create "$CID"
	assert_success
	[ "$(cgfile unified cgroup.max.descendants)" = 3 ]
	resources '{"unified":{"memory.high":"1000000"}}'
	islet create "$ID_PREFIX-b"
	assert_failure 1
	assert_output --partial 'controller "memory" is on a cgroup v1 hierarchy'
	[ ! -e "$ROOT/$ID_PREFIX-b" ]
}

@test "missing controllers are named and leave nothing behind (SECURITY.md #40)" {
	for r in '{"network":{"classID":1048577}}' '{"network":{"priorities":[{"name":"lo","priority":1}]}}' \
		'{"rdma":{"mlx5_0":{"hcaHandles":1}}}'; do
		update_config '.linux.resources = {}'
		resources "$r"
		islet create "$CID"
		assert_failure 1
		assert_output --regexp "the (net_cls|net_prio|rdma) cgroup controller is not available"
		[ -z "$(leaked_cgroups)" ]
		[ ! -e "$ROOT/$CID" ]
	done
	# Without the request the same container runs.
	update_config '.linux.resources = {}'
	set_args true
	islet run "$CID"
	assert_success
}

@test "devices: deny by default, allowed nodes work, a disk node cannot be opened (SECURITY.md #22)" {
	# Nodes made from the host (no CAP_MKNOD inside). 8:0 does not exist
	# here: allowed, opening it says ENXIO; refused by the cgroup, EPERM.
	mknod "$BUNDLE/rootfs/tmp/disk" b 8 0
	mknod "$BUNDLE/rootfs/tmp/full" c 1 7
	mknod "$BUNDLE/rootfs/tmp/kmsg" c 1 11
	update_config '.linux.resources.devices = [{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]'
	# (set_args takes one line per argument)
	set_args sh -c 'head -c 4 /dev/zero >/dev/null && echo zero-ok; head -c 4 /tmp/full | wc -c; echo islet-test >/tmp/kmsg && echo kmsg-ok; head -c 1 /tmp/disk; true'
	islet run "$CID"
	assert_success
	assert_line zero-ok
	assert_line 4
	assert_line kmsg-ok
	assert_line --partial "/tmp/disk: Operation not permitted"
	# The deny-all rule comes first even when the config has none; /dev/full
	# is one of the devices every container gets, /dev/kmsg is not.
	update_config '.linux.resources.devices = []'
	islet run "$CID"
	assert_success
	assert_line 4
	refute_line kmsg-ok
	assert_line --partial "/tmp/kmsg: Operation not permitted"
	assert_line --partial "/tmp/disk: Operation not permitted"
	# An allow-all config (privileged) reaches the disk node: the kernel
	# answers (no such device) instead of the cgroup refusing.
	update_config '.linux.resources.devices = [{"allow":true,"access":"rwm"}]'
	islet run "$CID"
	assert_line kmsg-ok
	refute_output --partial "/tmp/disk: Operation not permitted"
}

@test "pause and resume freeze the whole cgroup" {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done'
	islet run -d "$CID"
	assert_success
	islet resume "$CID"
	assert_failure 1
	assert_output --partial "container not paused"
	islet pause "$CID"
	assert_success
	[ "$(status_of "$CID")" = paused ]
	[ "$(cgfile freezer freezer.state)" = FROZEN ]
	pid=$(pid_of "$CID")
	a=$(cat "/proc/$pid/root/tmp/count"); sleep 0.5; b=$(cat "/proc/$pid/root/tmp/count")
	[ "$a" = "$b" ]
	islet pause "$CID"
	assert_failure 1
	assert_output --partial "container not running"
	islet delete "$CID"
	assert_failure 1
	assert_output --partial "not stopped: paused"
	islet resume "$CID"
	assert_success
	[ "$(status_of "$CID")" = running ]
	sleep 0.3
	[ "$(cat "/proc/$pid/root/tmp/count")" != "$b" ]
	# A paused container is killed and deleted by delete --force.
	islet pause "$CID"
	islet delete --force "$CID"
	assert_success
	[ -z "$(leaked_cgroups)" ]
}

@test "update: runc's flags, -r FILE, -r -, persisted values, stopped container" {
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet update --memory 64m --memory-swap 128m --memory-reservation 32m --cpu-share 256 --cpu-period 50000 \
		--cpu-quota 25000 --cpu-burst 500 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 50 \
		--cpu-rt-period 100000 --cpu-rt-runtime 500 --cpu-idle 0 "$CID"
	assert_success
	[ "$(cgfile memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(cgfile memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cgfile cpu cpu.shares)" = 256 ]
	[ "$(cgfile cpu cpu.cfs_quota_us)" = 25000 ]
	[ "$(cgfile cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cgfile cpu cpu.rt_runtime_us)" = 500 ]
	[ "$(cgfile pids pids.max)" = 50 ]
	[ "$(cgfile cpuset cpuset.cpus)" = 0 ]
	# Only the quota: the period set before stays (and is persisted).
	islet update --cpu-quota 10000 "$CID"
	assert_success
	[ "$(cgfile cpu cpu.cfs_quota_us)" = 10000 ]
	[ "$(jq .cpu.period "$ROOT/$CID/resources.json")" = 50000 ]
	# podman's form: a file; containerd's and CRI-O's: stdin.
	echo '{"memory":{"limit":100663296,"swap":201326592},"cpu":{"quota":30000,"period":100000}}' >"$BATS_TEST_TMPDIR/r.json"
	islet update --resources="$BATS_TEST_TMPDIR/r.json" "$CID"
	assert_success
	[ "$(cgfile memory memory.limit_in_bytes)" = 100663296 ]
	[ "$(cgfile cpu cpu.cfs_period_us)" = 100000 ]
	echo '{"pids":{"limit":7}}' | "$ISLET" --root "$ROOT" update -r - "$CID"
	[ "$(cgfile pids pids.max)" = 7 ]
	# With -r the other flags are ignored.
	islet update -r "$BATS_TEST_TMPDIR/r.json" --pids-limit 9 "$CID"
	[ "$(cgfile pids pids.max)" = 7 ]
	islet update --kernel-memory 10m "$CID"
	assert_success
	grep -q "Kernel memory settings are ignored" "$BATS_TEST_TMPDIR/islet.log"
	islet update --memory lots "$CID"
	assert_failure 1
	assert_output --partial "invalid value for memory"
	echo '{"memory":' | "$ISLET" --root "$ROOT" update -r - "$CID" 2>"$BATS_TEST_TMPDIR/err" && false
	grep -q "resources" "$BATS_TEST_TMPDIR/err"
	islet update --memory 64m nosuch
	assert_failure 1
	assert_output --partial "container does not exist"
	islet update --blkio-weight 200 "$CID"
	if blkio_has_weights; then
		assert_success
		w=$(cat "$CG/blkio$CGPATH/blkio.weight" 2>/dev/null || cgfile blkio blkio.bfq.weight)
		[[ "$w" == *200* ]]
	else
		assert_failure 1
		assert_output --partial "no CFQ or BFQ I/O scheduler"
	fi
	islet kill "$CID" KILL
	wait_status "$CID" stopped
	islet update --memory 64m "$CID"
	assert_failure 1
	assert_output --partial "container not running"
}

@test "update tightens and loosens a pids limit a running container feels" {
	set_args sh -c 'sleep 100'
	islet run -d "$CID"
	islet update --pids-limit 1 "$CID"
	assert_success
	pid=$(pid_of "$CID")
	# The container is at its limit: a process joining its pids cgroup
	# cannot fork there.
	run sh -c "echo \$\$ >$CG/pids$CGPATH/cgroup.procs && exec sh -c 'true & wait'"
	[[ "$output" == *"ork"* ]]  # dash: "Cannot fork"
	islet update --pids-limit -1 "$CID"
	[ "$(cgfile pids pids.max)" = max ]
	run sh -c "echo \$\$ >$CG/pids$CGPATH/cgroup.procs && exec sh -c 'true & wait; echo forked'"
	assert_output forked
}

@test "ps: json and table with the PID column, extra ps arguments, stopped" {
	set_args sh -c 'sleep 100 & sleep 101 & wait'
	islet run -d "$CID"
	assert_success
	sleep 0.3
	pid=$(pid_of "$CID")
	islet ps --format json "$CID"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "$output" | jq length)" -eq 3 ]
	echo "$output" | jq -e --argjson p "$pid" 'index($p) != null'
	islet ps "$CID"
	assert_success
	assert_line --index 0 --regexp '^UID +PID +PPID'
	[ "${#lines[@]}" -eq 4 ]
	assert_line --regexp "^root +$pid "
	# Parsing stops at the id: -o goes to ps.
	islet ps "$CID" -o pid,comm
	assert_success
	assert_line --index 0 --regexp '^ *PID +COMMAND'
	assert_line --regexp "^ *$pid sh$"
	islet ps -f yaml "$CID"
	assert_failure 1
	assert_output --partial "invalid format option"
	islet kill "$CID" KILL
	wait_status "$CID" stopped
	islet ps -f json "$CID"
	assert_success
	assert_output null
}

@test "events: --stats prints one runc-shaped line; --interval streams until the container stops" {
	resources '{"pids":{"limit":100},"memory":{"limit":67108864}}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet events --stats "$CID"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "$output" | jq -r .type)" = stats ]
	[ "$(echo "$output" | jq -r .id)" = "$CID" ]
	[ "$(echo "$output" | jq -r '.data | keys_unsorted | join(",")')" = "cpu,cpuset,memory,pids,blkio,hugetlb,intel_rdt,network_interfaces" ]
	[ "$(echo "$output" | jq .data.pids.current)" -ge 1 ]
	[ "$(echo "$output" | jq .data.pids.limit)" -eq 100 ]
	[ "$(echo "$output" | jq .data.memory.usage.limit)" -eq 67108864 ]
	echo "$output" | jq -e '.data.cpu.usage.total > 0'
	"$ISLET" --root "$ROOT" events --interval 200ms "$CID" >"$BATS_TEST_TMPDIR/ev" 2>&1 &
	ev=$!
	sleep 1.5
	islet kill "$CID" KILL
	# events ends by itself once the container has stopped.
	rc=0
	wait "$ev" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ev")" -ge 3 ]
	while read -r l; do [ "$(echo "$l" | jq -r .type)" = stats ]; done <"$BATS_TEST_TMPDIR/ev"
	islet events "$CID"
	assert_failure 1
	assert_output --partial "container with id $CID is not running"
	islet events --interval 5x "$CID"
	assert_failure 1
}

@test "kill --all reaches every process in the cgroup" {
	set_args sh -c 'trap "" TERM; sleep 100 & sleep 100 & wait'
	islet run -d "$CID"
	assert_success
	sleep 0.3
	[ "$(wc -l <"$CG/pids$CGPATH/cgroup.procs")" -eq 3 ]
	islet kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	for _ in $(seq 50); do [ -z "$(cat "$CG/pids$CGPATH/cgroup.procs")" ] && break; sleep 0.05; done
	[ -z "$(cat "$CG/pids$CGPATH/cgroup.procs")" ]
	# Without a pid namespace SIGKILL alone sweeps the cgroup (SECURITY.md #34).
	islet delete "$CID"
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	islet run -d "$CID"
	assert_success
	sleep 0.3
	islet kill "$CID" KILL
	assert_success
	for _ in $(seq 50); do [ -z "$(cat "$CG/pids$CGPATH/cgroup.procs")" ] && break; sleep 0.05; done
	[ -z "$(cat "$CG/pids$CGPATH/cgroup.procs")" ]
}

@test "SIGKILL of islet during create: delete --force cleans every hierarchy (SECURITY.md #33)" {
	require_test_hooks
	resources '{"memory":{"limit":67108864},"pids":{"limit":10}}'
	set_args sleep 100
	for stage in after-state-dir after-cgroup; do
		ISLET_TEST_PAUSE_AT=$stage "$ISLET" --root "$ROOT" create "$CID" >/dev/null 2>&1 &
		p=$!
		for _ in $(seq 200); do [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" = T ] && break; sleep 0.05; done
		[ "$(awk '{print $3}' /proc/$p/stat)" = T ]
		kill -9 $p
		wait $p || true
		[ "$stage" = after-state-dir ] || [ -d "$CG/memory$CGPATH" ]
		islet delete --force "$CID"
		assert_success
		[ -z "$(leaked_cgroups)" ]
		[ ! -e "$ROOT/$CID" ]
	done
	islet create "$CID"
	assert_success
}

@test "a non-empty or frozen pre-existing cgroup is refused and left alone (SECURITY.md #36)" {
	mkdir -p "$CG/pids$CGPATH"
	sleep 100 &
	sl=$!
	echo $sl >"$CG/pids$CGPATH/cgroup.procs"
	set_args true
	islet create "$CID"
	assert_failure 1
	assert_output --partial "container's cgroup is not empty: 1 process(es) found"
	grep -qx $sl "$CG/pids$CGPATH/cgroup.procs"
	echo $sl >$CG/pids/cgroup.procs
	kill $sl
	rmdir "$CG/pids$CGPATH"
	mkdir -p "$CG/freezer$CGPATH"
	echo FROZEN >"$CG/freezer$CGPATH/freezer.state"
	islet create "$CID"
	assert_failure 1
	assert_output --partial "frozen"
	[ "$(cat "$CG/freezer$CGPATH/freezer.state")" = FROZEN ]
	echo THAWED >"$CG/freezer$CGPATH/freezer.state"
	rmdir "$CG/freezer$CGPATH"
}

@test "cgroupsPath cannot climb out of its parent (SECURITY.md #18)" {
	update_config --arg p "../../../$ID_PREFIX-x" '.linux.cgroupsPath = $p'
	set_args sleep 100
	islet create "$CID"
	assert_success
	pid=$(pid_of "$CID")
	# Relative: under islet's own cgroup in each hierarchy, never above it.
	self_mem=$(awk -F: '$2=="memory"{print $3}' /proc/self/cgroup)
	[ -d "$CG/memory${self_mem%/}/$ID_PREFIX-x" ]
	grep -q ":memory:${self_mem%/}/$ID_PREFIX-x\$" "/proc/$pid/cgroup"
	islet delete -f "$CID"
	[ -z "$(leaked_cgroups)" ]
}

@test "the container's cgroup mounts are read-only (SECURITY.md #17)" {
	set_args sh -c 'grep " /sys/fs/cgroup" /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	[ "${#lines[@]}" -ge 2 ]
	for l in "${lines[@]}"; do
		[[ "$l" == *" ro,"* ]] || [[ "$l" == *" ro "* ]] || { echo "writable: $l"; false; }
	done
	assert_output --partial "/sys/fs/cgroup/unified"
}

@test "features lists cgroup v1, v2 and rdma" {
	islet features
	assert_success
	[ "$(echo "$output" | jq .linux.cgroup.v1)" = true ]
	[ "$(echo "$output" | jq .linux.cgroup.v2)" = true ]
	[ "$(echo "$output" | jq .linux.cgroup.rdma)" = true ]
}

@test "delete --force removes sub-cgroups and their processes in every hierarchy" {
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	# A process in a nested cgroup of the container (as exec --cgroup, or a
	# container with a writable cgroup mount, would leave).
	sleep 100 &
	sl=$!
	for h in memory pids freezer unified; do
		mkdir -p "$CG/$h$CGPATH/sub/deeper"
		echo $sl >"$CG/$h$CGPATH/sub/deeper/cgroup.procs"
	done
	islet ps -f json "$CID"
	echo "$output" | jq -e --argjson p "$sl" 'index($p) != null'
	islet delete --force "$CID"
	assert_success
	rc=0
	wait $sl || rc=$?
	[ "$rc" -eq 137 ]
	[ -z "$(leaked_cgroups)" ]
}
