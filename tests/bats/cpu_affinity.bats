#!/usr/bin/env bats
# process.execCPUAffinity: never the init's (runtime-spec), the exec'd
# process's final affinity.

load helpers

setup() {
	setup_common
	install_helper security_probe
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

@test "exec: execCPUAffinity final is the exec'd process's affinity" {
	requires smp
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "1"} | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet exec "$CID" /bin/security_probe affinity sched
	assert_success
	assert_line "affinity: 1"
	assert_line "sched: policy 3 nice 3 priority 0 flags 0"
}
