#!/usr/bin/env bats
# root (path, readonly) and the switch into it: pivot_root, or MS_MOVE and
# chroot with --no-pivot (which linux.rootfsPropagation may forbid).

load helpers

@test "root.readonly makes / read-only; false leaves it writable" {
	set_args sh -c 'touch /rootfile 2>&1; echo rc=$?'
	islet run "$CID"
	assert_output --partial "Read-only file system"
	assert_output --partial "rc=1"
	update_config '.root.readonly = false'
	islet run "$CID"
	assert_output "rc=0"
	[ -e "$BUNDLE/rootfs/rootfile" ]
}

@test "--no-pivot runs the container with MS_MOVE and chroot" {
	set_args sh -c 'cat /proc/self/mountinfo | wc -l; ls /'
	islet run --no-pivot "$CID"
	assert_success
	assert_line bin
	update_config '.linux.rootfsPropagation = "rprivate"'
	islet run --no-pivot "$CID"
	assert_failure 1
	assert_output --partial "not safe without pivot_root"
}
