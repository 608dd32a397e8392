#!/usr/bin/env bats
# /dev: the default device nodes and symlinks, linux.devices, and the device
# cgroup as the container's process meets it (runc's dev.bats). The
# linux.resources.devices rules themselves: cgroups.bats (SECURITY.md #22).

load helpers

@test "default devices, /dev symlinks, and linux.devices" {
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 7, "gid": 8},
		{"path": "/dev/custom/loop-ctl", "type": "c", "major": 10, "minor": 237}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	set_args sh -c 'for d in null zero full tty random urandom fuse custom/loop-ctl; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; head -c 4 /dev/zero | wc -c; echo x >/dev/null && echo null-ok'
	islet run "$CID"
	assert_success
	assert_line "/dev/null character special file 1:3 666 0:0"
	assert_line "/dev/zero character special file 1:5 666 0:0"
	assert_line "/dev/full character special file 1:7 666 0:0"
	assert_line "/dev/tty character special file 5:0 666 0:0"
	assert_line "/dev/urandom character special file 1:9 666 0:0"
	assert_line "/dev/fuse character special file a:e5 660 7:8"
	assert_line "/dev/custom/loop-ctl character special file a:ed 666 0:0"
	assert_line /proc/self/fd
	assert_line /proc/self/fd/0
	assert_line pts/ptmx
	assert_line 4
	assert_line null-ok
}

@test "the device cgroup denies what the config does not allow" {
	# Deny-all by default (islet spec), then only the defaults: mknod works,
	# opening an unlisted device does not.
	set_args sh -c 'mknod /dev/sda-test b 8 0 && head -c 1 /dev/sda-test; echo rc=$?'
	islet run "$CID"
	assert_output --partial "Operation not permitted"
	assert_output --partial "rc=1"
}
