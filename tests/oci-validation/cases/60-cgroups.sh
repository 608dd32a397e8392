# shellcheck shell=bash
# linux.cgroupsPath and linux.resources (config-linux.md: Control groups),
# read back from the host's cgroup files (v1 where the controller is there,
# else the unified hierarchy), with an absolute and a relative cgroupsPath
# (runtime-tools linux_cgroups_* and linux_cgroups_relative_*).

# Creates a sleeping container with resources from jq filter $2 and
# cgroupsPath absolute ($1 = abs) or relative ($1 = rel); sets ID, PID.
_cgroup_container() {
	new_bundle
	set_args sleep 1000
	local path
	if [ "$1" = abs ]; then path="/oci-validation-$$-$CASE"; else path="oci-validation-$$-$CASE"; fi
	cfg --arg p "$path" ".linux.cgroupsPath = \$p | $2"
	ID=$(new_id)
	create_container "$ID"
	PID=$(pid_of "$ID")
	CGPATH=$path
}

# The value of cgroup file $2 of controller $1 for the container; skips the
# case when the host does not have that controller or file.
_cg_read() {
	local dir
	dir=$(cgroup_dir_of "$PID" "$1") || skip "the $1 controller is not available on this host"
	case "$CGPATH" in
	/*) [ "${dir%"$CGPATH"}" != "$dir" ] || fail "$1: the container is in $dir, not at $CGPATH" ;;
	*) [ "${dir%/"$CGPATH"}" != "$dir" ] || fail "$1: the container is in $dir, not under .../$CGPATH" ;;
	esac
	[ -e "$dir/$2" ] || skip "$dir/$2 does not exist on this host"
	cat "$dir/$2"
}

# Skips the case (in the case's own shell) unless the container's cgroup
# has file $2 of controller $1.
_need_cg() {
	local dir
	dir=$(cgroup_dir_of "$PID" "$1") || skip "the $1 controller is not available on this host"
	[ -e "$dir/$2" ] || skip "$1: $2 does not exist on this host"
}

_expect_cg() {
	local got
	got=$(_cg_read "$1" "$2")
	[ "$got" = "$3" ] || fail "$1/$2: expected '$3', got '$got'"
}

_cgroup_done() {
	local dirs=() c d
	for c in memory cpu pids devices freezer; do
		d=$(cgroup_dir_of "$PID" "$c" 2>/dev/null) && dirs+=("$d")
	done
	rt delete --force "$ID"
	for d in "${dirs[@]}"; do [ ! -d "$d" ] || fail "$d left after delete"; done
}

_memory() {
	_cgroup_container "$1" '.linux.resources.memory = {limit: 52428800, reservation: 26214400, swappiness: 30, disableOOMKiller: true}'
	_expect_cg memory memory.limit_in_bytes 52428800
	_expect_cg memory memory.soft_limit_in_bytes 26214400
	_expect_cg memory memory.swappiness 30
	_need_cg memory memory.oom_control
	_cg_read memory memory.oom_control | grep -qx 'oom_kill_disable 1' || fail "oom killer not disabled"
	_cgroup_done
}
case_linux_cgroups_memory() { _memory abs; }
case_linux_cgroups_relative_memory() { _memory rel; }

_cpus() {
	_cgroup_container "$1" '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"}'
	_expect_cg cpu cpu.shares 512
	_expect_cg cpu cpu.cfs_quota_us 50000
	_expect_cg cpu cpu.cfs_period_us 100000
	_expect_cg cpuset cpuset.cpus 0
	_expect_cg cpuset cpuset.mems 0
	_cgroup_done
}
case_linux_cgroups_cpus() { _cpus abs; }
case_linux_cgroups_relative_cpus() { _cpus rel; }

_pids() {
	_cgroup_container "$1" '.linux.resources.pids = {limit: 100}'
	_expect_cg pids pids.max 100
	_cgroup_done
}
case_linux_cgroups_pids() { _pids abs; }
case_linux_cgroups_relative_pids() { _pids rel; }

# Device rules: the allowed device is listed, everything else is denied.
_devices() {
	_cgroup_container "$1" '.linux.resources.devices = [{allow: false, access: "rwm"},
	    {allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
	    {allow: true, type: "c", major: 1, minor: 5, access: "r"},
	    {allow: true, type: "b", major: 8, minor: 0, access: "rw"}]'
	local list
	list=$(_cg_read devices devices.list)
	# Each rule is in effect (the runtime's default devices may widen one).
	grep -Eqx 'c 1:3 rwm' <<<"$list" || fail "c 1:3 rwm not allowed: $list"
	grep -Eqx 'c 1:5 r[wm]*' <<<"$list" || fail "c 1:5 r not allowed: $list"
	grep -Eqx 'b 8:0 rw' <<<"$list" || fail "b 8:0 rw not allowed: $list"
	! grep -qx 'a \*:\* rwm' <<<"$list" || fail "everything is allowed: $list"
	_cgroup_done
}
case_linux_cgroups_devices() { _devices abs; }
case_linux_cgroups_relative_devices() { _devices rel; }

# The host's first whole block device, for the throttling rules.
_block_device() { awk 'NR > 2 && $2 == 0 {print $1 ":" $2; exit}' /proc/partitions; }

# Whether the host's blkio controller takes a weight (CFQ or BFQ scheduler).
_blkio_has_weight() {
	local root
	root=$(cgroup_mount blkio)
	[ -e "$root/blkio.weight" ] || [ -e "$root/blkio.bfq.weight" ]
}

_blkio() {
	local dev weight=''
	dev=$(_block_device)
	[ -n "$dev" ] || skip "no block device"
	[ -n "$(cgroup_mount blkio)" ] || skip "the blkio controller is not available on this host"
	# blkio.weight exists only with the CFQ/BFQ schedulers. Without them a
	# weight is refused with a clear error (runc fails too) and nothing is
	# left behind; the throttling rules are checked either way.
	if _blkio_has_weight; then
		weight='weight: 500,'
	else
		new_bundle
		set_args sleep 1000
		cfg ".linux.cgroupsPath = \"oci-validation-$$-$CASE-w\" | .linux.resources.blockIO = {weight: 500}"
		local wid
		wid=$(new_id)
		rt_fails create --bundle "$BUNDLE" "$wid"
		grep -q 'blockIO/weight' "$CASE_DIR/last.err" || fail "the weight error does not name blockIO/weight: $(cat "$CASE_DIR/last.err")"
		rt_fails state "$wid"
		[ ! -d "$(cgroup_mount blkio)/oci-validation-$$-$CASE-w" ] || fail "a refused weight left its cgroup"
	fi
	_cgroup_container "$1" ".linux.resources.blockIO = {$weight
	    throttleReadBpsDevice: [{major: ${dev%:*}, minor: ${dev#*:}, rate: 1048576}],
	    throttleWriteIOPSDevice: [{major: ${dev%:*}, minor: ${dev#*:}, rate: 300}]}"
	_need_cg blkio blkio.throttle.read_bps_device
	_need_cg blkio blkio.throttle.write_iops_device
	_cg_read blkio blkio.throttle.read_bps_device | grep -qx "$dev 1048576" || fail "read bps not throttled"
	_cg_read blkio blkio.throttle.write_iops_device | grep -qx "$dev 300" || fail "write iops not throttled"
	if [ -n "$weight" ]; then _expect_cg blkio blkio.weight 500; fi
	_cgroup_done
}
case_linux_cgroups_blkio() { _blkio abs; }
case_linux_cgroups_relative_blkio() { _blkio rel; }

_hugetlb() {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2 MB huge pages on this host"
	[ -n "$(cgroup_mount hugetlb)" ] || skip "no hugetlb controller on this host"
	_cgroup_container "$1" '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	local f=hugetlb.2MB.limit_in_bytes dir
	dir=$(cgroup_dir_of "$PID" hugetlb) || skip "the hugetlb controller is not available on this host"
	[ -e "$dir/$f" ] || f=hugetlb.2MB.max
	_expect_cg hugetlb "$f" 4194304
	_cgroup_done
}
case_linux_cgroups_hugetlb() { _hugetlb abs; }
case_linux_cgroups_relative_hugetlb() { _hugetlb rel; }

_network() {
	[ -n "$(cgroup_mount net_cls)" ] && [ -n "$(cgroup_mount net_prio)" ] ||
		skip "the net_cls and net_prio controllers are not mounted on this host"
	_cgroup_container "$1" '.linux.resources.network = {classID: 1048577, priorities: [{name: "lo", priority: 7}]}'
	_expect_cg net_cls net_cls.classid 1048577
	_need_cg net_prio net_prio.ifpriomap
	_cg_read net_prio net_prio.ifpriomap | grep -qx 'lo 7' || fail "lo priority not set"
	_cgroup_done
}
case_linux_cgroups_network() { _network abs; }
case_linux_cgroups_relative_network() { _network rel; }

# cgroupsPath alone: the container process is in it in every hierarchy
# (the checker reads /proc/self/cgroup), and it goes with delete.
case_linux_cgroups_path() {
	new_bundle
	cfg --arg p "/oci-validation-$$/nested/path" '.linux.cgroupsPath = $p'
	local rc=0 m left=""
	(run_checker) || rc=$?
	# The runtime removes its own directory; the parents it had to make are
	# the suite's to remove (runc leaves them too), pass or fail.
	while read -r m; do
		[ ! -d "$m/oci-validation-$$/nested/path" ] || left+=" $m/oci-validation-$$/nested/path"
		rmdir "$m/oci-validation-$$/nested/path" "$m/oci-validation-$$/nested" "$m/oci-validation-$$" 2>/dev/null || true
	done < <(awk '$0 ~ / - cgroup2? / {print $5}' /proc/self/mountinfo)
	[ "$rc" = 0 ] || exit "$rc"
	[ -z "$left" ] || fail "left after delete:$left"
}
