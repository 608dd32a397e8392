#!/usr/bin/env bats
# process: args (looked up on PATH; the errors clients map to 126 and 127),
# env, cwd, user, additional gids, umask, HOME. exec: exec.bats.

load helpers

@test "the program is looked up on the container's PATH" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho found-it\n' >"$BUNDLE/rootfs/opt/tools/mytool"
	chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
	update_config '.process.env = ["PATH=/opt/tools:/bin"] | .process.args = ["mytool"]'
	islet run "$CID"
	assert_success
	assert_output found-it
}

@test "a missing program fails create with the text podman maps to 127" {
	set_args /nonexistent
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'islet create failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory'
	[ ! -e "$ROOT/$CID" ]
	set_args no-such-program
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'exec: "no-such-program": executable file not found in $PATH'
	[ ! -e "$ROOT/$CID" ]
}

@test "a non-executable program fails create with permission denied (126)" {
	set_args /etc/passwd
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'exec: "/etc/passwd": permission denied'
	[ ! -e "$ROOT/$CID" ]
}

@test "process: env, cwd (made when missing), user, additional gids, umask, HOME" {
	update_config '.process.env = ["PATH=/bin", "A=1"] | .process.cwd = "/work/dir"
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20], "umask": 63} | .root.readonly = false'
	set_args sh -c 'env | sort; pwd; id; umask'
	islet run "$CID"
	assert_success
	assert_line A=1
	assert_line HOME=/
	assert_line /work/dir
	# Supplementary groups are exactly additionalGids (runc: no /etc/group lookup).
	assert_line "uid=1000 gid=1000 groups=10,20"
	assert_line 0077
	update_config '.process.user = {"uid": 0, "gid": 0} | .process.env = ["PATH=/bin"]'
	set_args sh -c 'echo $HOME; umask'
	islet run "$CID"
	assert_output "$(printf '/root\n0022')"
}
