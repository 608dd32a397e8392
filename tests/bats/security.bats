#!/usr/bin/env bats
# Security settings other than seccomp, observed from inside the container
# (or from the host): capabilities, no_new_privs, rlimits, oom score,
# sysctls, LSM labels, personality, scheduler, I/O priority, CPU affinity,
# time offsets, memory policy. SECURITY.md checklist 7 and 15.

load helpers

setup() {
	setup_common
	cp "$ISLET_HELPERS/security_probe" "$BUNDLE/rootfs/bin/security_probe"
}

# Field $1 of /proc/self/status inside the container, as printed by run.
status_field() { echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'; }

@test "capabilities: exactly the configured sets; inheritable and ambient empty unless asked; NoNewPrivs" {
	set_args sh -c 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status'
	islet run "$CID"
	assert_success
	# islet spec: CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10).
	[ "$(status_field CapBnd)" = 0000000020000420 ]
	[ "$(status_field CapEff)" = 0000000020000420 ]
	[ "$(status_field CapPrm)" = 0000000020000420 ]
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	[ "$(status_field NoNewPrivs)" = 1 ]
	# Asked for: inheritable and ambient CAP_KILL, a non-root user, no NNP.
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]
		| .process.capabilities.bounding = ["CAP_KILL", "CAP_CHOWN"]'
	islet run "$CID"
	assert_success
	[ "$(status_field CapBnd)" = 0000000000000021 ]
	[ "$(status_field CapInh)" = 0000000000000020 ]
	[ "$(status_field CapAmb)" = 0000000000000020 ]
	[ "$(status_field CapEff)" = 0000000000000020 ]
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "capabilities: a name that is no capability fails create and leaves nothing" {
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial '/process/capabilities/bounding/3: unknown capability "CAP_BOGUS"'
	[ ! -e "$ROOT/$CID" ]
}

@test "rlimits and oomScoreAdj are read back inside; bad values fail create" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}]
		| .process.oomScoreAdj = 500'
	set_args sh -c 'grep -E "^Max (open files|core file size|processes)" /proc/self/limits; cat /proc/self/oom_score_adj'
	islet run "$CID"
	assert_success
	assert_line --regexp "^Max open files +123 +456 +files"
	assert_line --regexp "^Max core file size +0 +0 +bytes"
	assert_line --regexp "^Max processes +77 +88 +processes"
	assert_line 500
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 9, "hard": 8}, {"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]
		| .process.oomScoreAdj = 1001'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/process/rlimits/0: soft limit is greater than the hard limit"
	assert_output --partial '/process/rlimits/1/type: unknown rlimit type "RLIMIT_BOGUS"'
	assert_output --partial "/process/oomScoreAdj: must be between -1000 and 1000"
	[ ! -e "$ROOT/$CID" ]
}

@test "sysctl: values are read back inside; the host keeps its own" {
	host_shmmax=$(cat /proc/sys/kernel/shmmax)
	host_somaxconn=$(cat /proc/sys/net/core/somaxconn)
	update_config '.linux.sysctl = {"kernel.shmmax": "12345678", "net.core.somaxconn": "321",
		"net/ipv4/ip_forward": "1", "kernel.domainname": "islet.test"}'
	set_args sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname'
	islet run "$CID"
	assert_success
	assert_output "$(printf '12345678\n321\n1\nislet.test')"
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_shmmax" ]
	[ "$(cat /proc/sys/net/core/somaxconn)" = "$host_somaxconn" ]
}

@test "sysctl: an unknown key or one outside the container's namespaces fails create and leaves nothing" {
	update_config '.linux.sysctl = {"net.ipv4.islet_bogus": "1"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.ipv4.islet_bogus" = "1": open /proc/sys/net/ipv4/islet_bogus: no such file or directory'
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.sysctl = {"vm.swappiness": "10", "kernel.hostname": "x"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "vm.swappiness" is not in a separate kernel namespace'
	assert_output --partial 'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'
	update_config '.linux.sysctl = {"net.core.somaxconn": "1"} | .linux.namespaces |= map(select(.type != "network"))'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.core.somaxconn" is not allowed in the host'"'"'s network namespace'
	update_config '.linux.namespaces += [{"type": "network", "path": "/proc/self/ns/net"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.core.somaxconn" is not allowed in the host'"'"'s network namespace'
	[ ! -e "$ROOT/$CID" ]
}

@test "sysctl: a mount over /proc/sys makes the write fail as not procfs (CVE-2019-16884 class)" {
	update_config '.linux.sysctl = {"net.core.somaxconn": "321"}'
	run unshare -m --propagation private sh -c \
		"mount -t tmpfs islet-fake /proc/sys/net && exec '$ISLET' --root '$ROOT' run '$CID' </dev/null"
	assert_failure 1
	assert_output --partial "/proc/sys/net/core/somaxconn is not procfs"
	[ ! -e "$ROOT/$CID" ]
}

@test "LSM: an AppArmor profile, SELinux label or mount label on a host without that LSM is a clear error" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
	update_config '.process.apparmorProfile = "islet-test"'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "apparmor profile is specified in config, but apparmor is disabled or not supported"
	[ ! -e "$ROOT/$CID" ]
	[ ! -d /sys/fs/selinux ] || skip "selinuxfs is mounted here"
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/process/selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported"
	assert_output --partial "/linux/mountLabel: selinux mount label is specified in config, but selinux is disabled or not supported"
	[ ! -e "$ROOT/$CID" ]
}

@test "personality LINUX32: uname -m says i686 inside" {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 only"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args sh -c 'uname -m; /bin/security_probe personality'
	islet run "$CID"
	assert_success
	assert_output "$(printf 'i686\npersonality: 0x8')"
	update_config '.linux.personality = {"domain": "LINUX64"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'personality domain "LINUX64" is not LINUX or LINUX32'
}

@test "scheduler and I/O priority are the process's, seen inside and from the host" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_args sh -c '/bin/security_probe sched ioprio; exec sleep 100'
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	for i in $(seq 100); do [ "$(cat "/proc/$pid/comm")" = sleep ] && break; sleep 0.05; done
	# /proc/<pid>/stat after the command name: field 19 nice, field 41 policy.
	stat=$(sed 's/^.*) //' "/proc/$pid/stat")
	[ "$(echo "$stat" | awk '{ print $17 }')" = 7 ]
	[ "$(echo "$stat" | awk '{ print $39 }')" = 3 ]
	run ionice -p "$pid"
	assert_output "best-effort: prio 6"
	islet delete --force "$CID"
	# Inside, from the probe (run in the foreground this time).
	set_args /bin/security_probe sched ioprio
	islet run "$CID"
	assert_success
	assert_line "sched: policy 3 nice 7 priority 0 flags 0"
	assert_line "ioprio: class 2 level 6"
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 5, "nice": 30}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 9}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "scheduler.priority can only be specified for SchedFIFO or SchedRR policy"
	assert_output --partial "invalid scheduler.nice: 30"
	assert_output --partial "invalid ioPriority.priority 9"
}

@test "execCPUAffinity is validated but never applied to the container's init (runtime-spec)" {
	host_cpus=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/self/status)
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "0"}'
	set_args sh -c 'awk '"'"'$1 == "Cpus_allowed_list:" { print $2 }'"'"' /proc/self/status'
	islet run "$CID"
	assert_success
	assert_output "$host_cpus"
	update_config '.process.execCPUAffinity = {"initial": "3-1", "final": "x"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial '/process/execCPUAffinity/initial: invalid CPU list "3-1"'
	assert_output --partial '/process/execCPUAffinity/final: invalid CPU list "x"'
}

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

@test "memoryPolicy: MPOL_BIND to node 0 is the process's policy; bad modes fail create" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	set_args /bin/security_probe mempolicy
	islet run "$CID"
	assert_success
	# MPOL_BIND is 2, MPOL_F_STATIC_NODES 0x8000.
	assert_output "mempolicy: mode 2 flags 0x8000 nodes 0x1"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BOGUS", "nodes": "0"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'invalid memory policy mode "MPOL_BOGUS"'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "MPOL_INTERLEAVE needs nodes"
	[ ! -e "$ROOT/$CID" ]
}

@test "capabilities: the bounding set is dropped whatever the image's /proc says (no /proc mount)" {
	# Without a proc mount, /proc in the container is the image's directory:
	# a fake cap_last_cap there must not shrink the set of capabilities dropped.
	update_config '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	mkdir -p "$BUNDLE/rootfs/proc/sys/kernel" "$BUNDLE/rootfs/proc/self"
	echo 0 >"$BUNDLE/rootfs/proc/sys/kernel/cap_last_cap"
	echo deny >"$BUNDLE/rootfs/proc/self/setgroups"
	set_args sleep 100
	# islet itself runs with a supplementary group the container must not get.
	setpriv --groups 4242 "$ISLET" --root "$ROOT" run -d "$CID" >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null
	pid=$(pid_of "$CID")
	for i in $(seq 100); do [ "$(cat "/proc/$pid/comm")" = sleep ] && break; sleep 0.05; done
	[ "$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$pid/status")" = 0000000020000420 ]
	# The supplementary groups are the config's (none), not islet's, whatever
	# the image's /proc/self/setgroups says.
	[ "$(awk '$1 == "Groups:" { print $2 }' "/proc/$pid/status")" = "" ]
}

@test "exec: execCPUAffinity final is the exec'd process's affinity; --apparmor without AppArmor is an error" {
	[ "$(cat /sys/devices/system/cpu/online)" != 0 ] || skip "needs two CPUs"
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "1"} | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet exec "$CID" /bin/security_probe affinity sched
	assert_success
	assert_line "affinity: 1"
	assert_line "sched: policy 3 nice 3 priority 0 flags 0"
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
	islet exec --apparmor islet-test "$CID" true
	assert_failure
	assert_output --partial "apparmor profile is specified in config, but apparmor is disabled or not supported"
}
