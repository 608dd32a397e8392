#!/usr/bin/env bats
# process.scheduler and process.ioPriority, seen inside and from the host.

load helpers

setup() {
	setup_common
	install_helper security_probe
}

@test "scheduler and I/O priority are the process's, seen inside and from the host" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_args sh -c '/bin/security_probe sched ioprio; exec sleep 100'
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	for _ in $(seq 100); do [ "$(cat "/proc/$pid/comm")" = sleep ] && break; sleep 0.05; done
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
