#!/usr/bin/env bats
# LSM labels: process.apparmorProfile, process.selinuxLabel, linux.mountLabel
# and exec --apparmor (SECURITY.md #7). On a host without the LSM they are a
# clear error.

load helpers

@test "LSM: an AppArmor profile on a host without AppArmor is a clear error" {
	requires no_apparmor
	update_config '.process.apparmorProfile = "islet-test"'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "apparmor profile is specified in config, but apparmor is disabled or not supported"
	[ ! -e "$ROOT/$CID" ]
}

@test "LSM: an SELinux label or mount label on a host without SELinux is a clear error" {
	requires no_selinux
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/process/selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported"
	assert_output --partial "/linux/mountLabel: selinux mount label is specified in config, but selinux is disabled or not supported"
	[ ! -e "$ROOT/$CID" ]
}

@test "LSM: exec --apparmor on a host without AppArmor is an error" {
	requires no_apparmor
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet exec --apparmor islet-test "$CID" true
	assert_failure
	assert_output --partial "apparmor profile is specified in config, but apparmor is disabled or not supported"
}
