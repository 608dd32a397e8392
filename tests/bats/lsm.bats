#!/usr/bin/env bats
# LSM labels: process.apparmorProfile, process.selinuxLabel, linux.mountLabel
# and exec --apparmor (SECURITY.md #7). On a host without the LSM they are a
# clear error.

load helpers

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
